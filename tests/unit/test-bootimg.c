// SPDX-License-Identifier: MIT
/*
 * test-bootimg: Android boot and vendor_boot images (tools/core/bootimg.c)
 * and the A/B control block (tools/core/abctl.c).
 *
 * Three views of each image: raw header bytes at the offsets of AOSP's
 * packed structs (counted again here, independently of bootimg.c's
 * tables); the reader (bootimg_read); and the payloads, compared byte for
 * byte at their page-aligned offsets.  Debian's unpack_bootimg and
 * mkbootimg are checked in tests/t-image.sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/abctl.h"
#include "core/bootimg.h"
#include "crc32.h"
#include "tap.h"

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* deterministic pseudo-random payloads (a distinct byte pattern per seed) */
static unsigned char *payload(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
	return p;
}

static bool same(const unsigned char *img, size_t size, const struct bootimg_section *s, const void *want,
		 size_t n, uint32_t page)
{
	if (n == 0)
		return s->size == 0 && s->offset == 0;
	if (s->size != n || s->offset % page || s->offset + n > size)
		return false;
	return !memcmp(img + s->offset, want, n);
}

static void test_sizes(void)
{
	static const struct {
		unsigned v;
		uint32_t boot, vendor;
	} t[] = {{0, 1632, 0}, {1, 1648, 0}, {2, 1660, 0}, {3, 1580, 2112}, {4, 1584, 2128}, {5, 0, 0}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ok_int(bootimg_boot_header_size(t[i].v), t[i].boot, "boot header v%u is %u bytes", t[i].v,
		       t[i].boot);
		ok_int(bootimg_vendor_header_size(t[i].v), t[i].vendor, "vendor header v%u is %u bytes",
		       t[i].v, t[i].vendor);
	}
}

