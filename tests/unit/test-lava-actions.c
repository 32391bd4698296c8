// SPDX-License-Identifier: MIT
/*
 * test-lava-actions: which top-level LAVA actions are boots, by LAVA's own
 * names (tools/lava/actions.c), as the lines of a job log give them.
 */
#include "lava/actions.h"
#include "tap.h"

static const struct {
	const char *line; /* after "start: N " */
	bool boot;
} cases[] = {
    {"boot-image-retry (timeout 00:02:00) [common]", true}, /* qemu */
    {"depthcharge-action (timeout 00:05:00) [common]", true},
    {"uboot-action (timeout 00:04:00) [common]", true},
    {"grub-main-action (timeout 00:05:00) [common]", true},
    {"uefi-menu-action (timeout 00:05:00) [common]", true},
    {"barebox-action (timeout 00:05:00) [common]", true},
    {"fastboot-boot (timeout 00:15:00) [common]", true},
    {"minimal-boot (timeout 00:01:00) [common]", true},
    {"bootloader-action (timeout 00:05:00) [common]", true}, /* ipxe */
    {"kexec-boot", true},
    {"validate", false},
    {"deployimages (timeout 00:01:00) [common]", false},
    {"tftp-deploy (timeout 00:10:00) [common]", false},
    {"fastboot-deploy (timeout 00:10:00) [common]", false},
    {"lava-test-monitor-retry (timeout 00:02:00) [common]", false},
    {"lava-test-retry (timeout 00:10:00) [common]", false},
    {"finalize (timeout 00:00:30) [common]", false},
    {"boot-image-retry-extra", false}, /* a name, not a prefix */
    {"", false},
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(lava_boot_action(cases[i].line) == cases[i].boot, "'%s' is %sa boot", cases[i].line,
		   cases[i].boot ? "" : "not ");
	return tap_done();
}
