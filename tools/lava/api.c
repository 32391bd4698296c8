// SPDX-License-Identifier: MIT
/* lava-api.c - see lava-api.h. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <curl/curl.h>

#include "util/clock.h"
#include "lava/api.h"
#include "util/text.h"

struct lava_api {
	CURL *curl;
	struct curl_slist *headers; /* holds the token: never printed */
	char url[512];		    /* http://host:port */
	char server_id[256];
	struct lava_api_opts o;
	unsigned long requests, retries;
};

struct buf {
	char *p;
	size_t len, cap;
	size_t max; /* the most the body may be */
	bool over;  /* it was longer */
};

static size_t on_data(char *data, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;

	/* 0 makes curl fail the transfer: CURLE_WRITE_ERROR */
	if (size * n > b->max - b->len) {
		b->over = true;
		return 0;
	}
	return text_append(&b->p, &b->len, &b->cap, data, size * n) < 0 ? 0 : size * n;
}

int lava_token_read(const char *token_file, char **ret_token, char *err, size_t errsize)
{
	char buf[4096];
	const char *src;
	size_t n;
	char *s, *e;

	if (token_file) {
		FILE *f = fopen(token_file, "r");

		if (!f) {
			int r = -errno;

			snprintf(err, errsize, "cannot read the token file '%s': %s", token_file,
				 strerror(errno));
			return r;
		}
		struct stat st;

		/* as ssh says of a private key, but a warning: the token still works */
		if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
			fprintf(
			    stderr,
			    "oopsfarm lava: warning: the token file '%s' can be read by others (mode %04o): "
			    "chmod 600 it\n",
			    token_file, (unsigned)(st.st_mode & 07777));
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		src = token_file;
	} else {
		const char *env = getenv("OOPSFARM_LAVA_TOKEN");

		if (!env) {
			snprintf(err, errsize,
				 "no LAVA token: give --token-file FILE or set $OOPSFARM_LAVA_TOKEN");
			return -ENOENT;
		}
		snprintf(buf, sizeof(buf), "%s", env);
		src = "$OOPSFARM_LAVA_TOKEN";
	}
	for (s = buf; isspace((unsigned char)*s); s++)
		;
	e = s + strcspn(s, "\r\n");
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	if (!*s || strpbrk(s, " \t")) {
		snprintf(err, errsize, "the LAVA token in %s is empty or not one word", src);
		return -EINVAL;
	}
	*ret_token = strdup(s);
	memset(buf, 0, sizeof(buf));
	return *ret_token ? 0 : -ENOMEM;
}

/* Is the host of "host[:port][/...]" a loopback address? */
static bool loopback(const char *host)
{
	size_t n = strcspn(host, ":/");

	if (host[0] == '[')
		return !strncmp(host, "[::1]", 5);
	return (n == 9 && !strncasecmp(host, "localhost", 9)) || !strncmp(host, "127.", 4);
}