/* every boot header version: fields at AOSP's offsets, payloads where the reader says */
static void test_boot_versions(void)
{
	size_t ks = 100001, rs = 5003, ds = 777, ros = 1234;
	unsigned char *k = payload(ks, 1), *r = payload(rs, 2), *d = payload(ds, 3), *ro = payload(ros, 4);
	for (unsigned v = 0; v <= 4; v++) {
		struct bootimg_boot b = {.header_version = v,
					 .kernel = {k, ks},
					 .ramdisk = {r, rs},
					 .cmdline = "console=ttyAMA0 oopsfarm.x=1"};
		if (v >= 1 && v <= 2)
			b.recovery_dtbo = (struct bootimg_blob){ro, ros};
		if (v == 2)
			b.dtb = (struct bootimg_blob){d, ds};
		if (v < 3)
			b.name = "oopsfarm";
		void *img;
		size_t size;
		int rc = bootimg_boot_build(&b, &img, &size);
		if (!ok_int(rc, 0, "boot v%u builds", v))
			continue;
		unsigned char *p = img;
		uint32_t page = v >= 3 ? 4096 : 2048;
		ok(!memcmp(p, "ANDROID!", 8), "boot v%u: magic", v);
		ok_int(size % page, 0, "boot v%u: a whole number of pages", v);
		if (v >= 3) {
			ok_int(le32(p + 8), ks, "v%u kernel_size at 8", v);
			ok_int(le32(p + 12), rs, "v%u ramdisk_size at 12", v);
			ok_int(le32(p + 20), bootimg_boot_header_size(v), "v%u header_size at 20", v);
			ok_int(le32(p + 40), v, "v%u header_version at 40", v);
			ok_str((char *)p + 44, "console=ttyAMA0 oopsfarm.x=1", "v%u cmdline at 44", v);
			if (v == 4)
				ok_int(le32(p + 1580), 0, "v4 signature_size at 1580 is 0");
			ok_int(size, 4096 + 4096 * 25 + 4096 * 2, "v%u size: header + kernel + ramdisk pages",
			       v);
		} else {
			ok_int(le32(p + 8), ks, "v%u kernel_size at 8", v);
			ok_int(le32(p + 12), 0x10008000, "v%u kernel_addr at 12 (mkbootimg's default)", v);
			ok_int(le32(p + 16), rs, "v%u ramdisk_size at 16", v);
			ok_int(le32(p + 20), 0x11000000, "v%u ramdisk_addr at 20", v);
			ok_int(le32(p + 32), 0x10000100, "v%u tags_addr at 32", v);
			ok_int(le32(p + 36), 2048, "v%u page_size at 36", v);
			ok_int(le32(p + 40), v, "v%u header_version at 40", v);
			ok_str((char *)p + 48, "oopsfarm", "v%u name at 48", v);
			ok_str((char *)p + 64, "console=ttyAMA0 oopsfarm.x=1", "v%u cmdline at 64", v);
			if (v >= 1) {
				ok_int(le32(p + 1632), ros, "v%u recovery_dtbo_size at 1632", v);
				/* header page, kernel 49 pages, ramdisk 3 pages, no second */
				ok_int(le64(p + 1636), 2048 * (1 + 49 + 3),
				       "v%u recovery_dtbo_offset at 1636", v);
				ok_int(le32(p + 1644), bootimg_boot_header_size(v), "v%u header_size at 1644",
				       v);
			}
			if (v == 2) {
				ok_int(le32(p + 1648), ds, "v2 dtb_size at 1648");
				ok_int(le64(p + 1652), 0x11f00000, "v2 dtb_addr at 1652");
			}
		}
		struct bootimg_info in;
		if (ok_int(bootimg_read(img, size, &in), 0, "boot v%u reads back", v)) {
			ok_int(in.kind, BOOTIMG_BOOT, "v%u: kind boot", v);
			ok_int(in.header_version, v, "v%u: version", v);
			ok_int(in.page_size, page, "v%u: page size", v);
			ok_str(in.cmdline, "console=ttyAMA0 oopsfarm.x=1", "v%u: cmdline", v);
			ok(same(p, size, &in.kernel, k, ks, page), "v%u: the kernel payload", v);
			ok(same(p, size, &in.ramdisk, r, rs, page), "v%u: the ramdisk payload", v);
			ok(same(p, size, &in.recovery_dtbo, ro, v >= 1 && v <= 2 ? ros : 0, page),
			   "v%u: the recovery dtbo", v);
			ok(same(p, size, &in.dtb, d, v == 2 ? ds : 0, page), "v%u: the dtb", v);
		}
		free(img);
	}
	free(k);
	free(r);
	free(d);
	free(ro);
}

/* a command line over 511 bytes goes on in extra_cmdline (v0-v2), as mkbootimg splits it */
static void test_long_cmdline(void)
{
	char line[1200];
	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = 'a' + i % 26;
	line[sizeof(line) - 1] = 0;
	unsigned char k[10] = {0};
	struct bootimg_boot b = {.header_version = 2, .kernel = {k, 10}, .cmdline = line};
	void *img;
	size_t size;
	if (!ok_int(bootimg_boot_build(&b, &img, &size), 0, "a 1199-byte command line fits v2"))
		return;
	ok_int(strlen((char *)img + 64), 511, "cmdline holds the first 511 bytes");
	ok(!memcmp((char *)img + 608, line + 511, sizeof(line) - 512), "extra_cmdline at 608 holds the rest");
	struct bootimg_info in;
	ok(bootimg_read(img, size, &in) == 0 && !strcmp(in.cmdline, line), "the reader joins them again");
	free(img);
}

