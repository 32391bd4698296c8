// SPDX-License-Identifier: MIT
/* logs.c - see logs.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

#include "store/logs.h"

/* Writes buf compressed to path.zst; the raw file is removed after. */
int log_keep_compressed(const char *path, const char *buf, size_t len)
{
	size_t bound = ZSTD_compressBound(len), n;
	char *z = malloc(bound), zpath[1200];
	FILE *f;

	if (!z)
		return -ENOMEM;
	n = ZSTD_compress(z, bound, buf, len, 9);
	if (ZSTD_isError(n)) {
		free(z);
		return -EIO;
	}
	snprintf(zpath, sizeof(zpath), "%s.zst", path);
	f = fopen(zpath, "wb");
	if (!f || fwrite(z, 1, n, f) != n || fclose(f) != 0) {
		free(z);
		return -EIO;
	}
	free(z);
	unlink(path);
	return 0;
}