int lava_api_new(const char *url, const char *token, const struct lava_api_opts *opts, struct lava_api **ret)
{
	static int global_done;
	struct lava_api *a;
	size_t n;
	char hdr[4200];
	const char *host;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return -EINVAL;
	if (token && !strncmp(url, "http://", 7) && !(opts && opts->insecure) && !loopback(url + 7))
		return -EPERM;
	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = 1;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->o = (struct lava_api_opts){.connect_timeout_ms = 5000,
				      .timeout_ms = 60000,
				      .retries = 5,
				      .backoff_ms = 500,
				      .max_body = LAVA_API_MAX_BODY};
	if (opts) {
		if (opts->connect_timeout_ms > 0)
			a->o.connect_timeout_ms = opts->connect_timeout_ms;
		if (opts->timeout_ms > 0)
			a->o.timeout_ms = opts->timeout_ms;
		if (opts->retries >= 0)
			a->o.retries = opts->retries;
		if (opts->backoff_ms > 0)
			a->o.backoff_ms = opts->backoff_ms;
		if (opts->max_body > 0)
			a->o.max_body = opts->max_body;
		a->o.verbose = opts->verbose;
	}
	/* http://host:port[/][api/v0.2[/]] -> http://host:port */
	snprintf(a->url, sizeof(a->url), "%s", url);
	n = strlen(a->url);
	while (n > 0 && a->url[n - 1] == '/')
		a->url[--n] = '\0';
	if (n >= 9 && !strcmp(a->url + n - 9, "/api/v0.2"))
		a->url[n -= 9] = '\0';
	while (n > 0 && a->url[n - 1] == '/')
		a->url[--n] = '\0';
	host = strstr(a->url, "://") + 3;
	snprintf(a->server_id, sizeof(a->server_id), "%s", host);
	for (char *p = a->server_id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '_';
	a->curl = curl_easy_init();
	if (!a->curl) {
		free(a);
		return -ENOMEM;
	}
	a->headers = curl_slist_append(NULL, "Accept: application/json, application/yaml");
	a->headers = curl_slist_append(a->headers, "Content-Type: application/json");
	if (token) {
		snprintf(hdr, sizeof(hdr), "Authorization: Token %s", token);
		a->headers = curl_slist_append(a->headers, hdr);
		memset(hdr, 0, sizeof(hdr));
	}
	curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(a->curl, CURLOPT_USERAGENT, "oopsfarm");
	curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT_MS, a->o.connect_timeout_ms);
	curl_easy_setopt(a->curl, CURLOPT_TIMEOUT_MS, a->o.timeout_ms);
	curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(a->curl, CURLOPT_ACCEPT_ENCODING, "");
	/* LAVA answers /jobs/ID/logs without a slash with a redirect */
	curl_easy_setopt(a->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(a->curl, CURLOPT_MAXREDIRS, 3L);
	*ret = a;
	return 0;
}

void lava_api_free(struct lava_api *a)
{
	if (!a)
		return;
	curl_easy_cleanup(a->curl);
	curl_slist_free_all(a->headers);
	free(a);
}

const char *lava_api_url(const struct lava_api *a)
{
	return a->url;
}

const char *lava_api_server_id(const struct lava_api *a)
{
	return a->server_id;
}

void lava_api_stats(const struct lava_api *a, unsigned long *ret_requests, unsigned long *ret_retries)
{
	*ret_requests = a->requests;
	*ret_retries = a->retries;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The server's message in an error answer: {"message": ...} or {"detail": ...}. */
static void server_message(const char *body, char *out, size_t size)
{
	json_t *j = body ? json_loads(body, JSON_DECODE_ANY, NULL) : NULL;
	const char *m = NULL;

	out[0] = '\0';
	if (json_is_object(j)) {
		json_t *v = json_object_get(j, "message");

		if (!v)
			v = json_object_get(j, "detail");
		if (json_is_string(v))
			m = json_string_value(v);
		else if (v)
			m = NULL;
		if (!m) {
			/* field errors: {"definition": ["..."]} */
			char *dump = json_dumps(j, JSON_COMPACT);

			if (dump)
				snprintf(out, size, "%s", dump);
			free(dump);
		}
	} else if (json_is_string(j)) {
		m = json_string_value(j);
	}
	if (m)
		snprintf(out, size, "%s", m);
	else if (!out[0] && body) {
		/* an HTML error page: its first line is enough */
		snprintf(out, size, "%.*s", (int)strcspn(body, "\r\n"), body);
	}
	json_decref(j);
}

static bool retry_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

/* One request with retries.  post: NULL for GET. */
static int request(struct lava_api *a, const char *path, const char *post, struct buf *out, char *err,
		   size_t errsize)
{
	char url[1200], cerr[CURL_ERROR_SIZE];
	long wait = a->o.backoff_ms, status = 0;
	CURLcode c = CURLE_OK;
	int attempt;

	snprintf(url, sizeof(url), "%s/api/v0.2/%s", a->url, path);
	for (attempt = 0;; attempt++) {
		double t0 = clock_now();
		bool again;

		free(out->p);
		*out = (struct buf){.max = a->o.max_body};
		cerr[0] = '\0';
		curl_easy_setopt(a->curl, CURLOPT_URL, url);
		curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, out);
		curl_easy_setopt(a->curl, CURLOPT_ERRORBUFFER, cerr);
		if (post) {
			curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, post);
		} else {
			curl_easy_setopt(a->curl, CURLOPT_HTTPGET, 1L);
		}
		a->requests++;
		c = curl_easy_perform(a->curl);
		status = 0;
		if (c == CURLE_OK)
			curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &status);
		if (a->o.verbose)
			fprintf(stderr, "oopsfarm lava: %s %s -> %s%ld (%.3f s)%s\n", post ? "POST" : "GET",
				url, c == CURLE_OK ? "" : curl_easy_strerror(c), c == CURLE_OK ? status : 0L,
				clock_now() - t0, attempt ? " (retry)" : "");
		if (c == CURLE_OK && status >= 200 && status < 300)
			return 0;
		if (c == CURLE_WRITE_ERROR && out->over) {
			snprintf(err, errsize, "LAVA at %s sent more than %zu bytes for %s: refused", a->url,
				 a->o.max_body, path);
			return -EFBIG;
		}
		if (post)
			again = c == CURLE_COULDNT_CONNECT || status == 502 || status == 503 || status == 504;
		else
			again = (c != CURLE_OK && retry_curl(c)) || status >= 500;
		if (!again || attempt >= a->o.retries)
			break;
		a->retries++;
		sleep_ms(wait);
		wait *= 2;
	}
	if (c != CURLE_OK) {
		snprintf(err, errsize, "cannot reach LAVA at %s: %s (%d tries)", a->url,
			 cerr[0] ? cerr : curl_easy_strerror(c), attempt + 1);
		return c == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT
		       : c == CURLE_OUT_OF_MEMORY    ? -ENOMEM
						     : -ECONNREFUSED;
	}
	{
		char msg[1024];

		server_message(out->p, msg, sizeof(msg));
		switch (status) {
		case 400:
			snprintf(err, errsize, "LAVA at %s rejected the request (HTTP 400): %s", a->url, msg);
			return -EINVAL;
		case 401:
		case 403:
			snprintf(err, errsize, "LAVA at %s refused the token (HTTP %ld): %s", a->url, status,
				 msg);
			return -EACCES;
		case 404:
			snprintf(err, errsize, "LAVA at %s has no %s (HTTP 404)", a->url, path);
			return -ENOENT;
		default:
			snprintf(err, errsize, "LAVA at %s answered HTTP %ld to %s%s%s", a->url, status, path,
				 msg[0] ? ": " : "", msg);
			return -EIO;
		}
	}
}