static void test_vendor(void)
{
	size_t s0 = 9000, s1 = 4097, s2 = 1, ds = 5000;
	unsigned char *r0 = payload(s0, 10), *r1 = payload(s1, 11), *r2 = payload(s2, 12),
		      *d = payload(ds, 13);
	const char bc[] = "androidboot.hardware = oriole\nkernel.oopsfarm = 1\n";
	struct bootimg_vendor_ramdisk rds[3] = {
	    {.data = {r0, s0}, .type = BOOTIMG_VENDOR_RAMDISK_PLATFORM, .name = ""},
	    {.data = {r1, s1}, .type = BOOTIMG_VENDOR_RAMDISK_DLKM, .name = "dlkm", .board_id = {7, 0, 9}},
	    {.data = {r2, s2},
	     .type = BOOTIMG_VENDOR_RAMDISK_RECOVERY,
	     .name = "0123456789012345678901234567890"},
	};
	for (unsigned v = 3; v <= 4; v++) {
		struct bootimg_vendor vb = {.header_version = v,
					    .ramdisks = rds,
					    .nramdisks = v == 4 ? 3 : 1,
					    .dtb = {d, ds},
					    .cmdline = "earlycon",
					    .name = "gs101",
					    .base = 0x80000000};
		if (v == 4)
			vb.bootconfig = (struct bootimg_blob){bc, sizeof(bc) - 1};
		void *img;
		size_t size;
		if (!ok_int(bootimg_vendor_build(&vb, &img, &size), 0, "vendor_boot v%u builds", v))
			continue;
		unsigned char *p = img;
		size_t rdtotal = v == 4 ? s0 + s1 + s2 : s0;
		ok(!memcmp(p, "VNDRBOOT", 8), "vendor v%u: magic", v);
		ok_int(le32(p + 8), v, "vendor v%u: header_version at 8", v);
		ok_int(le32(p + 12), 4096, "vendor v%u: page_size at 12", v);
		ok_int(le32(p + 16), 0x80008000, "vendor v%u: kernel_addr at 16 (base + 0x8000)", v);
		ok_int(le32(p + 24), rdtotal, "vendor v%u: vendor_ramdisk_size at 24", v);
		ok_str((char *)p + 28, "earlycon", "vendor v%u: cmdline at 28", v);
		ok_str((char *)p + 2080, "gs101", "vendor v%u: name at 2080", v);
		ok_int(le32(p + 2096), bootimg_vendor_header_size(v), "vendor v%u: header_size at 2096", v);
		ok_int(le32(p + 2100), ds, "vendor v%u: dtb_size at 2100", v);
		ok_int(le64(p + 2104), 0x81f00000, "vendor v%u: dtb_addr at 2104", v);
		if (v == 4) {
			ok_int(le32(p + 2112), 3 * 108, "v4: vendor_ramdisk_table_size at 2112");
			ok_int(le32(p + 2116), 3, "v4: table_entry_num at 2116");
			ok_int(le32(p + 2120), 108, "v4: table_entry_size at 2120");
			ok_int(le32(p + 2124), sizeof(bc) - 1, "v4: bootconfig_size at 2124");
			/* header 1 page, ramdisks 4 pages, dtb 2 pages: the table at page 7 */
			const unsigned char *t = p + 4096 * 7;
			ok_int(le32(t + 108 + 0), s1, "table entry 1: ramdisk_size");
			ok_int(le32(t + 108 + 4), s0, "table entry 1: ramdisk_offset, after entry 0");
			ok_int(le32(t + 108 + 8), BOOTIMG_VENDOR_RAMDISK_DLKM, "table entry 1: type dlkm");
			ok_str((char *)t + 108 + 12, "dlkm", "table entry 1: name");
			ok_int(le32(t + 108 + 44 + 8), 9, "table entry 1: board_id[2]");
			ok(!memcmp(p + 4096 * 8, bc, sizeof(bc) - 1), "bootconfig at page 8");
		}
		struct bootimg_info in;
		if (ok_int(bootimg_read(img, size, &in), 0, "vendor v%u reads back", v)) {
			ok_int(in.kind, BOOTIMG_VENDOR_BOOT, "vendor v%u: kind", v);
			ok_str(in.name, "gs101", "vendor v%u: name", v);
			ok(same(p, size, &in.dtb, d, ds, 4096), "vendor v%u: the dtb payload", v);
			ok_int(in.vendor_ramdisk.size, rdtotal, "vendor v%u: the ramdisk section", v);
			ok(!memcmp(p + in.vendor_ramdisk.offset, r0, s0), "vendor v%u: ramdisk 0 first", v);
			ok_int(in.nvendor, v == 4 ? 3 : 0, "vendor v%u: table entries", v);
			for (size_t i = 0; v == 4 && i < 3; i++) {
				const struct bootimg_vendor_entry *e = &in.vendor[i];
				ok(e->data.size == rds[i].data.size && e->type == rds[i].type &&
				       !strcmp(e->name, rds[i].name) &&
				       !memcmp(p + e->data.offset, rds[i].data.data, e->data.size) &&
				       !memcmp(e->board_id, rds[i].board_id, sizeof(e->board_id)),
				   "vendor v4 entry %zu: size, type, name, board id and bytes", i);
			}
			ok(same(p, size, &in.bootconfig, bc, v == 4 ? sizeof(bc) - 1 : 0, 4096),
			   "vendor v%u: bootconfig", v);
		}
		free(img);
	}
	free(r0);
	free(r1);
	free(r2);
	free(d);
}

