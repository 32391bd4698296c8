// SPDX-License-Identifier: MIT
/*
 * test-text-escape: the one rule for console text shown to people
 * (util/utf8.h, utf8_people()), as a table: each input, and what a
 * terminal, an HTML or JUnit page (xml_escape) and JSON (json_escape) get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/out.h"
#include "util/utf8.h"
#include "tap.h"

/* clang-format off */
static const struct {
	const char *name, *in, *text, *xml, *json;
} cases[] = {
	{"plain ASCII", "BUG: KASAN: use-after-free in foo",
	 "BUG: KASAN: use-after-free in foo", "BUG: KASAN: use-after-free in foo",
	 "\"BUG: KASAN: use-after-free in foo\""},
	{"valid UTF-8 passes", "caf\xc3\xa9 \xe2\x86\x92 ok", "caf\xc3\xa9 \xe2\x86\x92 ok",
	 "caf\xc3\xa9 \xe2\x86\x92 ok", "\"caf\xc3\xa9 \xe2\x86\x92 ok\""},
	{"CSI colour", "a\x1b[31mred", "a\\x1b[31mred", "a\\x1b[31mred", "\"a\\u001b[31mred\""},
	{"OSC title set", "\x1b]0;pwned\x07x", "\\x1b]0;pwned\\x07x", "\\x1b]0;pwned\\x07x",
	 "\"\\u001b]0;pwned\\u0007x\""},
	{"CR would overwrite the line", "ok\rBAD", "ok\\x0dBAD", "ok\rBAD", "\"ok\\rBAD\""},
	{"DEL", "a\x7f" "b", "a\\x7fb", "a\\x7fb", "\"a\\u007fb\""},
	{"TAB and LF stay", "a\tb\nc", "a\tb\nc", "a\tb\nc", "\"a\\tb\\nc\""},
	{"RLO U+202E", "abc\xe2\x80\xae" "fed", "abc<U+202E>fed", "abc&lt;U+202E&gt;fed",
	 "\"abc\\u202efed\""},
	{"RLI U+2067", "x\xe2\x81\xa7y", "x<U+2067>y", "x&lt;U+2067&gt;y", "\"x\\u2067y\""},
	{"RLM U+200F", "x\xe2\x80\x8fy", "x<U+200F>y", "x&lt;U+200F&gt;y", "\"x\\u200fy\""},
	{"ALM U+061C", "x\xd8\x9cy", "x<U+061C>y", "x&lt;U+061C&gt;y", "\"x\\u061cy\""},
	{"C1 CSI U+009B", "x\xc2\x9b" "31m", "x<U+009B>31m", "x&lt;U+009B&gt;31m",
	 "\"x\\u009b31m\""},
	{"a lone 0x9b byte is not UTF-8", "x\x9b" "31m", "x\xef\xbf\xbd" "31m",
	 "x\xef\xbf\xbd" "31m", "\"x\xef\xbf\xbd" "31m\""},
	{"cut sequence", "x\xe2\x80", "x\xef\xbf\xbd\xef\xbf\xbd", "x\xef\xbf\xbd\xef\xbf\xbd",
	 "\"x\xef\xbf\xbd\xef\xbf\xbd\""},
	{"markup", "<a href='x'>&", "<a href='x'>&", "&lt;a href=&#39;x&#39;&gt;&amp;",
	 "\"<a href='x'>&\""},
	{"U+FFFF is not XML", "x\xef\xbf\xbfy", "x\xef\xbf\xbfy", "x\xef\xbf\xbdy",
	 "\"x\xef\xbf\xbfy\""},
	{"LRE U+202A and PDI U+2069", "\xe2\x80\xaa" "a\xe2\x81\xa9", "<U+202A>a<U+2069>",
	 "&lt;U+202A&gt;a&lt;U+2069&gt;", "\"\\u202aa\\u2069\""},
};
/* clang-format on */

typedef void (*escape_fn)(FILE *f, const char *s);

static void xml_text(FILE *f, const char *s)
{
	xml_escape(f, s, false);
}

static char *render(escape_fn fn, const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, in);
	fclose(f);
	return buf;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = render(text_escape, cases[i].in), *x = render(xml_text, cases[i].in),
		     *j = render(json_escape, cases[i].in);

		ok_str(t, cases[i].text, "terminal: %s", cases[i].name);
		ok_str(x, cases[i].xml, "HTML/JUnit: %s", cases[i].name);
		ok_str(j, cases[i].json, "JSON: %s", cases[i].name);
		free(t), free(x), free(j);
	}

	/* out_text and out_str in text mode go through the same rule */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct out o;

		out_init(&o, f, false);
		out_str(&o, "title", "%s|", "t\x1b[2J\xe2\x80\xae");
		out_text(&o, "%s\n", "\x1b]8;;http://x\x07");
		fclose(f);
		ok_str(buf, "t\\x1b[2J<U+202E>|\\x1b]8;;http://x\\x07\n", "out_* text mode escapes");
		free(buf);
	}
	/* every attribute keeps TAB/LF/CR as character references */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		xml_escape(f, "a\tb\r\n\x1b", true);
		fclose(f);
		ok_str(buf, "a&#9;b&#13;&#10;\\x1b", "XML attribute");
		free(buf);
	}
	return tap_done();
}
