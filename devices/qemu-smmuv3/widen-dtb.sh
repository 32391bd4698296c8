#!/bin/bash
# SPDX-License-Identifier: MIT
#
# widen-dtb.sh OUT.dtb EXTRA_NODES SMP [MEM_MB]
#
# The widened board: QEMU virt's own device tree, dumped for the board's CPU
# count (the DTB lists the CPUs, so it changes with -smp), plus EXTRA_NODES
# childless "gpio-keys" platform devices.  gpio_keys's driver attach then
# walks them while arm-smmu-v3 registers and walks the platform bus, which
# widens the window of the platform_dma_configure race (measured: 1000 nodes
# at -smp 2 gave 45 crashes in 350 unpatched boots; research/qemu-board.md).
# The nodes are generated, never written by hand.  Deterministic output.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OUT.dtb EXTRA_NODES SMP [MEM_MB]" >&2; exit 2; }
out=$1 extra=$2 smp=$3 mem=${4:-1024}
QEMU=${QEMU:-qemu-system-aarch64}
command -v dtc >/dev/null || { echo "widen-dtb: dtc not found (make deps)" >&2; exit 3; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# the same machine options as the boots, or the tree would not match
$QEMU -M virt,iommu=smmuv3 -cpu max,pauth-impdef=on -smp "$smp" -m "$mem" \
	-machine dumpdtb="$tmp/base.dtb" -display none -nographic -nic none >/dev/null 2>&1 ||
	{ echo "widen-dtb: $QEMU could not dump the virt device tree" >&2; exit 3; }
dtc -q -I dtb -O dts -o "$tmp/base.dts" "$tmp/base.dtb"

# QEMU puts fresh random seeds in /chosen on every dump; drop them so that
# the same setup gives the same DTB (and the same hash in the store).
# Append the nodes inside the root node: drop the final "};", close it after.
grep -vE '^\s*(kaslr-seed|rng-seed) = ' "$tmp/base.dts" | head -n -1 > "$tmp/wide.dts"
awk -v n="$extra" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "\n\tgpio-keys-oopsfarm-%d {\n\t\tcompatible = \"gpio-keys\";\n\t};\n", i
	print "};"
}' >> "$tmp/wide.dts"
dtc -q -I dts -O dtb -o "$out" "$tmp/wide.dts"
echo "$out: virt -smp $smp -m $mem + $extra gpio-keys nodes ($(stat -c %s "$out") bytes)"
