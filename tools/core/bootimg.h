/* SPDX-License-Identifier: MIT */
/*
 * bootimg.h - Android boot images (boot.img, header v0 to v4) and vendor
 * boot images (vendor_boot.img, header v3 and v4): written and read back.
 *
 * The format is AOSP's, from system/tools/mkbootimg/include/bootimg/bootimg.h
 * (android.googlesource.com, the definition mkbootimg.py and the bootloaders
 * follow).  All integers are little-endian; every section starts on a page
 * boundary and is zero-padded to a whole page.  Header sizes (bytes):
 *
 *   boot v0 1632, v1 1648, v2 1660, v3 1580, v4 1584
 *   vendor_boot v3 2112, v4 2128; vendor ramdisk table entry (v4) 108
 *
 * (Debian's mkbootimg 29.0.6 writes 1596 and 2108 for v3, an early draft,
 * and knows no v4: hence this writer.)
 *
 * Layouts, each box a whole number of pages:
 *   boot v0-v2:  header | kernel | ramdisk | second | recovery_dtbo (v1+) | dtb (v2)
 *                page size chosen (default 2048); load addresses in the header
 *   boot v3/v4:  header | kernel | ramdisk | boot signature (v4)
 *                page size fixed at 4096; no addresses, no dtb (vendor_boot has them)
 *   vendor v3:   header | vendor ramdisk | dtb
 *   vendor v4:   header | vendor ramdisks (concatenated) | dtb |
 *                vendor ramdisk table | bootconfig
 *
 * Payloads are opaque bytes: nothing here looks at a kernel's or DTB's
 * magic.  The v0-v2 `id` (a SHA-1 in mkbootimg) is written as zeros: no
 * bootloader we drive checks it (U-Boot 2023.01 does not read it).
 *
 * Images are built in memory (callers free the buffer) and read from a
 * buffer: bootimg_read() checks every size and offset against the buffer,
 * so the info it returns can be used to slice payloads without further
 * checks.
 */
#ifndef OOPSFARM_BOOTIMG_H
#define OOPSFARM_BOOTIMG_H

#include <stddef.h>
#include <stdint.h>

#define BOOTIMG_BOOT_MAGIC   "ANDROID!"
#define BOOTIMG_VENDOR_MAGIC "VNDRBOOT"

/* Header sizes per version (AOSP bootimg.h); 0 for an unknown version. */
uint32_t bootimg_boot_header_size(unsigned version);
uint32_t bootimg_vendor_header_size(unsigned version);
#define BOOTIMG_VENDOR_RAMDISK_ENTRY_SIZE 108

/* Vendor ramdisk types (v4 table). */
enum {
	BOOTIMG_VENDOR_RAMDISK_NONE = 0,
	BOOTIMG_VENDOR_RAMDISK_PLATFORM = 1,
	BOOTIMG_VENDOR_RAMDISK_RECOVERY = 2,
	BOOTIMG_VENDOR_RAMDISK_DLKM = 3,
};

#define BOOTIMG_MAX_VENDOR_RAMDISKS 16
#define BOOTIMG_BOARD_ID_WORDS	    16

/* Bytes owned by the caller (data may be NULL when size is 0). */
struct bootimg_blob {
	const void *data;
	size_t size;
};

/*
 * A boot image to write.  Zero fields take mkbootimg's defaults: page
 * 2048 (v0-v2; v3/v4 only accept 0 or 4096), base 0x10000000, kernel
 * offset 0x8000, ramdisk 0x1000000, second 0xf00000, tags 0x100, dtb
 * 0x1f00000.  cmdline: v0-v2 up to 1536 bytes (the first 512 in cmdline,
 * the rest in extra_cmdline, as mkbootimg splits it), v3/v4 up to 1536.
 * name (v0-v2) up to 15 bytes.  os_version is already encoded
 * (bootimg_os_version()).
 */
struct bootimg_boot {
	unsigned header_version;
	uint32_t page_size;
	struct bootimg_blob kernel, ramdisk, second, recovery_dtbo, dtb;
	const char *cmdline, *name;
	uint32_t base, kernel_offset, ramdisk_offset, second_offset, tags_offset, dtb_offset;
	uint32_t os_version;
};

struct bootimg_vendor_ramdisk {
	struct bootimg_blob data;
	uint32_t type;	  /* BOOTIMG_VENDOR_RAMDISK_* */
	const char *name; /* up to 31 bytes; "" or NULL for none */
	uint32_t board_id[BOOTIMG_BOARD_ID_WORDS];
};

