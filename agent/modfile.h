/* SPDX-License-Identifier: MIT */
/*
 * modfile.h - compressed module files (.ko.xz, .ko.zst, .ko.gz).
 *
 * The loader first hands a compressed module to the kernel with
 * finit_module(MODULE_INIT_COMPRESSED_FILE), which kernels with
 * CONFIG_MODULE_DECOMPRESS (5.17+) decompress themselves.  A kernel
 * without it answers EOPNOTSUPP (EINVAL before 5.17); the loader then
 * decompresses here, with liblzma, libzstd or zlib linked static into the
 * agent, and calls init_module on the image.  The way each module took is
 * reported (MOD decomp=, doc/protocol.md).
 */
#ifndef OOPSFARM_AGENT_MODFILE_H
#define OOPSFARM_AGENT_MODFILE_H

#include <stddef.h>

enum modfile_comp { MODFILE_PLAIN, MODFILE_XZ, MODFILE_ZSTD, MODFILE_GZIP };

/* Upper bound for a decompressed module image. */
#define MODFILE_MAX_IMAGE (512u << 20)

/* The compression a module path's suffix says (.xz, .zst, .gz). */
enum modfile_comp modfile_compression(const char *path);

/* "xz", "zstd", "gzip", or "" for MODFILE_PLAIN. */
const char *modfile_comp_name(enum modfile_comp c);

/*
 * Decompresses data (len bytes) into a malloc'd image; the caller frees
 * *ret_img.  Returns 0, -EBADMSG for corrupt or truncated data, -EFBIG
 * above MODFILE_MAX_IMAGE, -ENOMEM, -EINVAL for MODFILE_PLAIN.
 */
int modfile_decompress(enum modfile_comp c, const void *data, size_t len, void **ret_img, size_t *ret_len);

#endif
