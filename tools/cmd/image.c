// SPDX-License-Identifier: MIT
/*
 * oopsfarm image boot|vendor-boot|info: Android boot images for fastboot
 * boards (core/bootimg.h has the format; doc/fastboot.md the use).
 *
 *   image boot --header-version N --kernel FILE [--ramdisk FILE] [--dtb FILE]
 *              [--cmdline STR] [--page-size N] [--base ADDR] [--os-version A.B.C]
 *              [--os-patch-level YYYY-MM] [--name BOARD] -o FILE
 *   image vendor-boot --header-version N [--ramdisk-type T] [--ramdisk-name S]
 *              --vendor-ramdisk FILE [...] [--dtb FILE] [--vendor-cmdline STR]
 *              [--bootconfig FILE] [--page-size N] [--base ADDR] [--name BOARD] -o FILE
 *   image info [--json] FILE
 *
 * --ramdisk-type/--ramdisk-name apply to the next --vendor-ramdisk (v4 takes
 * several, as mkbootimg's --vendor_ramdisk_fragment).  The output is
 * written to FILE.tmp and renamed: never a half-written image.
 * Exit status: 0 done, 2 usage or a bad combination, 3 unreadable input or
 * unwritable output, 1 (info) not a valid image.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bootimg.h"
#include "oopsfarm.h"
#include "util/file.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: oopsfarm image boot --header-version N --kernel FILE [--ramdisk FILE] [--dtb FILE]\n"
		"                  [--cmdline STR] [--page-size N] [--base ADDR] [--os-version A.B.C]\n"
		"                  [--os-patch-level YYYY-MM] [--name BOARD] -o FILE\n"
		"       oopsfarm image vendor-boot --header-version N [--ramdisk-type T] [--ramdisk-name S]\n"
		"                  --vendor-ramdisk FILE [...] [--dtb FILE] [--vendor-cmdline STR]\n"
		"                  [--bootconfig FILE] [--page-size N] [--base ADDR] [--name BOARD] -o FILE\n"
		"       oopsfarm image info [--json] FILE\n\n"
		"Writes Android boot images (header v0-v4) and vendor_boot images (v3, v4), and\n"
		"reads either back.  Payloads are opaque bytes.  Load addresses are --base plus\n"
		"--kernel-offset, --ramdisk-offset, --tags-offset, --dtb-offset (mkbootimg's\n"
		"defaults).  --ramdisk-type (none, platform,\n"
		"recovery, dlkm) and --ramdisk-name apply to the next --vendor-ramdisk.\n\n"
		"Exit status: 0 done, 1 (info) not a valid image, 2 usage, 3 unreadable input or\n"
		"unwritable output.\n");
}

/* Files read for an image, freed together. */
struct loaded {
	void *buf[BOOTIMG_MAX_VENDOR_RAMDISKS + 8];
	int n;
};

static int load(struct loaded *l, const char *path, struct bootimg_blob *ret)
{
	size_t len;
	char *b = file_slurp(path, &len);
	if (!b) {
		errorf("image", "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	l->buf[l->n++] = b;
	ret->data = b;
	ret->size = len;
	return 0;
}

static void loaded_free(struct loaded *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->buf[i]);
}

static int write_image(const char *out, const void *buf, size_t size)
{
	int r = file_write_atomic(out, buf, size);

	if (r < 0) {
		errorf("image", "cannot write '%s': %s", out, strerror(-r));
		return EXIT_INFRA;
	}
	return EXIT_OK;
}

static int parse_u32(const char *opt, const char *s, uint32_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > UINT32_MAX || s[0] == '-') {
		errorf("image", "%s: '%s' is not a number", opt, s);
		return -1;
	}
	*ret = v;
	return 0;
}

static int build_error(int r)
{
	switch (r) {
	case -EPROTONOSUPPORT:
		errorf("image", "unsupported header version (boot 0-4, vendor-boot 3-4)");
		break;
	case -E2BIG:
		errorf("image", "a command line or name is too long for this header version");
		break;
	case -EINVAL:
		errorf("image",
		       "this header version cannot carry that (page size, payload or ramdisk count)");
		break;
	default:
		errorf("image", "cannot build the image: %s", strerror(-r));
		return EXIT_INFRA;
	}
	return EXIT_USAGE;
}

