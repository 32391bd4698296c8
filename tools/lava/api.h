/* SPDX-License-Identifier: MIT */
/*
 * lava-api.h - a small client for LAVA's REST API v0.2 (libcurl + jansson).
 *
 * One handle per server.  Every request has a connect and a total timeout;
 * connection errors (refused, reset, timed out, nothing received) and 5xx
 * answers are retried a bounded number of times with exponential backoff,
 * 4xx answers never (they will not change).  A POST is retried only when
 * the connection could not be made or the server answered 502/503/504, so a
 * job is never submitted twice by the retry itself (lava-submit.c checks
 * the server before submitting again).
 *
 * The token is sent as `Authorization: Token <t>` and is never printed or
 * logged, not even with verbose on: verbose prints method, URL, HTTP status
 * and time only.  libcurl's own verbose mode, which prints headers, is never
 * turned on.
 *
 * Errors are -errno with a message in err (the server's own message when it
 * gave one):
 *   -ECONNREFUSED  the server could not be reached (after the retries)
 *   -ETIMEDOUT     it did not answer in time (after the retries)
 *   -EACCES        401/403: a missing or bad token
 *   -EINVAL        400: the request was rejected (a job the server refuses)
 *   -ENOENT        404
 *   -EIO           5xx after the retries, or another HTTP error
 *   -EPROTO        the answer is not the JSON that was expected
 *   -EFBIG         the answer's body is over max_body bytes (never retried)
 *   -ENOMEM
 */
#ifndef OOPSFARM_LAVA_API_H
#define OOPSFARM_LAVA_API_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct lava_api;

struct lava_api_opts {
	long connect_timeout_ms; /* default 5000 */
	long timeout_ms;	 /* whole request; default 60000 */
	int retries;		 /* after the first try; default 5 */
	long backoff_ms;	 /* first wait, doubled each retry; default 500 */
	bool verbose;		 /* one line per request on stderr (never the token) */
	bool insecure;		 /* send the token over plain http to any host */
	size_t max_body;	 /* bytes of one answer's body; default LAVA_API_MAX_BODY */
};

/*
 * The most one answer may be: 256 MiB.  A job log is fetched whole and
 * parsed; LAVA's logs of our longest jobs are a few MB.  A server that
 * sends more, or never stops, fails the request with -EFBIG instead of
 * filling memory.
 */
#define LAVA_API_MAX_BODY ((size_t)256 << 20)

/*
 * Reads the API token from token_file, or from $OOPSFARM_LAVA_TOKEN when
 * token_file is NULL; surrounding blanks and the line end are dropped.
 * Returns 0 and a malloc'd token, or -ENOENT (no token given), -errno (the
 * file cannot be read) or -EINVAL (empty) with a message in err that never
 * contains the token.  A token file that its group or others can read is
 * read, with a warning on stderr naming its mode.
 */
int lava_token_read(const char *token_file, char **ret_token, char *err, size_t errsize);

/*
 * url: the server's base URL ("http://host:port", a trailing "/" or
 * "/api/v0.2/" is accepted).  token may be NULL (anonymous).  opts may be
 * NULL for the defaults.  A token goes only to an https URL, to a loopback
 * host (localhost, 127.x.x.x, [::1]) or with opts->insecure.  Returns 0 or
 * -ENOMEM, -EINVAL (not an http(s) URL), -EPERM (a token over plain http
 * to another host).
 */
int lava_api_new(const char *url, const char *token, const struct lava_api_opts *opts, struct lava_api **ret);
void lava_api_free(struct lava_api *a);

/* The normalised base URL ("http://host:port"), as kept in the store. */
const char *lava_api_url(const struct lava_api *a);

/* "host_port" of the URL, plain characters only: for boot ids and file names. */
const char *lava_api_server_id(const struct lava_api *a);

/*
 * GET path (relative to /api/v0.2/, e.g. "jobs/12/").  On success (2xx)
 * returns 0 and the raw body (malloc'd, NUL-terminated) in *ret_body and its
 * length in *ret_len.
 */
int lava_api_get(struct lava_api *a, const char *path, char **ret_body, size_t *ret_len, char *err,
		 size_t errsize);

/* GET path and parse the answer as JSON. */
int lava_api_get_json(struct lava_api *a, const char *path, json_t **ret, char *err, size_t errsize);

/* POST body as JSON to path; the JSON answer in *ret (NULL: not wanted). */
int lava_api_post_json(struct lava_api *a, const char *path, json_t *body, json_t **ret, char *err,
		       size_t errsize);

/* Requests made and retried so far (for benchmarks and tests). */
void lava_api_stats(const struct lava_api *a, unsigned long *ret_requests, unsigned long *ret_retries);

#endif
