// SPDX-License-Identifier: MIT
/*
 * board-desc.c - board descriptions (labgrid environment, rendered LAVA
 * device dictionary, oopsfarm's own YAML) into one struct board_desc, read
 * with libyaml's document API.  Nothing here opens a device or runs a
 * command: `oopsfarm board check` and the farm share it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "board-desc.h"
#include "util/yaml-doc.h"
#include "util/msg.h"

#define PDU_DEFAULT_PORT 16421

struct ctx {
	yaml_document_t doc;
	struct board_desc *d;
	const char *path;
	char *err;
	size_t errsize;
	/* labgrid resources oopsfarm cannot drive, named together at the end */
	char unsupported[512];
};

static int fail(struct ctx *x, yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *x, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = yaml_doc_failv(x->err, x->errsize, x->path, n, fmt, ap);
	va_end(ap);
	return r;
}

/* A string field set again (a second resource of one class, say) keeps the
 * last value, as labgrid's and LAVA's readers do, and frees the first. */
static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(struct ctx *x, int id)
{
	return yaml_document_get_node(&x->doc, id);
}

/* the value of key in a mapping node, or NULL */
static yaml_node_t *member(struct ctx *x, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(x, p->key));

		if (k && !strcmp(k, key))
			return node(x, p->value);
	}
	return NULL;
}

static const char *member_str(struct ctx *x, yaml_node_t *map, const char *key)
{
	return scalar(member(x, map, key));
}

static void ignore(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ignore(struct ctx *x, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	if (x->d->nignored >= BOARD_MAX_LIST)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	x->d->ignored[x->d->nignored++] = strdup(buf);
}

static int to_int(struct ctx *x, yaml_node_t *n, const char *what, int min, int max, int *ret)
{
	const char *s = scalar(n);
	char *end;
	long v;

	if (!s)
		return fail(x, n, "%s must be a number", what);
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return fail(x, n, "%s must be a number from %d to %d, not '%s'", what, min, max, s);
	*ret = (int)v;
	return 0;
}

static int to_bool(struct ctx *x, yaml_node_t *n, const char *what, bool *ret)
{
	const char *s = scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes") || !strcmp(s, "1")))
		*ret = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no") || !strcmp(s, "0")))
		*ret = false;
	else
		return fail(x, n, "%s must be true or false", what);
	return 0;
}

/* "HOST:PORT", "[V6]:PORT", or "HOST" with default_port (0: a port is needed) */
static int host_port(const char *s, int default_port, char **ret_host, int *ret_port)
{
	const char *colon, *h = s;
	size_t hl;
	char *end;
	long p = default_port;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return -EINVAL;
		h = s + 1;
		hl = close - h;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (!colon && close[1])
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (colon) {
		p = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end)
			return -EINVAL;
	}
	if (!hl || p < 1 || p > 65535)
		return -EINVAL;
	*ret_host = strndup(h, hl);
	*ret_port = (int)p;
	return 0;
}

/* ---- argv without a shell ---- */

void board_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int board_argv_split(const char *line, char ***ret, char *ret_err, size_t errsize)
{
	char **argv = calloc(BOARD_MAX_ARGS + 1, sizeof(char *));
	char *word = malloc(strlen(line) + 1);
	int argc = 0, r = 0;
	const char *p = line;

	if (!argv || !word) {
		free(argv);
		free(word);
		return -ENOMEM;
	}
	for (;;) {
		size_t wl = 0;
		bool in_word = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			in_word = true;
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					snprintf(ret_err, errsize, "unterminated ' in '%s'", line);
					r = -EINVAL;
					goto out;
				}
				memcpy(word + wl, p + 1, q - p - 1);
				wl += q - p - 1;
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					else if (*p == '$' || *p == '`') {
						snprintf(ret_err, errsize,
							 "'%c' (shell expansion) in '%s': commands run "
							 "without a shell",
							 *p, line);
						r = -EINVAL;
						goto out;
					}
					word[wl++] = *p;
				}
				if (*p != '"') {
					snprintf(ret_err, errsize, "unterminated \" in '%s'", line);
					r = -EINVAL;
					goto out;
				}
				p++;
			} else if (*p == '\\' && p[1]) {
				word[wl++] = p[1];
				p += 2;
			} else if (strchr(";&|<>()`$*?[]{}~#", *p) && !(*p == '#' && wl) &&
				   !(*p == '~' && wl)) {
				/* a shell would do more than split here; say which operator */
				snprintf(ret_err, errsize,
					 "shell operator '%c' in '%s': commands run without a shell", *p,
					 line);
				r = -EINVAL;
				goto out;
			} else {
				word[wl++] = *p++;
			}
		}
		if (in_word) {
			if (argc == BOARD_MAX_ARGS) {
				snprintf(ret_err, errsize, "more than %d words in '%s'", BOARD_MAX_ARGS,
					 line);
				r = -EINVAL;
				goto out;
			}
			argv[argc++] = strndup(word, wl);
		}
	}
	if (!argc) {
		snprintf(ret_err, errsize, "empty command");
		r = -EINVAL;
	}
out:
	free(word);
	if (r < 0)
		board_argv_free(argv);
	else
		*ret = argv;
	return r;
}

void board_argv_format(char *const *argv, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (char *const *a = argv; a && *a && off < size; a++) {
		bool quote = !**a || strpbrk(*a, " \t\"'\\;&|<>()$`*?[]{}~#");

		off += snprintf(buf + off, size - off, "%s%s%s%s", a == argv ? "" : " ", quote ? "'" : "", *a,
				quote ? "'" : "");
	}
}

/* ---- power steps ---- */

static void pdu_free(struct board_pdu *p)
{
	if (!p)
		return;
	free(p->daemon);
	free(p->pdu);
	free(p->port);
	free(p->command);
	free(p);
}

static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/*
 * A `pduclient` command line (LAVA dictionaries) as a pdudaemon request:
 * --daemon HOST[:PORT] --hostname PDU --port N --command on|off|reboot, each
 * also as --opt=value.  pduclient talks TCP to port 16421.
 */
