/* SPDX-License-Identifier: MIT */
/*
 * crc32.h - CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320), the
 * same function as zlib's crc32(): crc32_update(0, "123456789", 9) is
 * 0xcbf43926.
 *
 * Used by the serial protocol (one CRC per line, see doc/protocol.md) and
 * by the agent to hash its module set and command line.  A plain 256-entry
 * table built once: the agent is static and small, and lines are short,
 * so slicing tricks are not worth their size.
 */
#ifndef OOPSFARM_CRC32_H
#define OOPSFARM_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns the CRC of buf[0..len) continued from crc, which is 0 for a new
 * computation (the pre- and post-inversion are inside, as in zlib), so
 * crc32_update(crc32_update(0, a, n), b, m) is the CRC of a followed by b.
 * Thread-safe.
 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

/*
 * CRC of a followed by b from crc1 = CRC(a), crc2 = CRC(b) and len2 =
 * length of b, without b's bytes (what zlib's crc32_combine() does; named
 * apart because the agent links zlib statically).
 * crc32_concat_gen(len2) prepares the operator for one len2 in about 64
 * short loops; crc32_concat_op() then costs at most 32 steps, so one b
 * can be joined to many a cheaply (the protocol decoder tries every join
 * point of a split line this way).
 */
uint32_t crc32_concat_gen(uint64_t len2);
uint32_t crc32_concat_op(uint32_t crc1, uint32_t crc2, uint32_t op);
uint32_t crc32_concat(uint32_t crc1, uint32_t crc2, uint64_t len2);

#endif
