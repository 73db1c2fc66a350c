#ifndef OVM_HTTP_H
#define OVM_HTTP_H

/*
 * HTTP through libcurl: the only module that includes <curl/curl.h>.
 * One request function with connect and total timeouts, few redirects,
 * TLS verification on, retries with backoff on 429/5xx (honouring
 * Retry-After), response headers captured, and errors that name the URL
 * without its credentials.
 */

#include <stddef.h>

#include "core/config.h"
#include "util/err.h"
#include "util/util.h"

struct ovm_http_req {
	const char *method;		/* "GET" (default) or "HEAD" */
	const char *url;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const char *user, *password;	/* basic auth, NULL: none */
	long connect_timeout_ms;	/* 0: 10 s */
	long timeout_ms;		/* 0: 30 s */
	int max_retries;		/* on 429/5xx; <0: 0, 0: 3 */
	int follow_redirects;		/* 0: none; else at most 5 */
};

struct ovm_http_resp {
	long status;
	struct ovm_buf body;
	struct ovm_strv headers;	/* "name: value" of the final response */
	int attempts;
};

#define OVM_HTTP_RESP_INIT { 0, OVM_BUF_INIT, { NULL, 0 }, 0 }

/*
 * Performs the request.  Returns 0 when an HTTP answer arrived (any
 * status, in out->status, after retries on 429/5xx are spent), OVM_EENV
 * on a transport failure or timeout.  Allocates out's members.
 */
int ovm_http_request(struct ovm_http_resp *out, const struct ovm_http_req *req,
    struct ovm_err *err);
void ovm_http_resp_free(struct ovm_http_resp *r);

/*
 * The wait before a retry, in ms, from a Retry-After value (seconds, or
 * an HTTP date once libcurl is loaded); fallback when there is none or it
 * cannot be read; from 0 to 60000, whatever the value.
 */
long ovm_http_retry_after_ms(const char *value, long fallback);

/* The value of a response header (case-insensitive name), borrowed. */
const char *ovm_http_header(const struct ovm_http_resp *r, const char *name);

/* The linked libcurl's version text (borrowed). */
const char *ovm_http_curl_version(void);

/* URL-encodes s for a query string (malloc'd), NULL when out of memory. */
char *ovm_http_escape(const char *s);

/* A URL without userinfo, for messages (malloc'd). */
char *ovm_http_redact(const char *url);

#endif