/*
 * A vendor boot image to write: v3 takes exactly one ramdisk, v4 one to
 * BOOTIMG_MAX_VENDOR_RAMDISKS (and a bootconfig, the raw "key = value"
 * lines; the bootloader appends the trailer).  Page size default 4096.
 * cmdline up to 2047 bytes, name up to 15.  Addresses as in bootimg_boot.
 */
struct bootimg_vendor {
	unsigned header_version;
	uint32_t page_size;
	const struct bootimg_vendor_ramdisk *ramdisks;
	size_t nramdisks;
	struct bootimg_blob dtb, bootconfig;
	const char *cmdline, *name;
	uint32_t base, kernel_offset, ramdisk_offset, tags_offset, dtb_offset;
};

/*
 * Build the image into a malloc'd buffer (*ret_buf, *ret_size; the caller
 * frees it).  Returns 0, or:
 *   -EPROTONOSUPPORT  a header version out of range (boot 0-4, vendor 3-4)
 *   -EINVAL           a page size not a power of two in 2048..65536 (or not
 *                     4096 for boot v3/v4), a payload the version cannot
 *                     carry (second/dtb/name in boot v3+, several ramdisks in v3,
 *                     none at all), a section over 4 GiB
 *   -E2BIG            cmdline, name or a ramdisk name too long
 *   -ENOMEM
 * On failure *ret_buf and *ret_size are untouched.
 */
int bootimg_boot_build(const struct bootimg_boot *b, void **ret_buf, size_t *ret_size);
int bootimg_vendor_build(const struct bootimg_vendor *v, void **ret_buf, size_t *ret_size);

/* Encodes "A.B.C" and "YYYY-MM" as AOSP's os_version (A.B.C 7 bits each,
 * year-2000 7 bits, month 4 bits); either may be NULL (0).  -EINVAL on a
 * malformed or out-of-range value. */
int bootimg_os_version(const char *version, const char *patch_level, uint32_t *ret);

enum bootimg_kind { BOOTIMG_BOOT, BOOTIMG_VENDOR_BOOT };

/* A section of a read image: its byte offset in the image and its size. */
struct bootimg_section {
	uint64_t offset, size;
};

struct bootimg_vendor_entry {
	struct bootimg_section data; /* absolute offset in the image */
	uint32_t type;
	char name[33];
	uint32_t board_id[BOOTIMG_BOARD_ID_WORDS];
};

/* What bootimg_read() finds.  Absent (empty) sections are {0, 0}. */
struct bootimg_info {
	enum bootimg_kind kind;
	unsigned header_version;
	uint32_t page_size, header_size;
	uint32_t os_version;
	char name[17];
	char cmdline[2049]; /* boot v0-v2: cmdline + extra_cmdline */
	/* load addresses (boot v0-v2 and vendor_boot) */
	uint32_t kernel_addr, ramdisk_addr, second_addr, tags_addr;
	uint64_t dtb_addr;
	/* boot */
	struct bootimg_section kernel, ramdisk, second, recovery_dtbo, signature;
	/* both (vendor: dtb; boot: v2 dtb) */
	struct bootimg_section dtb;
	/* vendor: the whole vendor ramdisk section, the v4 table and bootconfig */
	struct bootimg_section vendor_ramdisk, vendor_table, bootconfig;
	size_t nvendor;
	struct bootimg_vendor_entry vendor[BOOTIMG_MAX_VENDOR_RAMDISKS];
};

/*
 * Reads the header of a boot or vendor_boot image in buf[0..size) into
 * *ret.  Returns 0, or:
 *   -EINVAL           neither magic
 *   -EPROTONOSUPPORT  a header version this reader does not know
 *   -EBADMSG          a header size, page size or section that does not
 *                     fit the format or the buffer (a truncated image); a
 *                     v4 table entry outside the vendor ramdisk section;
 *                     more than BOOTIMG_MAX_VENDOR_RAMDISKS entries
 * *ret is untouched on failure.
 */
int bootimg_read(const void *buf, size_t size, struct bootimg_info *ret);

/* "none", "platform", "recovery", "dlkm" or NULL; and back (-1: unknown). */
const char *bootimg_vendor_ramdisk_type_name(uint32_t type);
int bootimg_vendor_ramdisk_type_parse(const char *name);

#endif