static int pduclient_parse(char **argv, struct board_pdu **ret, char *err, size_t errsize)
{
	static const char *const opts[] = {"--daemon", "--hostname", "--port", "--command", "--delay"};
	const char *val[5] = {0};
	struct board_pdu *p;

	for (char **a = argv + 1; *a; a++) {
		size_t i;
		const char *v = NULL;

		for (i = 0; i < 5; i++) {
			size_t l = strlen(opts[i]);

			if (!strcmp(*a, opts[i]) && a[1]) {
				v = *++a;
				break;
			}
			if (!strncmp(*a, opts[i], l) && (*a)[l] == '=') {
				v = *a + l + 1;
				break;
			}
		}
		if (!v) {
			snprintf(err, errsize, "pduclient: unknown argument '%s'", *a);
			return -EINVAL;
		}
		val[i] = v;
	}
	for (int i = 0; i < 4; i++)
		if (!val[i]) {
			snprintf(err, errsize, "pduclient: %s is missing", opts[i]);
			return -EINVAL;
		}
	if (strcmp(val[3], "on") && strcmp(val[3], "off") && strcmp(val[3], "reboot")) {
		snprintf(err, errsize, "pduclient: --command must be on, off or reboot, not '%s'", val[3]);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (host_port(val[0], PDU_DEFAULT_PORT, &p->daemon, &p->daemon_port) < 0) {
		snprintf(err, errsize, "pduclient: bad --daemon '%s'", val[0]);
		free(p);
		return -EINVAL;
	}
	p->listener = PDU_TCP;
	set_str(&p->pdu, val[1]);
	set_str(&p->port, val[2]);
	set_str(&p->command, val[3]);
	p->delay = val[4] ? atoi(val[4]) : -1;
	*ret = p;
	return 0;
}

/* true when argv runs `oopsfarm power ACTION` for this very board */
static bool recursive_power(const struct board_desc *d, char **argv)
{
	if (strcmp(base_name(argv[0]), "oopsfarm") || !argv[1] || strcmp(argv[1], "power"))
		return false;
	for (char **a = argv + 2; *a; a++)
		if (!strcmp(*a, d->name) || !strcmp(*a, d->path) ||
		    !strcmp(base_name(*a), base_name(d->path)))
			return true;
	return false;
}

/* One command (argv, already split) as a step of action a. */
static int add_step(struct ctx *x, yaml_node_t *n, enum board_power_action a, char **argv)
{
	struct board_power *pw = &x->d->power;
	struct board_step *s;
	char line[512], err[256];
	int r;

	if (pw->nsteps[a] == BOARD_MAX_STEPS) {
		board_argv_free(argv);
		return fail(x, n, "power %s: more than %d commands", board_power_action_name(a),
			    BOARD_MAX_STEPS);
	}
	s = &pw->steps[a][pw->nsteps[a]];
	if (recursive_power(x->d, argv)) {
		board_argv_format(argv, line, sizeof(line));
		board_argv_free(argv);
		return fail(x, n,
			    "power %s: '%s' runs oopsfarm power for this board itself, which would recurse",
			    board_power_action_name(a), line);
	}
	if (!strcmp(base_name(argv[0]), "pduclient")) {
		r = pduclient_parse(argv, &s->pdu, err, sizeof(err));
		board_argv_free(argv);
		if (r < 0)
			return fail(x, n, "power %s: %s", board_power_action_name(a), err);
	} else {
		s->argv = argv;
	}
	pw->nsteps[a]++;
	return 0;
}

/* A command given as a string (split here) or a list of words (an argv). */
static int add_command(struct ctx *x, yaml_node_t *n, enum board_power_action a, bool list_is_argv)
{
	char err[ERR_MAX], **argv;
	int r;

	if (n->type == YAML_SCALAR_NODE) {
		r = board_argv_split(scalar(n), &argv, err, sizeof(err));
		if (r < 0)
			return fail(x, n, "power %s: %s", board_power_action_name(a), err);
		return add_step(x, n, a, argv);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(x, n, "power %s: a command is a string or a list", board_power_action_name(a));
	if (list_is_argv) {
		int argc = 0;

		argv = calloc(BOARD_MAX_ARGS + 1, sizeof(char *));
		if (!argv)
			return -ENOMEM;
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++) {
			const char *w = scalar(node(x, *it));

			if (!w || argc == BOARD_MAX_ARGS) {
				board_argv_free(argv);
				return fail(x, n, "power %s: an argv is a list of at most %d strings",
					    board_power_action_name(a), BOARD_MAX_ARGS);
			}
			argv[argc++] = strdup(w);
		}
		if (!argc) {
			free(argv);
			return fail(x, n, "power %s: empty command", board_power_action_name(a));
		}
		return add_step(x, n, a, argv);
	}
	/* LAVA: a list of shell strings, run in turn */
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = node(x, *it);

		if (!scalar(e))
			return fail(x, e, "power %s: each command of the list is a string",
				    board_power_action_name(a));
		if ((r = add_command(x, e, a, false)))
			return r;
	}
	return 0;
}

/* POWER_PDU when every step is a pdudaemon request, else POWER_CMD */
static void power_kind_from_steps(struct board_power *pw)
{
	bool all_pdu = true, any = false;

	for (int a = 0; a < BOARD_NACTIONS; a++)
		for (int i = 0; i < pw->nsteps[a]; i++) {
			any = true;
			all_pdu &= pw->steps[a][i].pdu != NULL;
		}
	if (any)
		pw->kind = all_pdu ? POWER_PDU : POWER_CMD;
}

static int add_pdu(struct ctx *x, yaml_node_t *n, const char *daemon, enum board_pdu_listener listener,
		   const char *pdu, const char *port)
{
	static const char *const cmds[BOARD_NACTIONS] = {"on", "off", "reboot"};
	char *host;
	int hport;

	if (!daemon || !pdu || !port)
		return fail(x, n, "pdudaemon needs the daemon's host, the PDU's name and the port");
	if (host_port(daemon, PDU_DEFAULT_PORT, &host, &hport) < 0)
		return fail(x, n, "pdudaemon: bad host '%s' (HOST or HOST:PORT)", daemon);
	for (int a = 0; a < BOARD_NACTIONS; a++) {
		struct board_pdu *p = calloc(1, sizeof(*p));

		if (!p) {
			free(host);
			return -ENOMEM;
		}
		set_str(&p->daemon, host);
		p->daemon_port = hport;
		p->listener = listener;
		set_str(&p->pdu, pdu);
		set_str(&p->port, port);
		set_str(&p->command, cmds[a]);
		p->delay = -1;
		x->d->power.steps[a][0].pdu = p;
		x->d->power.nsteps[a] = 1;
	}
	free(host);
	x->d->power.kind = POWER_PDU;
	return 0;
}

