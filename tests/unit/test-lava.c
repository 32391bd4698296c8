// SPDX-License-Identifier: MIT
/*
 * test-lava: the LAVA job log reader (tools/lava/log.c), the job renderer
 * (tools/lava/render.c) and the splitter that turns a job log into one
 * stored boot per (boot, test) pair (lava_ingest_job(), tools/lava/collect.c),
 * on inline logs, the real templates in jobs/ and the real job logs of
 * tests/fixtures/lava/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "lava/api.h"
#include "lava/collect.h"
#include "lava/lava.h"
#include "lava/log.h"
#include "store/store.h"
#include "tap.h"
#include "util/msg.h"

struct seen {
	int n, target, results;
	char last_msg[256], result[32];
};

static int on_entry(const struct lava_log_entry *e, void *userdata)
{
	struct seen *s = userdata;

	s->n++;
	if (!strcmp(e->lvl, "target"))
		s->target++;
	if (e->msg)
		snprintf(s->last_msg, sizeof(s->last_msg), "%s", e->msg);
	if (!strcmp(e->lvl, "results")) {
		s->results++;
		snprintf(s->result, sizeof(s->result), "%s", e->res_result);
	}
	return 0;
}

/* The fixture's log, decompressed; NULL when zstd is missing. */
static char *fixture(const char *name, size_t *len)
{
	char cmd[256], path[] = "/tmp/test-lava-XXXXXX";
	int fd = mkstemp(path);
	char *buf;

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "zstdcat tests/fixtures/lava/%s.yaml.zst > %s 2>/dev/null", name, path);
	buf = system(cmd) == 0 ? tap_slurp(path, len) : NULL;
	unlink(path);
	return buf;
}

static void test_log(void)
{
	static const char log[] =
	    "- {\"dt\": \"2026-11-25T06:38:07.93\", \"lvl\": \"info\", \"msg\": \"start: 0 validate\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:08.01\", \"lvl\": \"target\", \"msg\": \"Linux version 7.2\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:08.02\", \"lvl\": \"target\", \"msg\": ! \"null\"}\n"
	    "- {\"dt\": \"2026-11-25T06:38:09.00\", \"lvl\": \"results\", \"msg\": {\"case\": \"job\", "
	    "\"definition\": \"lava\", \"result\": \"pass\"}}\n";
	struct seen s = {0};
	char err[256] = "";
	long n;

	n = lava_log_parse(log, sizeof(log) - 1, on_entry, &s, err, sizeof(err));
	ok(n == 4 && s.n == 4, "four entries, one per line (%ld: %s)", n, err);
	ok_int(s.target, 2, "two console lines");
	ok_str(s.last_msg, "null", "a PyYAML-tagged scalar is read as its value");
	ok(s.results == 1 && !strcmp(s.result, "pass"), "a results mapping gives its fields");

	memset(&s, 0, sizeof(s));
	n = lava_log_parse("- {\"dt\": \"x\", \"lvl\": \"info\", \"msg\": \"a\"}\n- {\"dt\": [\n", 44,
			   on_entry, &s, err, sizeof(err));
	ok(n == -EBADMSG && strstr(err, "line"), "a broken log is -EBADMSG naming the line (%s)", err);
}

