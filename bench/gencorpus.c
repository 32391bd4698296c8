// SPDX-License-Identifier: MIT
/*
 * gencorpus - deterministic inputs for bench/run.
 *
 *   gencorpus corpus OUT MB GAP MANIFEST INDEX FILLER FIXTURE...
 *	Console text of about MB megabytes (10^6 bytes): the body of FILLER
 *	(a fixture: its header up to "#end" is dropped) repeated, with the
 *	bodies of the FIXTUREs inserted between two filler blocks, one after
 *	every 1..2*GAP-1 filler blocks (GAP on average, from a fixed-seed
 *	generator), in round-robin order so that each is used a known number
 *	of times.  Every line ends in CRLF, as a serial console delivers it.
 *	MANIFEST gets one line "COUNT PATH" per fixture, INDEX one line
 *	"START END PATH" (byte offsets in OUT) per inserted body.
 *
 *   gencorpus repeat OUT MB LINE...
 *	The LINEs, each followed by "\n", in turn until MB megabytes.
 *
 *   gencorpus random OUT MB
 *	MB megabytes of bytes from a fixed-seed generator.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct body {
	const char *path;
	char *data;
	size_t len;
	unsigned long used;
};

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "gencorpus: %s%s%s%s%s\n", what, arg ? " " : "", arg ? arg : "", errno ? ": " : "",
		errno ? strerror(errno) : "");
	exit(1);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* splitmix64: fixed seed, so every run writes the same bytes */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Read a fixture, drop its header, and turn every line ending into CRLF. */
static void load_body(struct body *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *raw = NULL, *p, *end;
	size_t cap = 0, len = 0, n;

	if (!f)
		die("cannot read", path);
	for (;;) {
		if (len + 65536 > cap) {
			cap = (cap ? cap * 2 : 1 << 20);
			if (!(raw = realloc(raw, cap)))
				die("out of memory", NULL);
		}
		n = fread(raw + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		die("cannot read", path);
	fclose(f);

	p = raw;
	end = raw + len;
	if (len >= 1 && raw[0] == '#') {
		/* header lines until "#end\n" */
		for (;;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			int last;

			if (!nl) {
				errno = 0;
				die("no #end header line in", path);
			}
			last = (nl - p >= 4 && memcmp(p, "#end", 4) == 0);
			p = nl + 1;
			if (last)
				break;
		}
	}
	b->path = path;
	b->data = malloc((size_t)(end - p) * 2 + 2);
	if (!b->data)
		die("out of memory", NULL);
	b->len = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		memcpy(b->data + b->len, p, l);
		b->len += l;
		if (l == 0 || p[l - 1] != '\r')
			b->data[b->len++] = '\r';
		b->data[b->len++] = '\n';
		p += l + 1;
	}
	free(raw);
}

static void put(FILE *out, const char *data, size_t len, uint64_t *written)
{
	if (fwrite(data, 1, len, out) != len)
		die("write failed", NULL);
	*written += len;
}

static int cmd_corpus(int argc, char **argv)
{
	uint64_t target, written = 0;
	unsigned long gap, next, fillers = 0, inserted = 0;
	struct body filler, *fx;
	size_t nfx, i, rr = 0;
	FILE *out, *man, *idx;

	if (argc < 8)
		return 2;
	target = strtoull(argv[3], NULL, 10) * 1000000ull;
	gap = strtoul(argv[4], NULL, 10);
	if (gap < 1)
		gap = 1;
	load_body(&filler, argv[7]);
	nfx = (size_t)(argc - 8);
	fx = calloc(nfx ? nfx : 1, sizeof(*fx));
	if (!fx)
		die("out of memory", NULL);
	for (i = 0; i < nfx; i++)
		load_body(&fx[i], argv[8 + i]);

	if (!(out = fopen(argv[2], "wb")))
		die("cannot write", argv[2]);
	if (!(idx = fopen(argv[6], "w")))
		die("cannot write", argv[6]);
	next = 1 + rng() % (2 * gap - 1);
	while (written < target) {
		put(out, filler.data, filler.len, &written);
		fillers++;
		if (nfx && --next == 0 && written < target) {
			struct body *b = &fx[rr++ % nfx];

			fprintf(idx, "%llu %llu %s\n", (unsigned long long)written,
				(unsigned long long)(written + b->len), b->path);
			put(out, b->data, b->len, &written);
			b->used++;
			inserted++;
			next = 1 + rng() % (2 * gap - 1);
		}
	}
	/* end on filler text, so the last inserted report is closed */
	put(out, filler.data, filler.len, &written);
	fillers++;
	if (fclose(out) != 0)
		die("write failed", argv[2]);
	if (fclose(idx) != 0)
		die("write failed", argv[6]);

	if (!(man = fopen(argv[5], "w")))
		die("cannot write", argv[5]);
	for (i = 0; i < nfx; i++)
		fprintf(man, "%lu %s\n", fx[i].used, fx[i].path);
	if (fclose(man) != 0)
		die("write failed", argv[5]);
	fprintf(stderr, "gencorpus: %llu bytes, %lu filler blocks, %lu inserted fixture bodies\n",
		(unsigned long long)written, fillers, inserted);
	return 0;
}

static int cmd_repeat(int argc, char **argv)
{
	uint64_t target, written = 0;
	FILE *out;
	int i = 4;

	if (argc < 5)
		return 2;
	target = strtoull(argv[3], NULL, 10) * 1000000ull;
	if (!(out = fopen(argv[2], "wb")))
		die("cannot write", argv[2]);
	while (written < target) {
		put(out, argv[i], strlen(argv[i]), &written);
		put(out, "\n", 1, &written);
		if (++i == argc)
			i = 4;
	}
	if (fclose(out) != 0)
		die("write failed", argv[2]);
	return 0;
}

static int cmd_random(int argc, char **argv)
{
	uint64_t target, written = 0, buf[8192];
	FILE *out;
	size_t i;

	if (argc != 4)
		return 2;
	target = strtoull(argv[3], NULL, 10) * 1000000ull;
	if (!(out = fopen(argv[2], "wb")))
		die("cannot write", argv[2]);
	while (written < target) {
		size_t n = sizeof(buf);

		for (i = 0; i < sizeof(buf) / sizeof(buf[0]); i++)
			buf[i] = rng();
		if (n > target - written)
			n = (size_t)(target - written);
		put(out, (const char *)buf, n, &written);
	}
	if (fclose(out) != 0)
		die("write failed", argv[2]);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	errno = 0;
	if (argc >= 2 && strcmp(argv[1], "corpus") == 0)
		rc = cmd_corpus(argc, argv);
	else if (argc >= 2 && strcmp(argv[1], "repeat") == 0)
		rc = cmd_repeat(argc, argv);
	else if (argc >= 2 && strcmp(argv[1], "random") == 0)
		rc = cmd_random(argc, argv);
	if (rc == 2)
		fprintf(stderr, "usage: gencorpus corpus OUT MB GAP MANIFEST INDEX FILLER FIXTURE...\n"
				"       gencorpus repeat OUT MB LINE...\n"
				"       gencorpus random OUT MB\n");
	return rc;
}