/* ---- labgrid environment ---- */

/* the drivers read below; the others are ignored or, for power and consoles, unsupported */
static const char *const lg_drivers[] = {
    "SerialDriver",	   "GpioDigitalOutputDriver", "DigitalOutputPowerDriver", "PDUDaemonDriver",
    "ExternalPowerDriver", "ManualPowerDriver",	      "AndroidFastbootDriver",
};

/* drivers with no role here: the shell, the bootloaders, the strategies */
static bool lg_ignorable(const char *name)
{
	static const char *const suffixes[] = {"Strategy", "ShellDriver", "UBootDriver", "BareboxDriver",
					       NULL};
	static const char *const names[] = {"SSHDriver",   "ShellDriver",
					    "UBootDriver", "BareboxDriver",
					    "InfoDriver",  "FileDigitalOutputDriver",
					    NULL};
	size_t l = strlen(name);

	for (const char *const *s = suffixes; *s; s++)
		if (l >= strlen(*s) && !strcmp(name + l - strlen(*s), *s))
			return true;
	for (const char *const *s = names; *s; s++)
		if (!strcmp(name, *s))
			return true;
	return false;
}

static void unsupported(struct ctx *x, const char *name, const char *why)
{
	size_t off = strlen(x->unsupported);

	snprintf(x->unsupported + off, sizeof(x->unsupported) - off, "%s%s (%s)", off ? ", " : "", name, why);
}

/* labgrid's udev match: ID_SERIAL_SHORT, ID_PATH (…-usb-0:1.2:1.0), ID_VENDOR_ID, ID_MODEL_ID */
static int lg_match(struct ctx *x, yaml_node_t *m, const char *what, struct board_usb_match *ret)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return fail(x, m, "%s: 'match' must be a mapping of udev properties", what);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(x, p->key)), *v = scalar(node(x, p->value));

		if (!k || !v)
			return fail(x, m, "%s: bad match entry", what);
		if (*k == '@')
			k++; /* a parent's property: the same values on a USB adapter */
		if (!strcmp(k, "ID_SERIAL_SHORT"))
			set_str(&ret->serial, v);
		else if (!strcmp(k, "ID_VENDOR_ID"))
			ret->vid = strtoul(v, NULL, 16);
		else if (!strcmp(k, "ID_MODEL_ID"))
			ret->pid = strtoul(v, NULL, 16);
		else if (!strcmp(k, "ID_PATH")) {
			/* pci-0000:00:14.0-usb-0:1.2:1.0 -> bus-less port path 1.2 */
			const char *u = strstr(v, "-usb-");
			const char *c = u ? strchr(u + 5, ':') : NULL;
			char loc[64];

			if (!c)
				return fail(x, m, "%s: ID_PATH '%s' is not a USB path", what, v);
			snprintf(loc, sizeof(loc), "%s", c + 1);
			if (strchr(loc, ':'))
				*strchr(loc, ':') = '\0';
			set_str(&ret->location, loc);
		} else
			return fail(x, m,
				    "%s: match on '%s' is not supported (ID_SERIAL_SHORT, ID_PATH, "
				    "ID_VENDOR_ID, ID_MODEL_ID are)",
				    what, k);
	}
	return 0;
}

static int lg_resource(struct ctx *x, const char *cls, yaml_node_t *a)
{
	struct board_desc *d = x->d;
	const char *s;
	int r = 0;

	if (!strcmp(cls, "RawSerialPort")) {
		if (!(s = member_str(x, a, "port")))
			return fail(x, a, "RawSerialPort needs 'port'");
		d->console.kind = CONSOLE_TTY;
		set_str(&d->console.path, s);
		d->console.speed = 115200;
		if (member(x, a, "speed"))
			r = to_int(x, member(x, a, "speed"), "RawSerialPort speed", 50, 4000000,
				   &d->console.speed);
	} else if (!strcmp(cls, "USBSerialPort")) {
		d->console.kind = CONSOLE_TTY_USB;
		d->console.speed = 115200;
		if ((r = lg_match(x, member(x, a, "match"), cls, &d->console.match)))
			return r;
		if (member(x, a, "speed"))
			r = to_int(x, member(x, a, "speed"), "USBSerialPort speed", 50, 4000000,
				   &d->console.speed);
	} else if (!strcmp(cls, "NetworkSerialPort")) {
		const char *proto = member_str(x, a, "protocol");

		if (!(s = member_str(x, a, "host")) || !member(x, a, "port"))
			return fail(x, a, "NetworkSerialPort needs 'host' and 'port'");
		set_str(&d->console.host, s);
		if ((r = to_int(x, member(x, a, "port"), "NetworkSerialPort port", 1, 65535,
				&d->console.port)))
			return r;
		/* labgrid's default is RFC 2217, what its exporter serves */
		if (!proto || !strcmp(proto, "rfc2217"))
			d->console.kind = CONSOLE_RFC2217;
		else if (!strcmp(proto, "raw"))
			d->console.kind = CONSOLE_RAW;
		else
			return fail(x, a, "NetworkSerialPort protocol '%s' (rfc2217 or raw)", proto);
		if (member(x, a, "speed"))
			r = to_int(x, member(x, a, "speed"), "NetworkSerialPort speed", 50, 4000000,
				   &d->console.speed);
	} else if (!strcmp(cls, "SysfsGPIO")) {
		if ((r = to_int(x, member(x, a, "index"), "SysfsGPIO index", 0, 65535,
				&d->power.sysfs_index)))
			return r;
	} else if (!strcmp(cls, "MatchedSysfsGPIO")) {
		/* the chip is a udev device: only its label can be matched without udev */
		yaml_node_t *m = member(x, a, "match");
		const char *label = member_str(x, m, "@label");

		if (!label)
			label = member_str(x, m, "label");
		if (!label) {
			unsupported(x, cls, "only a match on the chip's 'label' is supported");
			return 0;
		}
		set_str(&d->power.chip, label);
		r = to_int(x, member(x, a, "pin"), "MatchedSysfsGPIO pin", 0, 65535, &d->power.line);
	} else if (!strcmp(cls, "PDUDaemonPort")) {
		const char *host = member_str(x, a, "host"), *pdu = member_str(x, a, "pdu");
		const char *index = member_str(x, a, "index");

		r = add_pdu(x, a, host, PDU_TCP, pdu, index);
	} else if (!strcmp(cls, "AndroidFastboot") || !strcmp(cls, "AndroidUSBFastboot")) {
		struct board_usb_match m = {0};

		if ((r = lg_match(x, member(x, a, "match"), cls, &m)))
			return r;
		d->flash.kind = FLASH_FASTBOOT_USB;
		d->flash.serial = m.serial;
		free(m.location);
	} else if (!strcmp(cls, "AndroidNetFastboot")) {
		const char *proto = member_str(x, a, "protocol");

		if (!(s = member_str(x, a, "address")))
			return fail(x, a, "AndroidNetFastboot needs 'address'");
		d->flash.kind = FLASH_FASTBOOT_NET;
		set_str(&d->flash.host, s);
		d->flash.port = 5554;
		if (member(x, a, "port") && (r = to_int(x, member(x, a, "port"), "AndroidNetFastboot port", 1,
							65535, &d->flash.port)))
			return r;
		if (proto && strcmp(proto, "udp") && strcmp(proto, "tcp"))
			return fail(x, a, "AndroidNetFastboot protocol '%s' (udp or tcp)", proto);
		set_str(&d->flash.protocol, proto ? proto : "udp");
	} else if (!strcmp(cls, "NetworkAndroidFastboot")) {
		unsupported(x, cls, "a USB device on a labgrid exporter, not network fastboot");
	} else {
		unsupported(x, cls, "unknown resource");
	}
	return r;
}