static void test_render(void)
{
	struct lava_param p[] = {{"variant", "shipped"}, {"setup", "smp2"}, {"batch", "3"}};
	char err[512] = "", *yaml = NULL;
	int r;

	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 2, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == 0 && yaml, "the QEMU template renders with 2 boots (%s)", err);
	if (yaml) {
		char kinds[16];
		int nk = lava_definition_actions(yaml, strlen(yaml), kinds, 16);
		int boots = 0;

		for (int i = 0; i < nk; i++)
			boots += kinds[i] == 'b';
		ok(nk > 2 && boots == 2, "the rendered job has two boot actions (%d actions)", nk);
		ok(!strstr(yaml, "x-oopsfarm"), "the template's own keys are gone");
		ok(strstr(yaml, "shipped") != NULL, "a parameter reaches the job");
		free(yaml);
	}
	yaml = NULL;
	p[2].value = "three";
	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 1, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == -EINVAL && !yaml && strstr(err, "batch"),
	   "an int parameter that is not a number: -EINVAL naming it (%s)", err);
	p[2] = (struct lava_param){"no_such_key", "1"};
	r = lava_render_flags("jobs/qemu-smmuv3.yaml", p, 3, 1, LAVA_RENDER_EXAMPLE, &yaml, err, sizeof(err));
	ok(r == -EINVAL && strstr(err, "no_such_key"), "an unknown parameter: -EINVAL naming it");
	r = lava_render("jobs/no-such-board.yaml", p, 0, 1, &yaml, err, sizeof(err));
	ok(r == -ENOENT, "a missing template: -ENOENT");
}

/* lava_ingest_job() on a real 2-boot job log: split, decided, stored once. */
static void test_split(void)
{
	char path[] = "/tmp/test-lava-store-XXXXXX", err[512] = "", *log, *def;
	struct lava_job_row job = {.job_id = 41, .boots = 2};
	struct lava_job_info info = {.health = "Complete", .device = "qemu-01"};
	struct lava_ingest in = {.campaign = "c", .server_id = "unit", .agent_expected = true};
	struct store *s = NULL;
	size_t len = 0, dlen = 0;
	sqlite3_stmt *st;
	int fd = mkstemp(path), n;

	log = fixture("warning", &len);
	def = tap_slurp("tests/fixtures/lava/warning.def.yaml", &dlen);
	if (fd < 0 || !log || !def) {
		skip("zstd or the fixture is missing", "the splitter on a real job log");
		goto out;
	}
	close(fd);
	unlink(path);
	if (store_open(path, &s) < 0 ||
	    store_campaign(s, "c", "WARNING in lkdtm_WARNING", NULL, &in.campaign_id) < 0 ||
	    store_variant(s, in.campaign_id, "shipped", NULL, NULL, NULL, NULL, &job.variant_id) < 0 ||
	    store_setup(s, in.campaign_id, "smp2", 2, 1024, NULL, NULL, &job.setup_id) < 0) {
		ok(0, "a store for the splitter");
		goto out;
	}
	in.s = s;
	in.target = "WARNING in lkdtm_WARNING";
	snprintf(job.variant, sizeof(job.variant), "shipped");
	snprintf(job.setup, sizeof(job.setup), "smp2");
	info.definition = def;
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == 2 && in.stored == 2, "the job splits into its 2 boots, both stored (%d: %s)", n, err);
	ok(in.by_verdict[VERDICT_CRASH] == 2, "both crash: lkdtm's WARNING in each console");
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == 2 && in.stored == 2 && in.again == 2, "ingesting it again stores nothing new");
	if (sqlite3_prepare_v2(store_db(s), "SELECT group_concat(boot_uid, ' ') FROM boots", -1, &st, NULL) ==
		SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok_str((const char *)sqlite3_column_text(st, 0),
		       "c/shipped/smp2/lava-unit-41-1 c/shipped/smp2/lava-unit-41-2",
		       "boot ids name the server, the job and the pair");
	sqlite3_finalize(st);
	/* cut at a line end, halfway */
	len /= 2;
	while (len > 0 && log[len - 1] != '\n')
		len--;
	n = lava_ingest_job(&in, &job, &info, log, len, err, sizeof(err));
	ok(n == -EBADMSG && strstr(err, "truncated"), "a log cut before LAVA's job result is refused (%s)",
	   err);
out:
	store_close(s);
	unlink(path);
	free(log);
	free(def);
}

/*
 * A server on a real socket that answers any request with a JSON body of
 * `size` bytes (or never stops, size 0), for libcurl's side of the body cap.
 * Returns its port; the child is killed by the caller.
 */