static void test_build_errors(void)
{
	unsigned char k[16] = {0};
	char big[2100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct bootimg_vendor_ramdisk two[2] = {{.data = {k, 16}}, {.data = {k, 16}}};
	static const char longname[] = "0123456789abcdef";
	struct {
		const char *what;
		struct bootimg_boot b;
		int want;
	} bt[] = {
	    {"boot v5", {.header_version = 5, .kernel = {k, 16}}, -EPROTONOSUPPORT},
	    {"v3 with a dtb", {.header_version = 3, .kernel = {k, 16}, .dtb = {k, 16}}, -EINVAL},
	    {"v4 with page 2048", {.header_version = 4, .page_size = 2048, .kernel = {k, 16}}, -EINVAL},
	    {"v1 with a dtb", {.header_version = 1, .kernel = {k, 16}, .dtb = {k, 16}}, -EINVAL},
	    {"v0 with a recovery dtbo", {.header_version = 0, .recovery_dtbo = {k, 16}}, -EINVAL},
	    {"v2 page 3000", {.header_version = 2, .page_size = 3000}, -EINVAL},
	    {"v2 name of 16 bytes", {.header_version = 2, .name = longname}, -E2BIG},
	    {"v4 cmdline of 2099 bytes", {.header_version = 4, .cmdline = big}, -E2BIG},
	    {"v0 cmdline of 2099 bytes", {.header_version = 0, .cmdline = big}, -E2BIG},
	};
	for (size_t i = 0; i < sizeof(bt) / sizeof(bt[0]); i++) {
		void *img = (void *)1;
		size_t size = 42;
		ok(bootimg_boot_build(&bt[i].b, &img, &size) == bt[i].want && img == (void *)1 && size == 42,
		   "refused: %s (%d), outputs untouched", bt[i].what, bt[i].want);
	}
	struct {
		const char *what;
		struct bootimg_vendor v;
		int want;
	} vt[] = {
	    {"vendor v2", {.header_version = 2, .ramdisks = two, .nramdisks = 1}, -EPROTONOSUPPORT},
	    {"vendor v3 with two ramdisks", {.header_version = 3, .ramdisks = two, .nramdisks = 2}, -EINVAL},
	    {"vendor v4 without a ramdisk", {.header_version = 4, .ramdisks = two, .nramdisks = 0}, -EINVAL},
	    {"vendor v3 with a bootconfig",
	     {.header_version = 3, .ramdisks = two, .nramdisks = 1, .bootconfig = {k, 16}},
	     -EINVAL},
	    {"vendor cmdline of 2099 bytes",
	     {.header_version = 4, .ramdisks = two, .nramdisks = 1, .cmdline = big},
	     -E2BIG},
	};
	for (size_t i = 0; i < sizeof(vt) / sizeof(vt[0]); i++) {
		void *img = (void *)1;
		size_t size = 42;
		ok(bootimg_vendor_build(&vt[i].v, &img, &size) == vt[i].want && img == (void *)1 &&
		       size == 42,
		   "refused: %s (%d), outputs untouched", vt[i].what, vt[i].want);
	}
	struct bootimg_vendor_ramdisk named = {.data = {k, 16}, .name = big};
	struct bootimg_vendor v = {.header_version = 4, .ramdisks = &named, .nramdisks = 1};
	void *img;
	size_t size;
	ok_int(bootimg_vendor_build(&v, &img, &size), -E2BIG, "a ramdisk name over 31 bytes: -E2BIG");
}

/* cut an image anywhere: the reader takes it only when every payload byte is there */
static void test_truncated(void)
{
	unsigned char *k = payload(5000, 20), *r = payload(3000, 21);
	struct bootimg_vendor_ramdisk rd = {.data = {r, 3000}, .name = "x"};
	struct bootimg_boot b = {.header_version = 2, .kernel = {k, 5000}, .ramdisk = {r, 3000}};
	struct bootimg_vendor v = {
	    .header_version = 4, .ramdisks = &rd, .nramdisks = 1, .bootconfig = {k, 10}};
	void *img[2];
	size_t size[2];
	if (bootimg_boot_build(&b, &img[0], &size[0]) || bootimg_vendor_build(&v, &img[1], &size[1])) {
		ok(0, "build for the truncation test");
		return;
	}
	/* where the last payload byte ends: v2 ramdisk at 2048*4, v4 bootconfig at page 3 */
	size_t need[2] = {2048 * 4 + 3000, 4096 * 3 + 10};
	for (int i = 0; i < 2; i++) {
		int bad = 0;
		for (size_t cut = 0; cut <= size[i]; cut += 7) {
			struct bootimg_info in;
			int rc = bootimg_read(img[i], cut, &in);
			if ((cut >= need[i]) != (rc == 0) || (rc && cut >= 48 && rc != -EBADMSG))
				bad++;
		}
		ok_int(bad, 0, "%s cut every 7 bytes: read only when complete, else -EBADMSG",
		       i ? "vendor_boot v4" : "boot v2");
		free(img[i]);
	}
	ok_int(bootimg_read("ANDROXD!0000000000000000000000000000000000000000000", 52,
			    &(struct bootimg_info){0}),
	       -EINVAL, "no magic: -EINVAL");
	free(k);
	free(r);
}

/* random headers behind a valid magic: never a crash, never a section outside the buffer */
static void test_garbage(void)
{
	int bad = 0;
	for (unsigned seed = 1; seed <= 3000; seed++) {
		size_t n = 2200 + seed % 7000;
		unsigned char *p = payload(n, seed + 100);
		memcpy(p, seed & 1 ? "ANDROID!" : "VNDRBOOT", 8);
		/* a plausible version and page size half of the time */
		if (seed & 2) {
			p[8] = p[40] = seed % 5;
			p[9] = p[10] = p[11] = p[41] = p[42] = p[43] = 0;
			p[8] = seed & 1 ? p[8] : 3 + seed % 2;
			memcpy(p + 12, "\0\x10\0\0", 4);
			memcpy(p + 36, "\0\x08\0\0", 4);
		}
		struct bootimg_info in;
		if (bootimg_read(p, n, &in) == 0) {
			const struct bootimg_section *s[] = {
			    &in.kernel,		&in.ramdisk,	  &in.second,
			    &in.recovery_dtbo,	&in.signature,	  &in.dtb,
			    &in.vendor_ramdisk, &in.vendor_table, &in.bootconfig};
			for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
				bad += s[i]->offset + s[i]->size > n;
			for (size_t i = 0; i < in.nvendor; i++)
				bad += in.vendor[i].data.offset + in.vendor[i].data.size > n;
		}
		free(p);
	}
	ok_int(bad, 0, "3000 random headers: every section the reader accepts lies in the buffer");
}

static void test_os_version(void)
{
	static const struct {
		const char *v, *p;
		int rc;
		uint32_t want;
	} t[] = {
	    {NULL, NULL, 0, 0},
	    {"14.0.0", "2024-05", 0, (14u << 14) << 11 | 24 << 4 | 5},
	    {"12", NULL, 0, (12u << 14) << 11},
	    {"1.2.3", NULL, 0, (1u << 14 | 2 << 7 | 3) << 11},
	    {NULL, "2000-12", 0, 12},
	    {"128.0.0", NULL, -EINVAL, 0},
	    {"1.2.3.4", NULL, -EINVAL, 0},
	    {"-1", NULL, -EINVAL, 0},
	    {NULL, "2024-13", -EINVAL, 0},
	    {NULL, "1999-01", -EINVAL, 0},
	    {NULL, "2024", -EINVAL, 0},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t got = 0xdead;
		int rc = bootimg_os_version(t[i].v, t[i].p, &got);
		ok(rc == t[i].rc && got == (rc ? 0xdead : t[i].want), "os_version '%s' '%s' -> %d 0x%x",
		   t[i].v ? t[i].v : "", t[i].p ? t[i].p : "", t[i].rc, t[i].want);
	}
}

static void test_abctl(void)
{
	unsigned char m[ABCTL_MISC_SIZE];
	static const struct {
		const char *s;
		int want;
	} slots[] = {{"a", 0},	     {"b", 1},	    {"_a", 0},	    {"_b", 1},
		     {"c", -EINVAL}, {"", -EINVAL}, {"ab", -EINVAL}};
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		ok_int(abctl_slot_parse(slots[i].s), slots[i].want, "slot '%s'", slots[i].s);
	for (int s = 0; s < 2; s++) {
		ok_int(abctl_misc_image(s, m), 0, "misc image for slot %c", "ab"[s]);
		const unsigned char *c = m + 2048;
		/* AOSP's bootloader_control, byte by byte */
		ok(c[0] == "ab"[s] && !c[1] && !memcmp(c + 4, "BCAB", 4) && c[8] == 1 && (c[9] & 7) == 2,
		   "slot %c: suffix, magic BCAB, version 1, 2 slots", "ab"[s]);
		ok((c[12 + 2 * s] & 15) == 15 && (c[12 + 2 * (1 - s)] & 15) == 14 && (c[12] >> 7) &&
		       (c[14] >> 7),
		   "slot %c: priority 15 against 14, both successful", "ab"[s]);
		ok_int(le32(c + 28), crc32_update(0, c, 28), "slot %c: crc32 of the 28 bytes before it",
		       "ab"[s]);
		ok_int(abctl_misc_slot(m, sizeof(m)), s, "slot %c reads back", "ab"[s]);
		size_t zeros = 0;
		for (size_t i = 0; i < sizeof(m); i++)
			zeros += (i < 2048 || i >= 2080) && !m[i];
		ok_int(zeros, sizeof(m) - 32, "slot %c: zeros around the block", "ab"[s]);
	}
	abctl_misc_image(1, m);
	m[2048 + 12] ^= 1;
	ok_int(abctl_misc_slot(m, sizeof(m)), -EBADMSG, "a flipped bit: CRC mismatch");
	abctl_misc_image(1, m);
	m[2048 + 4] = 0;
	ok_int(abctl_misc_slot(m, sizeof(m)), -EINVAL, "no magic: -EINVAL");
	ok_int(abctl_misc_slot(m, 2070), -EINVAL, "misc too short: -EINVAL");
	abctl_misc_image(0, m);
	m[2048 + 12] = m[2048 + 14] = 0; /* priority 0 and no tries: unbootable */
	uint32_t crc = crc32_update(0, m + 2048, 28);
	memcpy(m + 2048 + 28, (unsigned char[]){crc, crc >> 8, crc >> 16, crc >> 24}, 4);
	ok_int(abctl_misc_slot(m, sizeof(m)), -ENOENT, "no bootable slot: -ENOENT");
	ok_int(abctl_misc_image(2, m), -EINVAL, "slot 2: -EINVAL");
}

int main(void)
{
	test_sizes();
	test_boot_versions();
	test_long_cmdline();
	test_vendor();
	test_build_errors();
	test_truncated();
	test_garbage();
	test_os_version();
	test_abctl();
	return tap_done();
}