static int lg_driver(struct ctx *x, const char *cls, yaml_node_t *a)
{
	struct board_desc *d = x->d;
	yaml_node_t *n;
	bool known = false;
	int r = 0;

	for (size_t i = 0; i < sizeof(lg_drivers) / sizeof(lg_drivers[0]); i++)
		known |= !strcmp(cls, lg_drivers[i]);
	if (!known) {
		size_t l = strlen(cls);

		/* a power or console driver that is not read would leave the board
		 * without one: say so rather than ignore it */
		if (!lg_ignorable(cls) && ((l > 11 && !strcmp(cls + l - 11, "PowerDriver")) ||
					   (l > 13 && !strcmp(cls + l - 13, "ConsoleDriver"))))
			unsupported(x, cls,
				    "power and console drivers other than the ones listed in doc/boards.md");
		else
			ignore(x, "%s", cls);
		return 0;
	}
	if ((n = member(x, a, "delay")) && scalar(n))
		d->power.delay = strtod(scalar(n), NULL);
	if (!strcmp(cls, "GpioDigitalOutputDriver")) {
		/* `invert` is current labgrid's; 0.4.1 has none */
		if ((n = member(x, a, "invert")))
			r = to_bool(x, n, "GpioDigitalOutputDriver invert", &d->power.active_low);
		d->power.kind = POWER_GPIO;
	} else if (!strcmp(cls, "ExternalPowerDriver")) {
		static const char *const keys[BOARD_NACTIONS] = {"cmd_on", "cmd_off", "cmd_cycle"};

		for (int i = 0; i < BOARD_NACTIONS && !r; i++)
			if ((n = member(x, a, keys[i])))
				r = add_command(x, n, (enum board_power_action)i, false);
		if (!r && (!x->d->power.nsteps[BOARD_ON] || !x->d->power.nsteps[BOARD_OFF]))
			return fail(x, a, "ExternalPowerDriver needs cmd_on and cmd_off");
		power_kind_from_steps(&d->power);
	} else if (!strcmp(cls, "ManualPowerDriver")) {
		const char *name = member_str(x, a, "name");

		d->power.kind = POWER_MANUAL;
		set_str(&d->power.manual_name, name ? name : d->name);
	}
	/* SerialDriver, PDUDaemonDriver, DigitalOutputPowerDriver and
	 * AndroidFastbootDriver only bind the resources read above */
	return r;
}

/* labgrid lists classes either as a mapping {Class: attrs} or as a list of such */
static int lg_each(struct ctx *x, yaml_node_t *n, int (*fn)(struct ctx *, const char *, yaml_node_t *))
{
	int r;

	if (!n)
		return 0;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
		     it++)
			if ((r = lg_each(x, node(x, *it), fn)))
				return r;
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail(x, n, "resources and drivers are mappings of class names");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *cls = scalar(node(x, p->key));

		if (!cls)
			return fail(x, n, "a class name must be a string");
		if ((r = fn(x, cls, node(x, p->value))))
			return r;
	}
	return 0;
}

static int load_labgrid(struct ctx *x, yaml_node_t *root)
{
	yaml_node_t *targets = member(x, root, "targets"), *t;
	int r;

	if (!targets || targets->type != YAML_MAPPING_NODE || !targets->data.mapping.pairs.top ||
	    targets->data.mapping.pairs.top == targets->data.mapping.pairs.start)
		return fail(x, targets, "targets must map target names to targets");
	/* labgrid's own default target is "main"; a single target is it too */
	t = member(x, targets, "main");
	if (!t) {
		if (targets->data.mapping.pairs.top - targets->data.mapping.pairs.start != 1)
			return fail(x, targets, "several targets and none is 'main'");
		t = node(x, targets->data.mapping.pairs.start->value);
	}
	if ((r = lg_each(x, member(x, t, "resources"), lg_resource)) ||
	    (r = lg_each(x, member(x, t, "drivers"), lg_driver)))
		return r;
	if (x->d->power.kind == POWER_GPIO && x->d->power.sysfs_index < 0 && !x->d->power.chip)
		return fail(x, t, "GpioDigitalOutputDriver without a SysfsGPIO or MatchedSysfsGPIO resource");
	if (x->d->power.kind == POWER_NONE && (x->d->power.sysfs_index >= 0 || x->d->power.chip))
		x->d->power.kind = POWER_GPIO; /* DigitalOutputPowerDriver over the GPIO */
	return 0;
}

/* ---- LAVA device dictionary (rendered) ---- */

