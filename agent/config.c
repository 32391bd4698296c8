// SPDX-License-Identifier: MIT
/*
 * config.c - the agent's settings, see config.h.
 *
 * One table of keys, each with its parser and bounds, so that the parsing,
 * the problem reports and doc/protocol.md follow the same list.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void config_defaults(struct agent_config *c, bool service)
{
	memset(c, 0, sizeof(*c));
	c->load = true;
	c->mode = LOADER_ANDROID;
	c->threads = 0;
	c->barrier_timeout_ms = 5000;
	c->settle_ms = 3000;
	c->load_timeout_ms = 120000;
	/* A service must not take the board down unless asked to. */
	c->action = service ? ACTION_NONE : ACTION_POWEROFF;
	c->panic_on_oops = -1;
	c->panic_on_warn = -1;
	c->provoke_wait_ms = 1000;
}

static void problem(struct agent_config *c, const char *fmt, const char *key, const char *value,
		    const char *why)
{
	if (c->nproblems < CONFIG_PROBLEMS_MAX)
		snprintf(c->problems[c->nproblems++], sizeof(c->problems[0]), fmt, key, value, why);
}

static int parse_u64(const char *v, uint64_t min, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long x;

	if (!*v || *v == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*ret = x;
	return 0;
}

enum kind { K_U32, K_INT, K_U64, K_BOOL, K_TRI, K_STR, K_MODE, K_ACTION };

static const struct key {
	const char *name;
	enum kind kind;
	size_t off;
	uint64_t min, max;
	const char *help;
} keys[] = {
    {"mode", K_MODE, 0, 0, 0, "android, eager or off"},
    {"threads", K_INT, offsetof(struct agent_config, threads), 0, 256, "0..256 (0: one per CPU)"},
    {"seed", K_U64, offsetof(struct agent_config, seed), 0, UINT64_MAX, "a number"},
    {"shuffle", K_BOOL, offsetof(struct agent_config, shuffle), 0, 1, "0 or 1"},
    {"jitter_us", K_U32, offsetof(struct agent_config, jitter_us), 0, 10000000, "0..10000000"},
    {"barrier", K_STR, offsetof(struct agent_config, barrier), 0, sizeof(((struct agent_config *)0)->barrier),
     "module names"},
    {"barrier_timeout_ms", K_U32, offsetof(struct agent_config, barrier_timeout_ms), 1, 600000, "1..600000"},
    {"settle_ms", K_U32, offsetof(struct agent_config, settle_ms), 0, 3600000, "0..3600000"},
    {"load_timeout_ms", K_U32, offsetof(struct agent_config, load_timeout_ms), 100, 3600000, "100..3600000"},
    {"action", K_ACTION, 0, 0, 0, "poweroff, reboot, halt or none"},
    {"panic_on_oops", K_TRI, offsetof(struct agent_config, panic_on_oops), 0, 1, "0 or 1"},
    {"panic_on_warn", K_TRI, offsetof(struct agent_config, panic_on_warn), 0, 1, "0 or 1"},
    {"provoke", K_STR, offsetof(struct agent_config, provoke), 0, sizeof(((struct agent_config *)0)->provoke),
     "lkdtm types"},
    {"provoke_wait_ms", K_U32, offsetof(struct agent_config, provoke_wait_ms), 0, 600000, "0..600000"},
    {"moddir", K_STR, offsetof(struct agent_config, moddir), 0, sizeof(((struct agent_config *)0)->moddir),
     "a directory"},
    {"modules_load", K_STR, offsetof(struct agent_config, modules_load), 0,
     sizeof(((struct agent_config *)0)->modules_load), "a file"},
    {"console", K_STR, offsetof(struct agent_config, console), 0, sizeof(((struct agent_config *)0)->console),
     "a device"},
};

int config_set(struct agent_config *c, const char *key, const char *value)
{
	const struct key *k = NULL;
	char *base = (char *)c;
	uint64_t v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].name, key))
			k = &keys[i];
	if (!k) {
		problem(c, "unknown key '%s' (value '%s')%s, ignoring", key, value, "");
		return -ENOENT;
	}
	switch (k->kind) {
	case K_MODE:
		if (!strcmp(value, "android") || !strcmp(value, "eager")) {
			c->load = true;
			c->mode = !strcmp(value, "eager") ? LOADER_EAGER : LOADER_ANDROID;
			return 0;
		}
		if (!strcmp(value, "off")) {
			c->load = false;
			return 0;
		}
		break;
	case K_ACTION: {
		static const char *const names[] = {"poweroff", "reboot", "halt", "none"};

		for (int i = 0; i < 4; i++)
			if (!strcmp(value, names[i])) {
				c->action = (enum end_action)i;
				return 0;
			}
		break;
	}
	case K_STR:
		if (strlen(value) < k->max) {
			snprintf(base + k->off, (size_t)k->max, "%s", value);
			return 0;
		}
		break;
	case K_BOOL:
		if (parse_u64(value, 0, 1, &v) == 0) {
			*(bool *)(base + k->off) = v;
			return 0;
		}
		break;
	case K_TRI:
	case K_INT:
		if (parse_u64(value, k->min, k->max, &v) == 0) {
			*(int *)(base + k->off) = (int)v;
			return 0;
		}
		break;
	case K_U32:
		if (parse_u64(value, k->min, k->max, &v) == 0) {
			*(uint32_t *)(base + k->off) = (uint32_t)v;
			return 0;
		}
		break;
	case K_U64:
		if (parse_u64(value, k->min, k->max, &v) == 0) {
			*(uint64_t *)(base + k->off) = v;
			return 0;
		}
		break;
	}
	problem(c, "bad value for '%s': '%s' (want %s), ignoring", key, value, k->help);
	return -EINVAL;
}

static void set_word(struct agent_config *c, char *word)
{
	char *eq = strchr(word, '=');

	if (!eq) {
		problem(c, "'%s%s' has no value%s, ignoring", word, "", "");
		return;
	}
	*eq = '\0';
	config_set(c, word, eq + 1);
}

void config_parse_cmdline(struct agent_config *c, const char *cmdline)
{
	char *buf = strdup(cmdline ? cmdline : ""), *save, *w;

	if (!buf)
		return;
	/* Quoted values are not needed by any key: plain words suffice. */
	for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		if (!strncmp(w, "oopsfarm.", 9))
			set_word(c, w + 9);
	free(buf);
}

void config_parse_file(struct agent_config *c, const char *text)
{
	char *buf = strdup(text ? text : ""), *save, *line;

	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *e;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (!strncmp(p, "oopsfarm.", 9))
			p += 9;
		set_word(c, p);
	}
	free(buf);
}

const char *config_action_name(enum end_action a)
{
	static const char *const names[] = {"poweroff", "reboot", "halt", "none"};

	return (unsigned)a < 4 ? names[a] : "?";
}

const char *config_mode_name(const struct agent_config *c)
{
	if (!c->load)
		return "off";
	return c->mode == LOADER_EAGER ? "eager" : "android";
}
