// SPDX-License-Identifier: MIT
/*
 * lab-init.c - an init that is not oopsfarm's agent, for tests of a lab's
 * own LAVA jobs (tests/t-nightly-lava.sh): built static for aarch64 and put
 * as /init of an initramfs, it says it started and ended on the console
 * (the lab's monitor reads those lines) and powers the board off.  No
 * BEGIN line, no protocol: the host must tell from the console alone.
 */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	printf("lab-init: start\n");
	printf("lab-init: the lab's own checks pass\n");
	printf("lab-init: end\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