/* connect: telnet HOST PORT, or nc/netcat HOST PORT (raw TCP) */
static int lava_connect(struct ctx *x, yaml_node_t *n)
{
	struct board_console *c = &x->d->console;
	char err[ERR_MAX], **argv;
	const char *prog;
	int r, argc = 0;
	long port;
	char *end;

	if (!scalar(n))
		return fail(x, n, "commands.connect must be a string");
	r = board_argv_split(scalar(n), &argv, err, sizeof(err));
	if (r < 0)
		return fail(x, n, "connect: %s", err);
	while (argv[argc])
		argc++;
	prog = base_name(argv[0]);
	if ((strcmp(prog, "telnet") && strcmp(prog, "nc") && strcmp(prog, "netcat")) || argc != 3) {
		snprintf(err, sizeof(err), "connect command '%s'", scalar(n));
		board_argv_free(argv);
		unsupported(x, err, "only 'telnet HOST PORT' and 'nc HOST PORT' are");
		return 0;
	}
	port = strtol(argv[2], &end, 10);
	if (*end || port < 1 || port > 65535) {
		board_argv_free(argv);
		return fail(x, n, "connect: bad port in '%s'", scalar(n));
	}
	c->kind = strcmp(prog, "telnet") ? CONSOLE_RAW : CONSOLE_TELNET;
	set_str(&c->host, argv[1]);
	c->port = (int)port;
	board_argv_free(argv);
	return 0;
}

static int load_lava(struct ctx *x, yaml_node_t *root)
{
	static const struct {
		const char *key;
		enum board_power_action a;
	} power_keys[] = {{"power_on", BOARD_ON}, {"power_off", BOARD_OFF}, {"hard_reset", BOARD_RESET}};
	yaml_node_t *cmds = member(x, root, "commands"), *n;
	const char *s;
	int r;

	if (!cmds || cmds->type != YAML_MAPPING_NODE)
		return fail(x, cmds, "commands must be a mapping");
	for (yaml_node_pair_t *p = cmds->data.mapping.pairs.start; p < cmds->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(x, p->key));
		size_t i;

		if (!k)
			continue;
		for (i = 0; i < 3; i++)
			if (!strcmp(k, power_keys[i].key))
				break;
		if (i < 3) {
			if ((r = add_command(x, node(x, p->value), power_keys[i].a, false)))
				return r;
		} else if (!strcmp(k, "connect")) {
			if ((r = lava_connect(x, node(x, p->value))))
				return r;
		} else if (!strcmp(k, "connections")) {
			/* several UARTs: the first one with a connect command is the console */
			yaml_node_t *c = node(x, p->value);

			if (x->d->console.kind == CONSOLE_NONE && c && c->type == YAML_MAPPING_NODE &&
			    c->data.mapping.pairs.top > c->data.mapping.pairs.start) {
				yaml_node_t *first = node(x, c->data.mapping.pairs.start->value);

				if ((n = member(x, first, "connect")) && (r = lava_connect(x, n)))
					return r;
			}
		} else {
			ignore(x, "commands.%s", k);
		}
	}
	power_kind_from_steps(&x->d->power);
	if ((s = member_str(x, root, "fastboot_serial_number")) && *s && strcmp(s, "0000000000")) {
		x->d->flash.kind = FLASH_FASTBOOT_USB;
		set_str(&x->d->flash.serial, s);
	}
	return 0;
}

/* ---- oopsfarm's own YAML (doc/boards.md) ---- */

static int check_keys(struct ctx *x, yaml_node_t *map, const char *what, const char *const *allowed)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(x, map, "%s must be a mapping", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(x, p->key));
		const char *const *a;

		for (a = allowed; *a && k; a++)
			if (!strcmp(k, *a))
				break;
		if (!k || !*a)
			return fail(x, node(x, p->key), "%s: unknown key '%s'", what, k ? k : "?");
	}
	return 0;
}

static int own_console(struct ctx *x, yaml_node_t *c)
{
	static const char *const keys[] = {"tty", "usb", "tcp", "protocol", "speed", "kernel", NULL};
	struct board_console *con = &x->d->console;
	const char *s, *proto = member_str(x, c, "protocol");
	yaml_node_t *n;
	int r;

	if ((r = check_keys(x, c, "console", keys)))
		return r;
	if ((s = member_str(x, c, "tty"))) {
		con->kind = CONSOLE_TTY;
		set_str(&con->path, s);
	} else if ((n = member(x, c, "usb"))) {
		static const char *const ukeys[] = {"serial", "vid", "pid", "location", NULL};

		if ((r = check_keys(x, n, "console.usb", ukeys)))
			return r;
		con->kind = CONSOLE_TTY_USB;
		if ((s = member_str(x, n, "serial")))
			set_str(&con->match.serial, s);
		if ((s = member_str(x, n, "location")))
			set_str(&con->match.location, s);
		if ((s = member_str(x, n, "vid")))
			con->match.vid = strtoul(s, NULL, 16);
		if ((s = member_str(x, n, "pid")))
			con->match.pid = strtoul(s, NULL, 16);
	} else if ((s = member_str(x, c, "tcp"))) {
		if (host_port(s, 0, &con->host, &con->port) < 0)
			return fail(x, member(x, c, "tcp"), "console.tcp must be HOST:PORT, not '%s'", s);
		if (!proto || !strcmp(proto, "raw"))
			con->kind = CONSOLE_RAW;
		else if (!strcmp(proto, "telnet"))
			con->kind = CONSOLE_TELNET;
		else if (!strcmp(proto, "rfc2217"))
			con->kind = CONSOLE_RFC2217;
		else
			return fail(x, member(x, c, "protocol"),
				    "console.protocol must be raw, telnet or rfc2217");
	} else {
		return fail(x, c, "console needs tty, usb or tcp");
	}
	if (proto && con->kind != CONSOLE_RAW && con->kind != CONSOLE_TELNET && con->kind != CONSOLE_RFC2217)
		return fail(x, member(x, c, "protocol"), "console.protocol is for tcp consoles");
	if (con->kind == CONSOLE_TTY || con->kind == CONSOLE_TTY_USB)
		con->speed = 115200;
	if ((s = member_str(x, c, "kernel"))) {
		/* one word of a kernel command line: no blanks, no quotes */
		if (!*s || strlen(s) > BOARD_KERNEL_CONSOLE_MAX || strpbrk(s, " \t\n\"'=\\"))
			return fail(
			    x, member(x, c, "kernel"),
			    "console.kernel must be the kernel's name for the UART (ttySAC0,115200n8):"
			    " one word of at most %d characters",
			    BOARD_KERNEL_CONSOLE_MAX);
		set_str(&con->kernel, s);
	}
	if ((n = member(x, c, "speed")))
		return to_int(x, n, "console.speed", 50, 4000000, &con->speed);
	return 0;
}

