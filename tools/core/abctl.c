// SPDX-License-Identifier: MIT
/*
 * abctl.c - the A/B bootloader control block (abctl.h has the format).
 */
#include <errno.h>
#include <string.h>

#include "core/abctl.h"
#include "crc32.h"

int abctl_slot_parse(const char *s)
{
	if (s[0] == '_')
		s++;
	if (!strcmp(s, "a"))
		return 0;
	if (!strcmp(s, "b"))
		return 1;
	return -EINVAL;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int abctl_misc_image(int slot, unsigned char misc[ABCTL_MISC_SIZE])
{
	if (slot != 0 && slot != 1)
		return -EINVAL;
	memset(misc, 0, ABCTL_MISC_SIZE);
	unsigned char *c = misc + ABCTL_OFFSET;
	c[0] = "ab"[slot];
	put32(c + 4, ABCTL_MAGIC);
	c[8] = 1;	   /* version */
	c[9] = 2 | 7 << 3; /* nb_slot 2, recovery tries 7 */
	for (int s = 0; s < 2; s++) {
		unsigned prio = s == slot ? 15 : 14;
		/* tries 7, successful: no bootloader counts down or falls back */
		c[12 + 2 * s] = prio | 7 << 4 | 1 << 7;
	}
	put32(c + 28, crc32_update(0, c, 28));
	return 0;
}

int abctl_misc_slot(const unsigned char *misc, size_t size)
{
	if (size < ABCTL_OFFSET + ABCTL_SIZE)
		return -EINVAL;
	const unsigned char *c = misc + ABCTL_OFFSET;
	if (get32(c + 4) != ABCTL_MAGIC || c[8] != 1)
		return -EINVAL;
	if (get32(c + 28) != crc32_update(0, c, 28))
		return -EBADMSG;
	unsigned nb = c[9] & 7;
	int best = -ENOENT;
	unsigned bestprio = 0;
	for (unsigned s = 0; s < nb && s < 4; s++) {
		unsigned prio = c[12 + 2 * s] & 15, tries = c[12 + 2 * s] >> 4 & 7, ok = c[12 + 2 * s] >> 7;
		if (prio > bestprio && (tries || ok)) {
			best = s;
			bestprio = prio;
		}
	}
	return best;
}