int lava_api_get(struct lava_api *a, const char *path, char **ret_body, size_t *ret_len, char *err,
		 size_t errsize)
{
	struct buf b = {0};
	int r = request(a, path, NULL, &b, err, errsize);

	if (r < 0) {
		free(b.p);
		return r;
	}
	if (!b.p) {
		b.p = strdup("");
		if (!b.p)
			return -ENOMEM;
	}
	*ret_body = b.p;
	*ret_len = b.len;
	return 0;
}

int lava_api_get_json(struct lava_api *a, const char *path, json_t **ret, char *err, size_t errsize)
{
	char *body;
	size_t len;
	json_error_t je;
	json_t *j;
	int r = lava_api_get(a, path, &body, &len, err, errsize);

	if (r < 0)
		return r;
	j = json_loadb(body, len, 0, &je);
	free(body);
	if (!j) {
		snprintf(err, errsize, "LAVA at %s: the answer to %s is not JSON: %s", a->url, path, je.text);
		return -EPROTO;
	}
	*ret = j;
	return 0;
}

int lava_api_post_json(struct lava_api *a, const char *path, json_t *body, json_t **ret, char *err,
		       size_t errsize)
{
	char *text = json_dumps(body, JSON_COMPACT);
	struct buf b = {0};
	json_error_t je;
	int r;

	if (!text)
		return -ENOMEM;
	r = request(a, path, text, &b, err, errsize);
	free(text);
	if (r == 0 && ret) {
		*ret = b.p ? json_loadb(b.p, b.len, 0, &je) : NULL;
		if (!*ret) {
			snprintf(err, errsize, "LAVA at %s: the answer to %s is not JSON", a->url, path);
			r = -EPROTO;
		}
	}
	free(b.p);
	return r;
}