static int own_power(struct ctx *x, yaml_node_t *p)
{
	static const char *const keys[] = {"command", "pdudaemon", "gpio", "manual", "delay", NULL};
	struct board_power *pw = &x->d->power;
	yaml_node_t *n;
	const char *s;
	int r, methods = 0;

	if ((r = check_keys(x, p, "power", keys)))
		return r;
	for (const char *const *k = keys; k < keys + 4; k++)
		methods += member(x, p, *k) != NULL;
	if (methods != 1)
		return fail(x, p, "power needs exactly one of command, pdudaemon, gpio, manual");
	if ((n = member(x, p, "delay")))
		pw->delay = strtod(scalar(n) ? scalar(n) : "x", NULL);
	if ((n = member(x, p, "command"))) {
		static const char *const ckeys[] = {"on", "off", "reset", NULL};

		if ((r = check_keys(x, n, "power.command", ckeys)))
			return r;
		for (int a = 0; a < BOARD_NACTIONS; a++) {
			yaml_node_t *c = member(x, n, ckeys[a]);

			if (c && (r = add_command(x, c, (enum board_power_action)a, true)))
				return r;
		}
		if (!pw->nsteps[BOARD_ON] || !pw->nsteps[BOARD_OFF])
			return fail(x, n, "power.command needs on and off");
		power_kind_from_steps(pw);
	} else if ((n = member(x, p, "pdudaemon"))) {
		static const char *const pkeys[] = {"daemon", "listener", "pdu", "port", NULL};
		const char *l = member_str(x, n, "listener");

		if ((r = check_keys(x, n, "power.pdudaemon", pkeys)))
			return r;
		if (l && strcmp(l, "tcp") && strcmp(l, "http"))
			return fail(x, n, "power.pdudaemon.listener must be tcp or http");
		return add_pdu(x, n, member_str(x, n, "daemon"), l && !strcmp(l, "http") ? PDU_HTTP : PDU_TCP,
			       member_str(x, n, "pdu"), member_str(x, n, "port"));
	} else if ((n = member(x, p, "gpio"))) {
		static const char *const gkeys[] = {"chip", "line", "active_low", NULL};
		yaml_node_t *line = member(x, n, "line");

		if ((r = check_keys(x, n, "power.gpio", gkeys)))
			return r;
		if (!(s = member_str(x, n, "chip")) || !scalar(line))
			return fail(x, n, "power.gpio needs chip and line");
		pw->kind = POWER_GPIO;
		set_str(&pw->chip, s);
		if (isdigit((unsigned char)scalar(line)[0])) {
			if ((r = to_int(x, line, "power.gpio.line", 0, 65535, &pw->line)))
				return r;
		} else {
			set_str(&pw->line_name, scalar(line));
		}
		if ((line = member(x, n, "active_low")))
			return to_bool(x, line, "power.gpio.active_low", &pw->active_low);
	} else {
		pw->kind = POWER_MANUAL;
		s = member_str(x, p, "manual");
		set_str(&pw->manual_name, s && *s ? s : x->d->name);
	}
	return 0;
}

/* a 32-bit number from YAML: decimal or 0x hex */
static int to_u32(struct ctx *x, yaml_node_t *n, const char *what, unsigned *ret)
{
	const char *s = scalar(n);
	char *end;
	unsigned long long v;

	errno = 0;
	v = s ? strtoull(s, &end, 0) : 0;
	if (!s || errno || end == s || *end || v > 0xffffffffull)
		return fail(x, n, "%s must be a 32-bit number, not '%s'", what, s ? s : "");
	*ret = (unsigned)v;
	return 0;
}

static int own_flash(struct ctx *x, yaml_node_t *f)
{
	static const char *const keys[] = {"fastboot", "product", "serialno", "method", "select",
					   "recipe",   "image",	  "wait",     NULL};
	static const char *const fkeys[] = {"serial", "udp", "tcp", NULL};
	static const char *const ikeys[] = {"header_version", "page_size", "base", "kernel_offset", NULL};
	struct board_flash *fl = &x->d->flash;
	yaml_node_t *n, *img;
	const char *s;
	int r, found = 0;

	if ((r = check_keys(x, f, "flash", keys)) ||
	    (r = check_keys(x, (n = member(x, f, "fastboot")), "flash.fastboot", fkeys)))
		return r;
	if ((s = member_str(x, n, "serial"))) {
		fl->kind = FLASH_FASTBOOT_USB;
		set_str(&fl->serial, s);
		found = 1;
	}
	for (int i = 1; i < 3 && !found; i++)
		if ((s = member_str(x, n, fkeys[i]))) {
			if (host_port(s, 5554, &fl->host, &fl->port) < 0)
				return fail(x, n, "flash.fastboot.%s must be HOST[:PORT]", fkeys[i]);
			fl->kind = FLASH_FASTBOOT_NET;
			set_str(&fl->protocol, fkeys[i]);
			found = 1;
		}
	if (!found)
		return fail(x, n, "flash.fastboot needs serial, udp or tcp");
	if ((s = member_str(x, f, "product")))
		set_str(&fl->product, s);
	if ((s = member_str(x, f, "serialno")))
		set_str(&fl->serialno, s);
	if ((s = member_str(x, f, "recipe")))
		set_str(&fl->recipe, s);
	if ((s = member_str(x, f, "method"))) {
		if (!strcmp(s, "ram"))
			fl->method = FLASH_RAM;
		else if (strcmp(s, "slots"))
			return fail(x, member(x, f, "method"), "flash.method must be slots or ram, not '%s'",
				    s);
	}
	if ((s = member_str(x, f, "select"))) {
		if (!strcmp(s, "misc"))
			fl->select = FLASH_SELECT_MISC;
		else if (strcmp(s, "set-active"))
			return fail(x, member(x, f, "select"),
				    "flash.select must be set-active or misc, not '%s'", s);
	}
	fl->wait_s = 60;
	if ((n = member(x, f, "wait"))) {
		int w;

		if ((r = to_int(x, n, "flash.wait", 1, 3600, &w)))
			return r;
		fl->wait_s = w;
	}
	fl->header_version = 2;
	if ((img = member(x, f, "image"))) {
		unsigned *const dst[] = {&fl->header_version, &fl->page_size, &fl->base, &fl->kernel_offset};

		if ((r = check_keys(x, img, "flash.image", ikeys)))
			return r;
		for (int i = 0; ikeys[i]; i++) {
			char what[64];

			snprintf(what, sizeof(what), "flash.image.%s", ikeys[i]);
			if ((n = member(x, img, ikeys[i])) && (r = to_u32(x, n, what, dst[i])))
				return r;
		}
		if (fl->header_version > 4)
			return fail(x, member(x, img, "header_version"),
				    "flash.image.header_version must be 0 to 4");
	}
	return 0;
}

