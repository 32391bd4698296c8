// SPDX-License-Identifier: MIT
/*
 * modfile.c - decompressing module images, see modfile.h.
 *
 * Each format through its own well-kept library, into a buffer that grows
 * by doubling: module sizes are unknown up front (.gz stores it mod 2^32,
 * xz and zstd frames may not store it at all).
 */
#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "modfile.h"

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

enum modfile_comp modfile_compression(const char *path)
{
	if (has_suffix(path, ".xz"))
		return MODFILE_XZ;
	if (has_suffix(path, ".zst"))
		return MODFILE_ZSTD;
	if (has_suffix(path, ".gz"))
		return MODFILE_GZIP;
	return MODFILE_PLAIN;
}

const char *modfile_comp_name(enum modfile_comp c)
{
	static const char *const names[] = {"", "xz", "zstd", "gzip"};

	return (unsigned)c < 4 ? names[c] : "";
}

/* Makes room for at least one more byte; -EFBIG past the cap. */
static int grow(unsigned char **buf, size_t *cap)
{
	size_t n = *cap ? *cap * 2 : 1 << 20;
	unsigned char *b;

	if (*cap >= MODFILE_MAX_IMAGE)
		return -EFBIG;
	if (n > MODFILE_MAX_IMAGE)
		n = MODFILE_MAX_IMAGE;
	b = realloc(*buf, n);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*cap = n;
	return 0;
}

static int unxz(const void *data, size_t len, unsigned char **buf, size_t *cap, size_t *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret lr;
	int r = 0;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -ENOMEM;
	s.next_in = data;
	s.avail_in = len;
	do {
		if (*out == *cap && (r = grow(buf, cap)) < 0)
			break;
		s.next_out = *buf + *out;
		s.avail_out = *cap - *out;
		lr = lzma_code(&s, LZMA_FINISH);
		*out = *cap - s.avail_out;
		if (lr == LZMA_MEM_ERROR)
			r = -ENOMEM;
		else if (lr != LZMA_OK && lr != LZMA_STREAM_END && lr != LZMA_BUF_ERROR)
			r = -EBADMSG;
		else if (lr == LZMA_BUF_ERROR && s.avail_out)
			r = -EBADMSG; /* input ended mid-stream */
	} while (!r && lr != LZMA_STREAM_END);
	lzma_end(&s);
	return r;
}

static int unzstd(const void *data, size_t len, unsigned char **buf, size_t *cap, size_t *out)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer in = {data, len, 0};
	size_t ret = 1;
	int r = 0;

	if (!d)
		return -ENOMEM;
	ZSTD_initDStream(d);
	while (!r && (in.pos < in.size || ret != 0)) {
		ZSTD_outBuffer o;

		if (*out == *cap && (r = grow(buf, cap)) < 0)
			break;
		o = (ZSTD_outBuffer){*buf, *cap, *out};
		ret = ZSTD_decompressStream(d, &o, &in);
		*out = o.pos;
		if (ZSTD_isError(ret))
			r = -EBADMSG;
		else if (ret != 0 && in.pos == in.size && o.pos < o.size)
			r = -EBADMSG; /* truncated frame */
	}
	ZSTD_freeDStream(d);
	return r;
}

static int ungzip(const void *data, size_t len, unsigned char **buf, size_t *cap, size_t *out)
{
	z_stream z;
	int zr = Z_OK, r = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 32) != Z_OK) /* +32: gzip or zlib header */
		return -ENOMEM;
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	while (!r && zr != Z_STREAM_END) {
		if (*out == *cap && (r = grow(buf, cap)) < 0)
			break;
		z.next_out = *buf + *out;
		z.avail_out = (uInt)(*cap - *out);
		zr = inflate(&z, Z_NO_FLUSH);
		*out = *cap - z.avail_out;
		if (zr == Z_MEM_ERROR)
			r = -ENOMEM;
		else if (zr == Z_BUF_ERROR && z.avail_out)
			r = -EBADMSG;
		else if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			r = -EBADMSG;
	}
	inflateEnd(&z);
	return r;
}

int modfile_decompress(enum modfile_comp c, const void *data, size_t len, void **ret_img, size_t *ret_len)
{
	unsigned char *buf = NULL;
	size_t cap = 0, out = 0;
	int r;

	switch (c) {
	case MODFILE_XZ:
		r = unxz(data, len, &buf, &cap, &out);
		break;
	case MODFILE_ZSTD:
		r = unzstd(data, len, &buf, &cap, &out);
		break;
	case MODFILE_GZIP:
		r = ungzip(data, len, &buf, &cap, &out);
		break;
	default:
		return -EINVAL;
	}
	if (r == 0 && out == 0)
		r = -EBADMSG;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_img = buf;
	*ret_len = out;
	return 0;
}
