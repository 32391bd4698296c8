// SPDX-License-Identifier: MIT
/*
 * bootimg.c - Android boot and vendor_boot images (bootimg.h has the format).
 *
 * Field offsets below are AOSP's packed structs, counted by hand and checked
 * by the header sizes they add up to (tests/unit/test-bootimg.c reads them
 * back field by field, and against Debian's unpack_bootimg).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootimg.h"

/* boot v0-v2 (boot_img_hdr_v0, v1, v2) */
enum {
	B0_KERNEL_SIZE = 8,
	B0_KERNEL_ADDR = 12,
	B0_RAMDISK_SIZE = 16,
	B0_RAMDISK_ADDR = 20,
	B0_SECOND_SIZE = 24,
	B0_SECOND_ADDR = 28,
	B0_TAGS_ADDR = 32,
	B0_PAGE_SIZE = 36,
	B0_HEADER_VERSION = 40,
	B0_OS_VERSION = 44,
	B0_NAME = 48,		/* [16] */
	B0_CMDLINE = 64,	/* [512] */
	B0_ID = 576,		/* u32[8] */
	B0_EXTRA_CMDLINE = 608, /* [1024] */
	B1_RECOVERY_DTBO_SIZE = 1632,
	B1_RECOVERY_DTBO_OFFSET = 1636, /* u64 */
	B1_HEADER_SIZE = 1644,
	B2_DTB_SIZE = 1648,
	B2_DTB_ADDR = 1652, /* u64 */
};
/* boot v3/v4 (boot_img_hdr_v3, v4) */
enum {
	B3_KERNEL_SIZE = 8,
	B3_RAMDISK_SIZE = 12,
	B3_OS_VERSION = 16,
	B3_HEADER_SIZE = 20,
	B3_RESERVED = 24, /* u32[4] */
	B3_HEADER_VERSION = 40,
	B3_CMDLINE = 44, /* [1536] */
	B4_SIGNATURE_SIZE = 1580,
};
/* vendor_boot v3/v4 (vendor_boot_img_hdr_v3, v4) */
enum {
	V3_HEADER_VERSION = 8,
	V3_PAGE_SIZE = 12,
	V3_KERNEL_ADDR = 16,
	V3_RAMDISK_ADDR = 20,
	V3_VENDOR_RAMDISK_SIZE = 24,
	V3_CMDLINE = 28, /* [2048] */
	V3_TAGS_ADDR = 2076,
	V3_NAME = 2080, /* [16] */
	V3_HEADER_SIZE = 2096,
	V3_DTB_SIZE = 2100,
	V3_DTB_ADDR = 2104, /* u64 */
	V4_TABLE_SIZE = 2112,
	V4_TABLE_ENTRY_NUM = 2116,
	V4_TABLE_ENTRY_SIZE = 2120,
	V4_BOOTCONFIG_SIZE = 2124,
};
/* vendor_ramdisk_table_entry_v4 */
enum {
	VE_SIZE = 0,
	VE_OFFSET = 4,
	VE_TYPE = 8,
	VE_NAME = 12,	  /* [32] */
	VE_BOARD_ID = 44, /* u32[16] */
};

#define BOOT_ARGS_SIZE	     512
#define BOOT_EXTRA_ARGS_SIZE 1024
#define VENDOR_ARGS_SIZE     2048
#define NAME_SIZE	     16
#define VENDOR_NAME_SIZE     32

/* mkbootimg's defaults */
#define DEF_BASE	0x10000000u
#define DEF_KERNEL_OFF	0x00008000u
#define DEF_RAMDISK_OFF 0x01000000u
#define DEF_SECOND_OFF	0x00f00000u
#define DEF_TAGS_OFF	0x00000100u
#define DEF_DTB_OFF	0x01f00000u

uint32_t bootimg_boot_header_size(unsigned version)
{
	static const uint32_t sz[] = {1632, 1648, 1660, 1580, 1584};
	return version < sizeof(sz) / sizeof(sz[0]) ? sz[version] : 0;
}

uint32_t bootimg_vendor_header_size(unsigned version)
{
	return version == 3 ? 2112 : version == 4 ? 2128 : 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint64_t pages(uint64_t n, uint32_t page)
{
	return (n + page - 1) / page * page;
}

static bool page_ok(uint32_t p)
{
	return p >= 2048 && p <= 65536 && !(p & (p - 1));
}

/* Copies s (NULL: "") into a fixed field of n bytes; -E2BIG unless it
 * fits with its NUL. */
static int put_str(unsigned char *p, size_t n, const char *s)
{
	size_t l = s ? strlen(s) : 0;
	if (l >= n)
		return -E2BIG;
	memcpy(p, s ? s : "", l);
	return 0;
}

/* A section list drives both the size computation and the copy. */
struct sect {
	const struct bootimg_blob *blob;
	const unsigned char *raw; /* or a prepared buffer */
	size_t rawlen;
};

static size_t sect_len(const struct sect *s)
{
	return s->blob ? s->blob->size : s->rawlen;
}

static const void *sect_data(const struct sect *s)
{
	return s->blob ? s->blob->data : s->raw;
}

/* Lays out header + sections on page boundaries into a new buffer. */
static int assemble(const unsigned char *hdr, size_t hdrlen, uint32_t page, const struct sect *s, size_t n,
		    void **ret_buf, size_t *ret_size)
{
	uint64_t total = pages(hdrlen, page);
	for (size_t i = 0; i < n; i++) {
		if (sect_len(&s[i]) > UINT32_MAX)
			return -EINVAL;
		total += pages(sect_len(&s[i]), page);
	}
	unsigned char *buf = calloc(1, total ? total : 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, hdr, hdrlen);
	uint64_t off = pages(hdrlen, page);
	for (size_t i = 0; i < n; i++) {
		if (sect_len(&s[i]))
			memcpy(buf + off, sect_data(&s[i]), sect_len(&s[i]));
		off += pages(sect_len(&s[i]), page);
	}
	*ret_buf = buf;
	*ret_size = total;
	return 0;
}

static uint32_t or_default(uint32_t v, uint32_t def)
{
	return v ? v : def;
}

int bootimg_boot_build(const struct bootimg_boot *b, void **ret_buf, size_t *ret_size)
{
	unsigned v = b->header_version;
	uint32_t hsize = bootimg_boot_header_size(v);
	if (!hsize)
		return -EPROTONOSUPPORT;
	unsigned char hdr[1664] = {0};
	memcpy(hdr, BOOTIMG_BOOT_MAGIC, 8);
	size_t clen = b->cmdline ? strlen(b->cmdline) : 0;
	if (clen >= BOOT_ARGS_SIZE + BOOT_EXTRA_ARGS_SIZE)
		return -E2BIG;

	if (v >= 3) {
		if ((b->page_size && b->page_size != 4096) || b->second.size || b->recovery_dtbo.size ||
		    b->dtb.size)
			return -EINVAL;
		if (b->name && *b->name)
			return -EINVAL;
		put32(hdr + B3_KERNEL_SIZE, b->kernel.size);
		put32(hdr + B3_RAMDISK_SIZE, b->ramdisk.size);
		put32(hdr + B3_OS_VERSION, b->os_version);
		put32(hdr + B3_HEADER_SIZE, hsize);
		put32(hdr + B3_HEADER_VERSION, v);
		memcpy(hdr + B3_CMDLINE, b->cmdline ? b->cmdline : "", clen);
		/* v4: signature_size stays 0, we carry no boot signature */
		struct sect s[] = {{&b->kernel, NULL, 0}, {&b->ramdisk, NULL, 0}};
		return assemble(hdr, hsize, 4096, s, 2, ret_buf, ret_size);
	}

	uint32_t page = or_default(b->page_size, 2048);
	if (!page_ok(page))
		return -EINVAL;
	if ((v < 1 && b->recovery_dtbo.size) || (v < 2 && b->dtb.size))
		return -EINVAL;
	int r = put_str(hdr + B0_NAME, NAME_SIZE, b->name);
	if (r < 0)
		return r;
	uint32_t base = or_default(b->base, DEF_BASE);
	put32(hdr + B0_KERNEL_SIZE, b->kernel.size);
	put32(hdr + B0_KERNEL_ADDR, base + or_default(b->kernel_offset, DEF_KERNEL_OFF));
	put32(hdr + B0_RAMDISK_SIZE, b->ramdisk.size);
	/* as mkbootimg: no load address for an absent ramdisk or second */
	if (b->ramdisk.size)
		put32(hdr + B0_RAMDISK_ADDR, base + or_default(b->ramdisk_offset, DEF_RAMDISK_OFF));
	put32(hdr + B0_SECOND_SIZE, b->second.size);
	if (b->second.size)
		put32(hdr + B0_SECOND_ADDR, base + or_default(b->second_offset, DEF_SECOND_OFF));
	put32(hdr + B0_TAGS_ADDR, base + or_default(b->tags_offset, DEF_TAGS_OFF));
	put32(hdr + B0_PAGE_SIZE, page);
	put32(hdr + B0_HEADER_VERSION, v);
	put32(hdr + B0_OS_VERSION, b->os_version);
	/* mkbootimg: the first 511 bytes in cmdline, the rest in extra_cmdline */
	size_t first = clen < BOOT_ARGS_SIZE - 1 ? clen : BOOT_ARGS_SIZE - 1;
	memcpy(hdr + B0_CMDLINE, b->cmdline ? b->cmdline : "", first);
	if (clen > first)
		memcpy(hdr + B0_EXTRA_CMDLINE, b->cmdline + first, clen - first);
	if (v >= 1) {
		put32(hdr + B1_RECOVERY_DTBO_SIZE, b->recovery_dtbo.size);
		if (b->recovery_dtbo.size) {
			uint64_t off = page + pages(b->kernel.size, page) + pages(b->ramdisk.size, page) +
				       pages(b->second.size, page);
			put64(hdr + B1_RECOVERY_DTBO_OFFSET, off);
		}
		put32(hdr + B1_HEADER_SIZE, hsize);
	}
	if (v >= 2) {
		put32(hdr + B2_DTB_SIZE, b->dtb.size);
		put64(hdr + B2_DTB_ADDR, (uint64_t)base + or_default(b->dtb_offset, DEF_DTB_OFF));
	}
	struct sect s[] = {{&b->kernel, NULL, 0},
			   {&b->ramdisk, NULL, 0},
			   {&b->second, NULL, 0},
			   {&b->recovery_dtbo, NULL, 0},
			   {&b->dtb, NULL, 0}};
	return assemble(hdr, hsize, page, s, 5, ret_buf, ret_size);
}

int bootimg_vendor_build(const struct bootimg_vendor *v, void **ret_buf, size_t *ret_size)
{
	unsigned ver = v->header_version;
	uint32_t hsize = bootimg_vendor_header_size(ver);
	if (!hsize)
		return -EPROTONOSUPPORT;
	uint32_t page = or_default(v->page_size, 4096);
	if (!page_ok(page))
		return -EINVAL;
	if (v->nramdisks < 1 || (ver == 3 && v->nramdisks != 1) || v->nramdisks > BOOTIMG_MAX_VENDOR_RAMDISKS)
		return -EINVAL;
	if (ver == 3 && v->bootconfig.size)
		return -EINVAL;
	unsigned char hdr[2128] = {0};
	memcpy(hdr, BOOTIMG_VENDOR_MAGIC, 8);
	int r = put_str(hdr + V3_CMDLINE, VENDOR_ARGS_SIZE, v->cmdline);
	if (r == 0)
		r = put_str(hdr + V3_NAME, NAME_SIZE, v->name);
	if (r < 0)
		return r;

	/* the ramdisks, concatenated, and the v4 table describing them */
	uint64_t rdsize = 0;
	for (size_t i = 0; i < v->nramdisks; i++)
		rdsize += v->ramdisks[i].data.size;
	if (rdsize > UINT32_MAX)
		return -EINVAL;
	size_t tsize = ver >= 4 ? v->nramdisks * BOOTIMG_VENDOR_RAMDISK_ENTRY_SIZE : 0;
	unsigned char *rd = malloc(rdsize ? rdsize : 1), *table = calloc(1, tsize ? tsize : 1);
	if (!rd || !table) {
		free(rd);
		free(table);
		return -ENOMEM;
	}
	uint32_t off = 0;
	for (size_t i = 0; i < v->nramdisks && r == 0; i++) {
		const struct bootimg_vendor_ramdisk *e = &v->ramdisks[i];
		if (e->data.size)
			memcpy(rd + off, e->data.data, e->data.size);
		if (ver >= 4) {
			unsigned char *t = table + i * BOOTIMG_VENDOR_RAMDISK_ENTRY_SIZE;
			put32(t + VE_SIZE, e->data.size);
			put32(t + VE_OFFSET, off);
			put32(t + VE_TYPE, e->type);
			r = put_str(t + VE_NAME, VENDOR_NAME_SIZE, e->name);
			for (int w = 0; w < BOOTIMG_BOARD_ID_WORDS; w++)
				put32(t + VE_BOARD_ID + 4 * w, e->board_id[w]);
		}
		off += e->data.size;
	}

	uint32_t base = or_default(v->base, DEF_BASE);
	put32(hdr + V3_HEADER_VERSION, ver);
	put32(hdr + V3_PAGE_SIZE, page);
	put32(hdr + V3_KERNEL_ADDR, base + or_default(v->kernel_offset, DEF_KERNEL_OFF));
	put32(hdr + V3_RAMDISK_ADDR, base + or_default(v->ramdisk_offset, DEF_RAMDISK_OFF));
	put32(hdr + V3_VENDOR_RAMDISK_SIZE, rdsize);
	put32(hdr + V3_TAGS_ADDR, base + or_default(v->tags_offset, DEF_TAGS_OFF));
	put32(hdr + V3_HEADER_SIZE, hsize);
	put32(hdr + V3_DTB_SIZE, v->dtb.size);
	put64(hdr + V3_DTB_ADDR, (uint64_t)base + or_default(v->dtb_offset, DEF_DTB_OFF));
	if (ver >= 4) {
		put32(hdr + V4_TABLE_SIZE, tsize);
		put32(hdr + V4_TABLE_ENTRY_NUM, v->nramdisks);
		put32(hdr + V4_TABLE_ENTRY_SIZE, BOOTIMG_VENDOR_RAMDISK_ENTRY_SIZE);
		put32(hdr + V4_BOOTCONFIG_SIZE, v->bootconfig.size);
	}
	if (r == 0) {
		struct sect s[] = {
		    {NULL, rd, rdsize}, {&v->dtb, NULL, 0}, {NULL, table, tsize}, {&v->bootconfig, NULL, 0}};
		r = assemble(hdr, hsize, page, s, ver >= 4 ? 4 : 2, ret_buf, ret_size);
	}
	free(rd);
	free(table);
	return r;
}

static int parse_uint(const char **s, unsigned max, unsigned *ret)
{
	char *end;
	errno = 0;
	unsigned long x = strtoul(*s, &end, 10);
	if (end == *s || errno || x > max || **s == '-' || **s == '+')
		return -EINVAL;
	*s = end;
	*ret = x;
	return 0;
}

int bootimg_os_version(const char *version, const char *patch_level, uint32_t *ret)
{
	unsigned a = 0, b = 0, c = 0, y = 2000, m = 0;
	if (version) {
		const char *p = version;
		if (parse_uint(&p, 127, &a) < 0)
			return -EINVAL;
		if (*p == '.' && (p++, parse_uint(&p, 127, &b) < 0))
			return -EINVAL;
		if (*p == '.' && (p++, parse_uint(&p, 127, &c) < 0))
			return -EINVAL;
		if (*p)
			return -EINVAL;
	}
	if (patch_level) {
		const char *p = patch_level;
		if (parse_uint(&p, 2127, &y) < 0 || y < 2000 || *p++ != '-' || parse_uint(&p, 12, &m) < 0 ||
		    m < 1 || *p)
			return -EINVAL;
	}
	*ret = (a << 14 | b << 7 | c) << 11 | (y - 2000) << 4 | m;
	return 0;
}

/* A section at *off of n bytes: must lie in the image; advances *off.  An
 * empty one is {0, 0} (its place may be past a trimmed image's end). */
static int take(uint64_t *off, uint64_t n, uint32_t page, size_t size, struct bootimg_section *ret)
{
	if (n == 0) {
		ret->offset = ret->size = 0;
		return 0;
	}
	if (*off > size || n > size - *off)
		return -EBADMSG;
	ret->offset = *off;
	ret->size = n;
	*off += pages(n, page);
	return 0;
}

static void get_str(char *dst, const unsigned char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = 0;
}

static int read_boot(const unsigned char *p, size_t size, struct bootimg_info *in)
{
	/* header_version sits at offset 40 in every layout (B0_ and B3_) */
	unsigned v = get32(p + B0_HEADER_VERSION);
	if (!bootimg_boot_header_size(v))
		return -EPROTONOSUPPORT;
	in->kind = BOOTIMG_BOOT;
	in->header_version = v;
	in->header_size = bootimg_boot_header_size(v);
	if (size < in->header_size)
		return -EBADMSG;
	uint64_t off;
	int r = 0;
	if (v >= 3) {
		if (get32(p + B3_HEADER_SIZE) != in->header_size)
			return -EBADMSG;
		in->page_size = 4096;
		in->os_version = get32(p + B3_OS_VERSION);
		get_str(in->cmdline, p + B3_CMDLINE, BOOT_ARGS_SIZE + BOOT_EXTRA_ARGS_SIZE);
		off = 4096;
		r = take(&off, get32(p + B3_KERNEL_SIZE), 4096, size, &in->kernel);
		if (r == 0)
			r = take(&off, get32(p + B3_RAMDISK_SIZE), 4096, size, &in->ramdisk);
		if (r == 0 && v == 4)
			r = take(&off, get32(p + B4_SIGNATURE_SIZE), 4096, size, &in->signature);
		return r;
	}
	in->page_size = get32(p + B0_PAGE_SIZE);
	if (!page_ok(in->page_size) || (v >= 1 && get32(p + B1_HEADER_SIZE) != in->header_size))
		return -EBADMSG;
	in->os_version = get32(p + B0_OS_VERSION);
	in->kernel_addr = get32(p + B0_KERNEL_ADDR);
	in->ramdisk_addr = get32(p + B0_RAMDISK_ADDR);
	in->second_addr = get32(p + B0_SECOND_ADDR);
	in->tags_addr = get32(p + B0_TAGS_ADDR);
	get_str(in->name, p + B0_NAME, NAME_SIZE);
	get_str(in->cmdline, p + B0_CMDLINE, BOOT_ARGS_SIZE);
	size_t l = strlen(in->cmdline);
	get_str(in->cmdline + l, p + B0_EXTRA_CMDLINE, BOOT_EXTRA_ARGS_SIZE);
	uint32_t page = in->page_size;
	off = page;
	r = take(&off, get32(p + B0_KERNEL_SIZE), page, size, &in->kernel);
	if (r == 0)
		r = take(&off, get32(p + B0_RAMDISK_SIZE), page, size, &in->ramdisk);
	if (r == 0)
		r = take(&off, get32(p + B0_SECOND_SIZE), page, size, &in->second);
	if (r == 0 && v >= 1) {
		uint32_t n = get32(p + B1_RECOVERY_DTBO_SIZE);
		uint64_t at = n ? get64(p + B1_RECOVERY_DTBO_OFFSET) : off;
		/* the offset is written explicitly: it must be where the layout puts it */
		if (n && at != off)
			return -EBADMSG;
		r = take(&off, n, page, size, &in->recovery_dtbo);
	}
	if (r == 0 && v >= 2) {
		in->dtb_addr = get64(p + B2_DTB_ADDR);
		r = take(&off, get32(p + B2_DTB_SIZE), page, size, &in->dtb);
	}
	return r;
}

static int read_vendor(const unsigned char *p, size_t size, struct bootimg_info *in)
{
	unsigned v = get32(p + V3_HEADER_VERSION);
	if (!bootimg_vendor_header_size(v))
		return -EPROTONOSUPPORT;
	in->kind = BOOTIMG_VENDOR_BOOT;
	in->header_version = v;
	in->header_size = bootimg_vendor_header_size(v);
	if (size < in->header_size || get32(p + V3_HEADER_SIZE) != in->header_size)
		return -EBADMSG;
	in->page_size = get32(p + V3_PAGE_SIZE);
	if (!page_ok(in->page_size))
		return -EBADMSG;
	uint32_t page = in->page_size;
	in->kernel_addr = get32(p + V3_KERNEL_ADDR);
	in->ramdisk_addr = get32(p + V3_RAMDISK_ADDR);
	in->tags_addr = get32(p + V3_TAGS_ADDR);
	in->dtb_addr = get64(p + V3_DTB_ADDR);
	get_str(in->name, p + V3_NAME, NAME_SIZE);
	get_str(in->cmdline, p + V3_CMDLINE, VENDOR_ARGS_SIZE);
	uint64_t off = pages(in->header_size, page);
	int r = take(&off, get32(p + V3_VENDOR_RAMDISK_SIZE), page, size, &in->vendor_ramdisk);
	if (r == 0)
		r = take(&off, get32(p + V3_DTB_SIZE), page, size, &in->dtb);
	if (r < 0 || v < 4)
		return r;
	uint32_t tsize = get32(p + V4_TABLE_SIZE), num = get32(p + V4_TABLE_ENTRY_NUM),
		 esize = get32(p + V4_TABLE_ENTRY_SIZE);
	if (num > BOOTIMG_MAX_VENDOR_RAMDISKS || esize < BOOTIMG_VENDOR_RAMDISK_ENTRY_SIZE ||
	    (uint64_t)num * esize > tsize)
		return -EBADMSG;
	r = take(&off, tsize, page, size, &in->vendor_table);
	if (r == 0)
		r = take(&off, get32(p + V4_BOOTCONFIG_SIZE), page, size, &in->bootconfig);
	if (r < 0)
		return r;
	in->nvendor = num;
	for (uint32_t i = 0; i < num; i++) {
		const unsigned char *t = p + in->vendor_table.offset + (uint64_t)i * esize;
		struct bootimg_vendor_entry *e = &in->vendor[i];
		uint64_t eo = get32(t + VE_OFFSET), es = get32(t + VE_SIZE);
		if (eo > in->vendor_ramdisk.size || es > in->vendor_ramdisk.size - eo)
			return -EBADMSG;
		e->data.offset = in->vendor_ramdisk.offset + eo;
		e->data.size = es;
		e->type = get32(t + VE_TYPE);
		get_str(e->name, t + VE_NAME, VENDOR_NAME_SIZE);
		for (int w = 0; w < BOOTIMG_BOARD_ID_WORDS; w++)
			e->board_id[w] = get32(t + VE_BOARD_ID + 4 * w);
	}
	return 0;
}

int bootimg_read(const void *buf, size_t size, struct bootimg_info *ret)
{
	const unsigned char *p = buf;
	struct bootimg_info *in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	int r;
	if (size >= 48 && !memcmp(p, BOOTIMG_BOOT_MAGIC, 8))
		r = read_boot(p, size, in);
	else if (size >= 48 && !memcmp(p, BOOTIMG_VENDOR_MAGIC, 8))
		r = read_vendor(p, size, in);
	else
		r = -EINVAL;
	if (r == 0)
		*ret = *in;
	free(in);
	return r;
}

static const char *const vendor_types[] = {"none", "platform", "recovery", "dlkm"};

const char *bootimg_vendor_ramdisk_type_name(uint32_t type)
{
	return type < 4 ? vendor_types[type] : NULL;
}

int bootimg_vendor_ramdisk_type_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, vendor_types[i]))
			return i;
	return -1;
}
