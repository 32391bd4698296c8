/* SPDX-License-Identifier: MIT */
/*
 * serial-list.h - the USB-serial adapters plugged in, found the way
 * pyserial's list_ports (list_ports_linux) finds them: each tty in
 * SYSFS/class/tty whose device is a usb-serial port (ttyUSBn) or a USB
 * interface (cdc-acm: ttyACMn), with its USB device's idVendor, idProduct,
 * serial, manufacturer and product, its location (the device's sysfs name,
 * "1-1.2"), and the DEV/serial/by-id link that points to it.
 *
 * sysfs_root and dev_root are "/sys" and "/dev" on a running system (tests
 * pass a tree of their own).
 */
#ifndef OOPSFARM_BOARD_SERIAL_LIST_H
#define OOPSFARM_BOARD_SERIAL_LIST_H

#include <limits.h>

#include "board-desc.h"

struct serial_port {
	char dev[PATH_MAX];   /* "/dev/ttyUSB0" (under dev_root) */
	char by_id[PATH_MAX]; /* "/dev/serial/by-id/usb-FTDI_...-if00-port0", or "" */
	unsigned vid, pid;
	char serial[128], manufacturer[128], product[128];
	char location[NAME_MAX + 1]; /* USB port path: "1-1.2" (a sysfs name) */
	char interface[8];	     /* bInterfaceNumber: "00" */
};

/*
 * Lists the adapters, sorted by device name.  0 with *ret (malloc'd, free())
 * and *ret_n (0 when none); -errno when sysfs_root/class/tty cannot be read.
 */
int serial_list(const char *sysfs_root, const char *dev_root, struct serial_port **ret, int *ret_n);

/* Whether port matches every field m sets. */
bool serial_port_matches(const struct serial_port *port, const struct board_usb_match *m);

#endif