static int load_own(struct ctx *x, yaml_node_t *root)
{
	static const char *const keys[] = {"kind", "name", "console", "power", "flash", NULL};
	const char *name = member_str(x, root, "name");
	yaml_node_t *n;
	int r;

	if ((r = check_keys(x, root, "the board", keys)))
		return r;
	if (strcmp(member_str(x, root, "kind"), "desk"))
		return fail(x, member(x, root, "kind"), "kind '%s' is not known (desk is)",
			    member_str(x, root, "kind"));
	if (name)
		set_str(&x->d->name, name);
	if ((n = member(x, root, "console")) && (r = own_console(x, n)))
		return r;
	if ((n = member(x, root, "power")) && (r = own_power(x, n)))
		return r;
	if ((n = member(x, root, "flash")) && (r = own_flash(x, n)))
		return r;
	return 0;
}

/* ---- the file ---- */

static char *name_of(const char *path)
{
	const char *b = base_name(path), *dot = strchr(b, '.');

	return strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

void board_desc_free(struct board_desc *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->name);
	free(d->console.path);
	free(d->console.host);
	free(d->console.kernel);
	free(d->console.match.serial);
	free(d->console.match.location);
	for (int a = 0; a < BOARD_NACTIONS; a++)
		for (int i = 0; i < d->power.nsteps[a]; i++) {
			board_argv_free(d->power.steps[a][i].argv);
			pdu_free(d->power.steps[a][i].pdu);
		}
	free(d->power.chip);
	free(d->power.line_name);
	free(d->power.manual_name);
	free(d->flash.serial);
	free(d->flash.host);
	free(d->flash.protocol);
	free(d->flash.product);
	free(d->flash.serialno);
	free(d->flash.recipe);
	for (int i = 0; i < d->nignored; i++)
		free(d->ignored[i]);
	free(d);
}

int board_desc_load(const char *path, struct board_desc **ret, char *ret_err, size_t errsize)
{
	struct ctx x = {.path = path, .err = ret_err, .errsize = errsize};
	yaml_node_t *root;
	int r;

	if ((r = yaml_doc_load(path, &x.doc, ret_err, errsize)) < 0)
		return r;
	x.d = calloc(1, sizeof(*x.d));
	if (!x.d) {
		yaml_document_delete(&x.doc);
		return -ENOMEM;
	}
	set_str(&x.d->path, path);
	x.d->name = name_of(path);
	x.d->power.line = -1;
	x.d->power.sysfs_index = -1;
	x.d->power.delay = 2;
	root = yaml_document_get_root_node(&x.doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		r = fail(&x, root,
			 "not a board description (a mapping with targets:, commands: or kind: desk)");
	/* labgrid's and LAVA's own readers keep a repeated key's last value; ours refuse it */
	else if (member(&x, root, "targets")) {
		x.d->format = BOARD_FMT_LABGRID;
		r = yaml_doc_dup_keys(&x.doc, path, YAML_DUP_LAST_WINS, ret_err, errsize);
		r = r < 0 ? r : load_labgrid(&x, root);
	} else if (member(&x, root, "commands")) {
		x.d->format = BOARD_FMT_LAVA;
		r = yaml_doc_dup_keys(&x.doc, path, YAML_DUP_LAST_WINS, ret_err, errsize);
		r = r < 0 ? r : load_lava(&x, root);
	} else if (member_str(&x, root, "kind")) {
		x.d->format = BOARD_FMT_OWN;
		r = yaml_doc_dup_keys(&x.doc, path, YAML_DUP_ERROR, ret_err, errsize);
		r = r < 0 ? r : load_own(&x, root);
	} else
		r = fail(&x, root, "not a board description (no targets:, commands: or kind: desk)");
	if (!r && x.unsupported[0]) {
		snprintf(ret_err, errsize, "%s: unsupported: %s", path, x.unsupported);
		r = -EOPNOTSUPP;
	}
	yaml_document_delete(&x.doc);
	if (r < 0) {
		board_desc_free(x.d);
		return r;
	}
	*ret = x.d;
	return 0;
}

int board_gpio_sysfs_map(const char *class_dir, int index, char **ret_chip, int *ret_offset)
{
	DIR *dir = opendir(class_dir);
	struct dirent *e;
	int r = -ENOENT;

	if (!dir)
		return -errno;
	while (r == -ENOENT && (e = readdir(dir))) {
		char p[4096], label[256] = "";
		int base = -1, ngpio = -1;
		FILE *f;

		if (strncmp(e->d_name, "gpiochip", 8))
			continue;
		snprintf(p, sizeof(p), "%s/%s/base", class_dir, e->d_name);
		if ((f = fopen(p, "r"))) {
			if (fscanf(f, "%d", &base) != 1)
				base = -1;
			fclose(f);
		}
		snprintf(p, sizeof(p), "%s/%s/ngpio", class_dir, e->d_name);
		if ((f = fopen(p, "r"))) {
			if (fscanf(f, "%d", &ngpio) != 1)
				ngpio = -1;
			fclose(f);
		}
		snprintf(p, sizeof(p), "%s/%s/label", class_dir, e->d_name);
		if ((f = fopen(p, "r"))) {
			if (!fgets(label, sizeof(label), f))
				label[0] = '\0';
			label[strcspn(label, "\n")] = '\0';
			fclose(f);
		}
		if (base >= 0 && ngpio > 0 && index >= base && index < base + ngpio && label[0]) {
			*ret_chip = strdup(label);
			*ret_offset = index - base;
			r = 0;
		}
	}
	closedir(dir);
	return r;
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int board_desc_find(const char *board, char *ret_path, size_t size, char *err, size_t errsize)
{
	static const char *const exts[] = {".yaml", ".yml", ""};
	char dirs[4096], path[4096];
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *save, *dir;

	if (strchr(board, '/') || is_file(board)) {
		if (!is_file(board)) {
			snprintf(err, errsize, "no board description '%s'", board);
			return -ENOENT;
		}
		snprintf(ret_path, size, "%s", board);
		return 0;
	}
	snprintf(dirs, sizeof(dirs), "%s%s", getenv("OOPSFARM_BOARDS") ? getenv("OOPSFARM_BOARDS") : "",
		 getenv("OOPSFARM_BOARDS") ? ":" : "");
	if (xdg && *xdg)
		snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs), "%s/oopsfarm/boards:", xdg);
	else if (home)
		snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs),
			 "%s/.config/oopsfarm/boards:", home);
	snprintf(dirs + strlen(dirs), sizeof(dirs) - strlen(dirs), "/etc/oopsfarm/boards:devices/boards");
	snprintf(err, errsize, "no board '%s' in", board);
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		size_t el = strlen(err);

		snprintf(err + el, errsize - el, "%s %s", el > strlen(board) + 14 ? "," : "", dir);
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, board, exts[i]);
			if (is_file(path)) {
				snprintf(ret_path, size, "%s", path);
				return 0;
			}
		}
	}
	snprintf(err + strlen(err), errsize - strlen(err), " (nor a file of that name)");
	return -ENOENT;
}