enum {
	OPT_HEADER_VERSION = 256,
	OPT_KERNEL,
	OPT_RAMDISK,
	OPT_DTB,
	OPT_CMDLINE,
	OPT_PAGE_SIZE,
	OPT_BASE,
	OPT_OS_VERSION,
	OPT_OS_PATCH,
	OPT_VENDOR_RAMDISK,
	OPT_RAMDISK_TYPE,
	OPT_RAMDISK_NAME,
	OPT_VENDOR_CMDLINE,
	OPT_BOOTCONFIG,
	OPT_JSON,
	OPT_NAME,
	OPT_KERNEL_OFFSET,
	OPT_RAMDISK_OFFSET,
	OPT_TAGS_OFFSET,
	OPT_DTB_OFFSET,
};

static const struct option options[] = {
    {"header-version", required_argument, NULL, OPT_HEADER_VERSION},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"ramdisk", required_argument, NULL, OPT_RAMDISK},
    {"dtb", required_argument, NULL, OPT_DTB},
    {"cmdline", required_argument, NULL, OPT_CMDLINE},
    {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
    {"base", required_argument, NULL, OPT_BASE},
    {"os-version", required_argument, NULL, OPT_OS_VERSION},
    {"os-patch-level", required_argument, NULL, OPT_OS_PATCH},
    {"vendor-ramdisk", required_argument, NULL, OPT_VENDOR_RAMDISK},
    {"ramdisk-type", required_argument, NULL, OPT_RAMDISK_TYPE},
    {"ramdisk-name", required_argument, NULL, OPT_RAMDISK_NAME},
    {"vendor-cmdline", required_argument, NULL, OPT_VENDOR_CMDLINE},
    {"bootconfig", required_argument, NULL, OPT_BOOTCONFIG},
    {"json", no_argument, NULL, OPT_JSON},
    {"name", required_argument, NULL, OPT_NAME},
    {"kernel-offset", required_argument, NULL, OPT_KERNEL_OFFSET},
    {"ramdisk-offset", required_argument, NULL, OPT_RAMDISK_OFFSET},
    {"tags-offset", required_argument, NULL, OPT_TAGS_OFFSET},
    {"dtb-offset", required_argument, NULL, OPT_DTB_OFFSET},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

/* text: "LABEL offset N size N" (label NULL: key; absent sections skipped) */
static void section(struct out *o, const char *key, const char *label, const struct bootimg_section *s)
{
	char k[64];
	snprintf(k, sizeof(k), "%s_offset", key);
	if (!o->json && !s->size && !label)
		return;
	out_text(o, "%-14s", label ? label : key);
	out_u64(o, k, " offset %llu", s->offset);
	snprintf(k, sizeof(k), "%s_size", key);
	out_u64(o, k, " size %llu\n", s->size);
}

static int info(const char *path, bool json)
{
	size_t len;
	char *buf = file_slurp(path, &len);
	if (!buf) {
		errorf("image", "cannot read '%s': %s", path, strerror(errno));
		return EXIT_INFRA;
	}
	struct bootimg_info *in = calloc(1, sizeof(*in));
	int r = in ? bootimg_read(buf, len, in) : -ENOMEM;
	free(buf);
	if (r < 0) {
		errorf("image", "'%s': %s", path,
		       r == -EINVAL	       ? "not an Android boot or vendor_boot image"
		       : r == -EPROTONOSUPPORT ? "unknown header version"
		       : r == -EBADMSG	       ? "malformed or truncated image"
					       : strerror(-r));
		free(in);
		return EXIT_TESTFAIL;
	}
	struct out o;
	out_init(&o, stdout, json);
	out_begin(&o);
	out_u64(&o, "version", NULL, 1);
	out_str(&o, "kind", "kind          %s\n", in->kind == BOOTIMG_BOOT ? "boot" : "vendor_boot");
	out_u64(&o, "header_version", "header        v%llu", in->header_version);
	out_u64(&o, "header_size", " (%llu bytes)\n", in->header_size);
	out_u64(&o, "page_size", "page size     %llu\n", in->page_size);
	out_u64(&o, "os_version", "os_version    0x%08llx\n", in->os_version);
	out_str(&o, "name", "name          '%s'\n", in->name);
	out_str(&o, "cmdline", "cmdline       '%s'\n", in->cmdline);
	if (in->kind == BOOTIMG_VENDOR_BOOT || in->header_version < 3) {
		out_u64(&o, "kernel_addr", "kernel addr   0x%08llx\n", in->kernel_addr);
		out_u64(&o, "ramdisk_addr", "ramdisk addr  0x%08llx\n", in->ramdisk_addr);
		out_u64(&o, "tags_addr", "tags addr     0x%08llx\n", in->tags_addr);
	}
	section(&o, "kernel", NULL, &in->kernel);
	section(&o, "ramdisk", NULL, &in->ramdisk);
	section(&o, "second", NULL, &in->second);
	section(&o, "recovery_dtbo", NULL, &in->recovery_dtbo);
	section(&o, "signature", NULL, &in->signature);
	section(&o, "dtb", NULL, &in->dtb);
	section(&o, "vendor_ramdisk", NULL, &in->vendor_ramdisk);
	section(&o, "vendor_table", NULL, &in->vendor_table);
	section(&o, "bootconfig", NULL, &in->bootconfig);
	out_u64(&o, "vendor_ramdisks",
		in->kind == BOOTIMG_VENDOR_BOOT ? "vendor ramdisk table: %llu entries\n" : "", in->nvendor);
	for (size_t i = 0; i < in->nvendor; i++) {
		const struct bootimg_vendor_entry *e = &in->vendor[i];
		const char *t = bootimg_vendor_ramdisk_type_name(e->type);
		char k[64];
		char label[64];
		snprintf(label, sizeof(label), "  [%zu]", i);
		snprintf(k, sizeof(k), "vendor_ramdisk%zu", i);
		section(&o, k, label, &e->data);
		snprintf(k, sizeof(k), "vendor_ramdisk%zu_name", i);
		out_str(&o, k, "        name '%s'", e->name);
		snprintf(k, sizeof(k), "vendor_ramdisk%zu_type", i);
		out_str(&o, k, " type %s\n", t ? t : "unknown");
	}
	out_end(&o);
	free(in);
	return EXIT_OK;
}

int cmd_image(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2) {
		errorf("image", "expected 'boot', 'vendor-boot' or 'info'");
		return usage_hint("image");
	}
	const char *what = argv[1];
	bool is_boot = !strcmp(what, "boot"), is_vendor = !strcmp(what, "vendor-boot"),
	     is_info = !strcmp(what, "info");
	if (!is_boot && !is_vendor && !is_info) {
		errorf("image", "'%s' is not boot, vendor-boot or info", what);
		return usage_hint("image");
	}
	argc--;
	argv++;

	struct bootimg_boot b = {0};
	struct bootimg_vendor v = {0};
	struct bootimg_vendor_ramdisk rds[BOOTIMG_MAX_VENDOR_RAMDISKS] = {0};
	struct loaded l = {.n = 0};
	const char *out = NULL, *os_version = NULL, *os_patch = NULL;
	const char *paths[8] = {0}; /* kernel ramdisk dtb bootconfig */
	const char *rd_paths[BOOTIMG_MAX_VENDOR_RAMDISKS];
	int next_type = BOOTIMG_VENDOR_RAMDISK_PLATFORM, hv = -1, rc = EXIT_USAGE;
	const char *next_name = NULL;
	uint32_t u;
	bool json = false;
	size_t nrd = 0;

	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'o':
			out = optarg;
			break;
		case OPT_HEADER_VERSION:
			if (parse_u32("--header-version", optarg, &u) < 0)
				return usage_hint("image");
			hv = u > 99 ? 99 : (int)u;
			break;
		case OPT_KERNEL:
			paths[0] = optarg;
			break;
		case OPT_RAMDISK:
			paths[1] = optarg;
			break;
		case OPT_DTB:
			paths[2] = optarg;
			break;
		case OPT_BOOTCONFIG:
			paths[3] = optarg;
			break;
		case OPT_CMDLINE:
			b.cmdline = optarg;
			break;
		case OPT_VENDOR_CMDLINE:
			v.cmdline = optarg;
			break;
		case OPT_PAGE_SIZE:
			if (parse_u32("--page-size", optarg, &u) < 0)
				return usage_hint("image");
			b.page_size = v.page_size = u;
			break;
		case OPT_BASE:
			if (parse_u32("--base", optarg, &u) < 0)
				return usage_hint("image");
			b.base = v.base = u;
			break;
		case OPT_OS_VERSION:
			os_version = optarg;
			break;
		case OPT_OS_PATCH:
			os_patch = optarg;
			break;
		case OPT_RAMDISK_TYPE:
			next_type = bootimg_vendor_ramdisk_type_parse(optarg);
			if (next_type < 0) {
				errorf("image",
				       "--ramdisk-type: '%s' is not none, platform, recovery or dlkm",
				       optarg);
				return usage_hint("image");
			}
			break;
		case OPT_RAMDISK_NAME:
			next_name = optarg;
			break;
		case OPT_VENDOR_RAMDISK:
			if (nrd == BOOTIMG_MAX_VENDOR_RAMDISKS) {
				errorf("image", "at most %d vendor ramdisks", BOOTIMG_MAX_VENDOR_RAMDISKS);
				return usage_hint("image");
			}
			rd_paths[nrd] = optarg;
			rds[nrd].type = next_type;
			rds[nrd].name = next_name;
			nrd++;
			next_type = BOOTIMG_VENDOR_RAMDISK_PLATFORM;
			next_name = NULL;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_NAME:
			b.name = v.name = optarg;
			break;
		case OPT_KERNEL_OFFSET:
		case OPT_RAMDISK_OFFSET:
		case OPT_TAGS_OFFSET:
		case OPT_DTB_OFFSET: {
			const struct option *o = options;
			while (o->val != c)
				o++;
			if (parse_u32(o->name, optarg, &u) < 0)
				return usage_hint("image");
		}
			if (c == OPT_KERNEL_OFFSET)
				b.kernel_offset = v.kernel_offset = u;
			else if (c == OPT_RAMDISK_OFFSET)
				b.ramdisk_offset = v.ramdisk_offset = u;
			else if (c == OPT_TAGS_OFFSET)
				b.tags_offset = v.tags_offset = u;
			else
				b.dtb_offset = v.dtb_offset = u;
			break;
		default:
			return usage_hint("image");
		}
	}
	if (is_info) {
		if (optind != argc - 1) {
			errorf("image", "info: expected one FILE");
			return usage_hint("image");
		}
		return info(argv[optind], json);
	}
	if (optind != argc || !out || hv < 0) {
		errorf("image", "%s: --header-version and -o are required, and no other arguments", what);
		return usage_hint("image");
	}
	if (is_boot && (!paths[0] || nrd || paths[3] || v.cmdline)) {
		errorf("image",
		       "boot: --kernel is required; --vendor-ramdisk, --bootconfig and --vendor-cmdline "
		       "belong to vendor-boot");
		return usage_hint("image");
	}
	if (is_vendor && (!nrd || paths[0] || paths[1] || b.cmdline)) {
		errorf("image",
		       "vendor-boot: --vendor-ramdisk is required; --kernel, --ramdisk and --cmdline "
		       "belong to boot");
		return usage_hint("image");
	}
	if (is_boot && bootimg_os_version(os_version, os_patch, &b.os_version) < 0) {
		errorf("image", "--os-version A.B.C (each 0-127) and --os-patch-level YYYY-MM expected");
		return usage_hint("image");
	}

	rc = EXIT_INFRA;
	void *img = NULL;
	size_t size = 0;
	int r;
	if (is_boot) {
		b.header_version = hv;
		if (load(&l, paths[0], &b.kernel) < 0 || (paths[1] && load(&l, paths[1], &b.ramdisk) < 0) ||
		    (paths[2] && load(&l, paths[2], &b.dtb) < 0))
			goto out;
		r = bootimg_boot_build(&b, &img, &size);
	} else {
		v.header_version = hv;
		for (size_t i = 0; i < nrd; i++)
			if (load(&l, rd_paths[i], &rds[i].data) < 0)
				goto out;
		if ((paths[2] && load(&l, paths[2], &v.dtb) < 0) ||
		    (paths[3] && load(&l, paths[3], &v.bootconfig) < 0))
			goto out;
		v.ramdisks = rds;
		v.nramdisks = nrd;
		r = bootimg_vendor_build(&v, &img, &size);
	}
	if (r < 0) {
		rc = build_error(r);
		goto out;
	}
	rc = write_image(out, img, size);
	free(img);
out:
	loaded_free(&l);
	return rc;
}
