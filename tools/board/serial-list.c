// SPDX-License-Identifier: MIT
/* serial-list.c - USB-serial adapters from sysfs, after pyserial's list_ports_linux. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serial-list.h"

/* the first line of DIR/NAME into buf, "" when there is none */
static void read_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char p[PATH_MAX + 64];
	FILE *f;

	buf[0] = '\0';
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* in place: "/a/b/c" -> "/a/b" */
static void parent_dir(char *p)
{
	char *slash = strrchr(p, '/');

	if (slash && slash != p)
		*slash = '\0';
}

static const char *last_name(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? slash + 1 : p;
}

static int by_dev(const void *a, const void *b)
{
	return strcmp(((const struct serial_port *)a)->dev, ((const struct serial_port *)b)->dev);
}

/* the by-id link whose target is the tty's name */
static void find_by_id(const char *dev_root, const char *name, char *ret, size_t size)
{
	char dir[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
	struct dirent *e;
	DIR *d;

	ret[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/serial/by-id", dev_root);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(link, sizeof(link), "%s/%s", dir, e->d_name) >= sizeof(link))
			continue; /* no such path on Linux */
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(last_name(target), name)) {
			snprintf(ret, size, "%s", link);
			break;
		}
	}
	closedir(d);
}

int serial_list(const char *sysfs_root, const char *dev_root, struct serial_port **ret, int *ret_n)
{
	char dir[PATH_MAX], p[PATH_MAX + 300], dev_path[PATH_MAX], sub[PATH_MAX], intf[PATH_MAX],
	    usbdev[PATH_MAX];
	struct serial_port *ports = NULL;
	struct dirent *e;
	int n = 0, cap = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/class/tty", sysfs_root);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		struct serial_port *sp;
		char v[16];

		if (e->d_name[0] == '.')
			continue;
		/* the device behind the tty; virtual ttys have none */
		snprintf(p, sizeof(p), "%s/%s/device", dir, e->d_name);
		if (!realpath(p, dev_path))
			continue;
		snprintf(p, sizeof(p), "%s/subsystem", dev_path);
		if (!realpath(p, sub))
			continue;
		/* usb-serial (ttyUSB): the port's parent is the interface; usb (cdc-acm) is the interface */
		snprintf(intf, sizeof(intf), "%s", dev_path);
		if (!strcmp(last_name(sub), "usb-serial")) {
			parent_dir(intf);
		} else if (!strcmp(last_name(sub), "usb")) {
		} else {
			continue;
		}
		snprintf(usbdev, sizeof(usbdev), "%s", intf);
		parent_dir(usbdev);
		if (n == cap) {
			struct serial_port *np = realloc(ports, (cap = cap ? 2 * cap : 8) * sizeof(*ports));

			if (!np) {
				free(ports);
				closedir(d);
				return -ENOMEM;
			}
			ports = np;
		}
		sp = &ports[n++];
		memset(sp, 0, sizeof(*sp));
		snprintf(sp->dev, sizeof(sp->dev), "%s/%s", dev_root, e->d_name);
		read_attr(usbdev, "idVendor", v, sizeof(v));
		sp->vid = strtoul(v, NULL, 16);
		read_attr(usbdev, "idProduct", v, sizeof(v));
		sp->pid = strtoul(v, NULL, 16);
		read_attr(usbdev, "serial", sp->serial, sizeof(sp->serial));
		read_attr(usbdev, "manufacturer", sp->manufacturer, sizeof(sp->manufacturer));
		read_attr(usbdev, "product", sp->product, sizeof(sp->product));
		read_attr(intf, "bInterfaceNumber", sp->interface, sizeof(sp->interface));
		/* pyserial: a multi-interface adapter (FT4232) is located by its interface */
		read_attr(usbdev, "bNumInterfaces", v, sizeof(v));
		snprintf(sp->location, sizeof(sp->location), "%.255s",
			 atoi(v) > 1 ? last_name(intf) : last_name(usbdev));
		find_by_id(dev_root, e->d_name, sp->by_id, sizeof(sp->by_id));
	}
	closedir(d);
	if (n)
		qsort(ports, n, sizeof(*ports), by_dev);
	*ret = ports;
	*ret_n = n;
	return 0;
}

/* "1-1.2" or "1-1.2:1.0" against a location with or without the bus ("1.2", from labgrid's ID_PATH) */
static bool location_matches(const char *want, const char *loc)
{
	size_t dl = strcspn(loc, ":"), wl = strlen(want);
	const char *dash = strchr(loc, '-');

	if (!strcmp(want, loc) || (wl == dl && !strncmp(want, loc, dl)))
		return true;
	return dash && (size_t)(dash + 1 - loc) < dl && wl == dl - (dash + 1 - loc) &&
	       !strncmp(want, dash + 1, wl);
}

bool serial_port_matches(const struct serial_port *port, const struct board_usb_match *m)
{
	return (!m->serial || !strcmp(m->serial, port->serial)) &&
	       (!m->location || location_matches(m->location, port->location)) &&
	       (!m->vid || m->vid == port->vid) && (!m->pid || m->pid == port->pid);
}
