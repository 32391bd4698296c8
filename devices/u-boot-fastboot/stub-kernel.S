/* SPDX-License-Identifier: MIT */
/*
 * stub-kernel.S - the smallest payload U-Boot's bootm takes for a Linux
 * arm64 kernel: an arm64 Image header, then code that prints one line on
 * QEMU virt's PL011 and powers off through PSCI SYSTEM_OFF (hvc).
 *
 * Not a kernel: it stands in for one where a test must tell which image a
 * slot (or a RAM boot) really started, in a second instead of a kernel
 * build.  The line carries VARIANT (set with -DVARIANT=\"A\"):
 *   oopsfarm-stub: variant=A
 * Build (position independent, no link step):
 *   aarch64-linux-gnu-gcc -c -DVARIANT=\"A\" -o stub.o stub-kernel.S
 *   aarch64-linux-gnu-objcopy -O binary -j .text stub.o stub.Image
 */
	.text
	.globl _start
_start:
	b	start			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	end - _start		/* image_size */
	.quad	0xa			/* flags: little-endian, 4K pages, anywhere */
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */
start:
	ldr	x1, =0x09000000		/* PL011 data register */
	adr	x2, msg
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	str	w3, [x1]
	b	1b
2:	ldr	x0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc	#0
3:	wfi
	b	3b
msg:
	.ascii	"\r\noopsfarm-stub: variant="
	.ascii	VARIANT
	.asciz	"\r\n"
	.balign	8
	.ltorg
end:
