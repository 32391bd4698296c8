# SPDX-License-Identifier: MIT
#
# tests/lava/qemu-job.sh - sourced by the LAVA tests: a plain LAVA job
# definition of the QEMU SMMUv3 board, written the way a lab writes its own
# (no oopsfarm template): one deploy of a kernel and an initramfs as
# file:// URLs, one qemu boot, one test action with one monitor: by
# default it reads the agent's BEGIN, CASE and END lines.
#   lava_qemu_job NAME KERNEL_IMAGE INITRD SMP MONITOR APPEND [START END PATTERN]
# prints the YAML; APPEND is the kernel command line; START, END and
# PATTERN are the monitor's (a lab's own init prints its own lines).
lava_qemu_job() {
	local start=${7:-OOPSFARM:1:BEGIN:} end=${8:-'OOPSFARM:\d+:END:'}
	local pattern=${9:-'OOPSFARM:\d+:CASE:case=(?P<test_case_id>[a-z0-9_]+) result=(?P<result>pass|fail)'}
	cat << EOF
device_type: qemu
job_name: $1
visibility: public
timeouts: {job: {minutes: 5}, action: {minutes: 2}}
context: {arch: arm64, cpu: "max,pauth-impdef=on", machine: "virt,iommu=smmuv3", memory: 1024, extra_options: ["-smp $4"]}
actions:
- deploy:
    to: tmpfs
    images:
      kernel: {url: "file://$2", image_arg: '-kernel {kernel} -append "$6"'}
      initrd: {url: "file://$3", image_arg: "-initrd {initrd}"}
- boot: {method: qemu, media: tmpfs, timeout: {minutes: 2}}
- test:
    timeout: {minutes: 2}
    monitors:
    - {name: $5, start: "$start", end: '$end', pattern: '$pattern'}
EOF
}