static int big_server(size_t size, pid_t *ret_pid)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &sl) < 0)
		return -1;
	*ret_pid = fork();
	if (*ret_pid == 0) {
		static char chunk[65536];
		int c;

		memset(chunk, ' ', sizeof(chunk));
		signal(SIGPIPE, SIG_IGN);
		while ((c = accept(s, NULL, NULL)) >= 0) {
			char req[4096], hdr[256];
			size_t sent = 0;

			if (read(c, req, sizeof(req)) <= 0) {
				close(c);
				continue;
			}
			snprintf(hdr, sizeof(hdr),
				 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s\r\n",
				 size ? "" : "Connection: close\r\n");
			if (write(c, hdr, strlen(hdr)) < 0)
				_exit(1);
			while (!size || sent < size) {
				size_t n = size && size - sent < sizeof(chunk) ? size - sent : sizeof(chunk);

				if (write(c, chunk, n) != (ssize_t)n)
					break;
				sent += n;
			}
			close(c);
		}
		_exit(0);
	}
	close(s);
	return ntohs(sa.sin_port);
}

static void test_body_cap(void)
{
	struct lava_api_opts o = {.retries = 0, .max_body = 1 << 20, .timeout_ms = 20000};
	char url[64], err[ERR_MAX];
	struct lava_api *a;
	char *body = NULL;
	size_t len = 0;
	pid_t pid;
	int port, r;

	port = big_server(0, &pid);
	if (!ok(port > 0, "body cap: a server that never stops sending")) {
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	ok(lava_api_new(url, NULL, &o, &a) == 0, "body cap: a client with a 1 MiB cap");
	r = lava_api_get(a, "jobs/1/logs/", &body, &len, err, sizeof(err));
	ok_int(r, -EFBIG, "body cap: an endless answer fails with -EFBIG");
	ok(strstr(err, "sent more than 1048576 bytes for jobs/1/logs/") != NULL, "body cap: says so (%s)",
	   err);
	ok(body == NULL, "body cap: no body handed over");
	lava_api_free(a);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	port = big_server(1000 * 1000, &pid);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	lava_api_new(url, NULL, &o, &a);
	r = lava_api_get(a, "jobs/1/logs/", &body, &len, err, sizeof(err));
	ok(r == 0 && len == 1000 * 1000, "body cap: an answer under the cap arrives whole (%d, %zu bytes)", r,
	   len);
	free(body);
	lava_api_free(a);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* lava_token_read() on a file with the given mode: status, and what it said on stderr */
static int token_with_mode(mode_t mode, char *said, size_t size)
{
	char path[] = "/tmp/test-lava-token-XXXXXX", out[] = "/tmp/test-lava-err-XXXXXX", err[ERR_MAX];
	int fd = mkstemp(path), efd = mkstemp(out), saved = dup(2), r;
	char *tok = NULL;
	ssize_t n;

	if (fd < 0 || efd < 0 || write(fd, "  s3cret \n", 10) != 10 || fchmod(fd, mode) < 0)
		return -1000;
	close(fd);
	fflush(stderr);
	dup2(efd, 2);
	r = lava_token_read(path, &tok, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(efd, said, size - 1, 0);
	said[n > 0 ? n : 0] = '\0';
	close(efd);
	unlink(path);
	unlink(out);
	if (r == 0 && strcmp(tok, "s3cret"))
		r = -1001;
	free(tok);
	return r;
}

static void test_token_mode(void)
{
	char said[1024];

	ok_int(token_with_mode(0600, said, sizeof(said)), 0, "token file 0600: read");
	ok_str(said, "", "token file 0600: nothing said");
	ok_int(token_with_mode(0644, said, sizeof(said)), 0, "token file 0644: still read");
	ok(strstr(said, "can be read by others (mode 0644): chmod 600 it") != NULL,
	   "token file 0644: a warning with the mode");
	ok(!strstr(said, "s3cret"), "token file 0644: the warning never holds the token");
}

int main(void)
{
	test_log();
	test_render();
	test_split();
	test_body_cap();
	test_token_mode();
	return tap_done();
}