void board_console_describe(const struct board_console *c, char *buf, size_t size)
{
	const struct board_usb_match *m = &c->match;

	switch (c->kind) {
	case CONSOLE_TTY:
		snprintf(buf, size, "tty %s at %d baud", c->path, c->speed);
		break;
	case CONSOLE_TTY_USB:
		snprintf(buf, size, "tty of the USB-serial adapter%s%s%s%s at %d baud",
			 m->serial ? " serial " : "", m->serial ? m->serial : "",
			 m->location ? " at USB port " : "", m->location ? m->location : "", c->speed);
		if (m->vid || m->pid)
			snprintf(buf + strlen(buf), size - strlen(buf), " (VID:PID %04x:%04x)", m->vid,
				 m->pid);
		break;
	case CONSOLE_RAW:
	case CONSOLE_TELNET:
	case CONSOLE_RFC2217:
		snprintf(buf, size, "%s %s:%d", board_console_kind_name(c->kind), c->host, c->port);
		if (c->speed)
			snprintf(buf + strlen(buf), size - strlen(buf), " at %d baud", c->speed);
		break;
	default:
		snprintf(buf, size, "none");
	}
	if (c->kernel)
		snprintf(buf + strlen(buf), size - strlen(buf), ", console=%s in the kernel", c->kernel);
}

void board_step_describe(const struct board_step *s, char *buf, size_t size)
{
	const struct board_pdu *p = s->pdu;

	if (p)
		snprintf(buf, size, "pdudaemon %s %s:%d: %s port %s %s",
			 p->listener == PDU_HTTP ? "http" : "tcp", p->daemon, p->daemon_port, p->pdu, p->port,
			 p->command);
	else
		board_argv_format(s->argv, buf, size);
}

void board_gpio_describe(const struct board_power *pw, char *buf, size_t size)
{
	const char *low = pw->active_low ? " active-low" : "";

	if (!pw->chip)
		snprintf(buf, size, "sysfs GPIO %d%s", pw->sysfs_index, low);
	else if (pw->line_name)
		snprintf(buf, size, "chip %s line %s%s", pw->chip, pw->line_name, low);
	else
		snprintf(buf, size, "chip %s line %d%s", pw->chip, pw->line, low);
}

void board_flash_describe(const struct board_flash *f, char *buf, size_t size)
{
	if (f->kind == FLASH_FASTBOOT_USB)
		snprintf(buf, size, "fastboot usb %s", f->serial ? f->serial : "(any)");
	else if (f->kind == FLASH_FASTBOOT_NET)
		snprintf(buf, size, "fastboot %s:%s:%d", f->protocol, f->host, f->port);
	else {
		snprintf(buf, size, "none");
		return;
	}
	if (!f->product) {
		snprintf(buf + strlen(buf), size - strlen(buf), ", no product: not flashed");
		return;
	}
	snprintf(buf + strlen(buf), size - strlen(buf), ", product %s, %s", f->product,
		 f->method == FLASH_RAM ? "RAM boot" : "A/B slots");
	if (f->method == FLASH_SLOTS)
		snprintf(buf + strlen(buf), size - strlen(buf), " by %s", board_flash_select_name(f->select));
	snprintf(buf + strlen(buf), size - strlen(buf), ", boot.img v%u", f->header_version);
	if (f->recipe)
		snprintf(buf + strlen(buf), size - strlen(buf), ", kernels from %s", f->recipe);
}

const char *board_flash_method_name(enum board_flash_method m)
{
	return m == FLASH_RAM ? "ram" : "slots";
}

const char *board_flash_select_name(enum board_flash_select s)
{
	return s == FLASH_SELECT_MISC ? "misc" : "set-active";
}

const char *board_format_name(enum board_format f)
{
	static const char *const n[] = {"oopsfarm", "labgrid", "lava"};

	return n[f];
}

const char *board_console_kind_name(enum board_console_kind k)
{
	static const char *const n[] = {"none", "tty", "tty-usb", "raw", "telnet", "rfc2217"};

	return n[k];
}

const char *board_power_kind_name(enum board_power_kind k)
{
	static const char *const n[] = {"none", "command", "pdudaemon", "gpio", "manual"};

	return n[k];
}

const char *board_power_action_name(enum board_power_action a)
{
	static const char *const n[] = {"on", "off", "reset"};

	return n[a];
}
