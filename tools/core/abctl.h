/* SPDX-License-Identifier: MIT */
/*
 * abctl.h - the A/B bootloader control block in an Android misc partition:
 * which slot a bootloader boots next.
 *
 * Format: AOSP's struct bootloader_control (bootable/recovery/
 * bootloader_message/include/bootloader_message/bootloader_message.h; the
 * same struct in U-Boot's include/android_bootloader_message.h), 32 bytes
 * at byte 2048 of misc (the slot_suffix field of struct
 * bootloader_message_ab), little-endian:
 *
 *   0  char slot_suffix[4]     "a" / "b" (informational)
 *   4  u32 magic               0x42414342 ("BCAB")
 *   8  u8 version              1
 *   9  u8 nb_slot:3, recovery_tries_remaining:3
 *  10  u8 reserved0[2]
 *  12  slot_metadata[4]        2 bytes each: byte 0 = priority:4 |
 *                              tries_remaining:3 << 4 | successful_boot << 7;
 *                              byte 1 = verity_corrupted:1
 *  20  u8 reserved1[8]
 *  28  u32 crc32_le            CRC-32 (zlib's) of bytes 0..27
 *
 * A bootloader that implements it (U-Boot's ab_select, the Pixel's ABL)
 * boots the bootable slot with the highest priority.  oopsfarm switches
 * slots by writing a whole misc image whose block selects one slot: the
 * chosen slot gets priority 15, the other 14, both marked successful (so
 * no bootloader counts tries down and falls back on its own).
 */
#ifndef OOPSFARM_ABCTL_H
#define OOPSFARM_ABCTL_H

#include <stddef.h>
#include <stdint.h>

#define ABCTL_OFFSET	2048
#define ABCTL_SIZE	32
#define ABCTL_MAGIC	0x42414342u
#define ABCTL_MISC_SIZE 4096 /* the misc image we write: block + zeros */

/* The slot index of "a"/"b" (also "_a"/"_b"); -EINVAL for anything else. */
int abctl_slot_parse(const char *s);

/*
 * Fills misc[0..ABCTL_MISC_SIZE) with zeros and a control block that
 * selects slot (0 = a, 1 = b) among two.  -EINVAL for another slot.
 */
int abctl_misc_image(int slot, unsigned char misc[ABCTL_MISC_SIZE]);

/*
 * Reads the control block of a misc partition's first bytes: returns the
 * slot a bootloader would boot (the bootable slot of highest priority; a
 * tie goes to a), or -EINVAL (too short, bad magic or version), -EBADMSG
 * (CRC mismatch), -ENOENT (no bootable slot).
 */
int abctl_misc_slot(const unsigned char *misc, size_t size);

#endif
