// SPDX-License-Identifier: MIT
/* actions.c - LAVA's boot action names; see actions.h. */
#include <string.h>

#include "lava/actions.h"

/* clang-format off */
static const char *const boot_actions[] = {
	"barebox-action",		/* barebox */
	"boot-bootloader-retry",	/* bootloader */
	"boot-cmsis-retry",		/* cmsis-dap */
	"depthcharge-action",		/* depthcharge */
	"boot-dfu-retry",		/* dfu */
	"boot-docker",			/* docker */
	"fastboot-boot",		/* fastboot */
	"boot-fvp",			/* fvp */
	"boot-gdb",			/* gdb */
	"grub-main-action",		/* grub */
	"grub-sequence-action",		/* grub-efi sequence */
	"bootloader-action",		/* ipxe */
	"boot-installer-iso",		/* iso-installer */
	"boot-jlink-image",		/* jlink */
	"kexec-boot",			/* kexec */
	"lxc-boot",			/* lxc */
	"minimal-boot",			/* minimal */
	"musca-boot",			/* musca */
	"boot-openocd-image",		/* openocd */
	"boot-pyocd-image",		/* pyocd */
	"boot-image-retry",		/* qemu, qemu-nfs */
	"recovery-boot",		/* recovery */
	"secondary-shell-action",	/* secondary shell */
	"schroot-login",		/* schroot */
	"login-ssh",			/* ssh */
	"uboot-action",			/* u-boot */
	"uefi-shell-main-action",	/* uefi */
	"uefi-menu-action",		/* uefi-menu */
	"uuu-boot-retry",		/* uuu */
};
/* clang-format on */

bool lava_boot_action(const char *name)
{
	size_t len = strcspn(name, " \t");

	for (size_t i = 0; i < sizeof(boot_actions) / sizeof(boot_actions[0]); i++)
		if (strlen(boot_actions[i]) == len && !strncmp(boot_actions[i], name, len))
			return true;
	return false;
}
