/*
 * The libcurl seam: the only file that includes <curl/curl.h>.
 *
 * libcurl is loaded on first use (dlopen), not at start-up: most commands
 * (the hook above all) never speak HTTP, and binding libcurl and its
 * thirty-odd dependencies costs every process ~10 M instructions of
 * symbol lookups before main.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "util/url.h"
#include "net/http.h"

#ifndef OVM_VERSION
#define OVM_VERSION "0.0.0"
#endif

static struct {
	int tried, ok;
	void *lib;
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_reset)(CURL *);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free_)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	time_t (*getdate)(const char *, const time_t *);
	curl_version_info_data *(*version_info)(CURLversion);
} cu;

/* Loads libcurl once; 0, or OVM_EENV naming what is missing. */
static int
curl_load(struct ovm_err *err)
{
	static const char *const names[] = { "libcurl.so.4",
	    "libcurl-gnutls.so.4", "libcurl.so" };
	size_t i;

	if (cu.tried)
		return cu.ok ? 0 : ovm_err_set(err, OVM_EENV,
		    "libcurl is not available");
	cu.tried = 1;
	for (i = 0; cu.lib == NULL && i < sizeof(names) / sizeof(names[0]); i++)
		cu.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (cu.lib == NULL)
		return ovm_err_set(err, OVM_EENV, "cannot load libcurl: %s",
		    dlerror());
#define SYM(field, name) \
	do { \
		*(void **)(&cu.field) = dlsym(cu.lib, name); \
		if (cu.field == NULL) \
			return ovm_err_set(err, OVM_EENV, "libcurl lacks %s", name); \
	} while (0)
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_reset, "curl_easy_reset");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(easy_escape, "curl_easy_escape");
	SYM(free_, "curl_free");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	SYM(getdate, "curl_getdate");
	SYM(version_info, "curl_version_info");
#undef SYM
	cu.global_init(CURL_GLOBAL_DEFAULT);
	cu.ok = 1;
	return 0;
}

const char *
ovm_http_curl_version(void)
{
	const curl_version_info_data *d;

	if (curl_load(NULL) < 0)
		return "unavailable";
	d = cu.version_info(CURLVERSION_NOW);
	return d != NULL && d->version != NULL ? d->version : "unknown";
}

char *
ovm_http_redact(const char *url)
{
	char *s = strdup(url != NULL ? url : "");

	if (s != NULL)
		ovm_redact_urls(s);
	return s;
}

static size_t
on_body(char *ptr, size_t size, size_t n, void *ctx)
{
	struct ovm_buf *b = ctx;

	if (ovm_buf_add(b, ptr, size * n) < 0)
		return 0;
	return size * n;
}

/* Keeps the headers of the last response only (redirects, 100s). */
static size_t
on_header(char *ptr, size_t size, size_t n, void *ctx)
{
	struct ovm_strv *h = ctx;
	size_t len = size * n;
	char *line;

	if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		ovm_strv_free(h);
		return len;
	}
	while (len > 0 && (ptr[len - 1] == '\n' || ptr[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(ptr, ':', len) == NULL)
		return size * n;
	line = strndup(ptr, len);
	if (line == NULL || ovm_strv_push(h, line) < 0) {
		free(line);
		return 0;
	}
	free(line);
	return size * n;
}

const char *
ovm_http_header(const struct ovm_http_resp *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->headers.n; i++) {
		const char *h = r->headers.v[i];

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

/* Retry-After: seconds, or an HTTP date; capped so a test or CI never hangs. */
long
ovm_http_retry_after_ms(const char *v, long fallback)
{
	long ms = fallback;

	if (v != NULL && isdigit((unsigned char)*v)) {
		long s = strtol(v, NULL, 10);

		/* Capped before the product: a huge value must not overflow. */
		ms = s > 60 ? 60000 : s * 1000;
	} else if (v != NULL && cu.getdate != NULL) {
		time_t when = cu.getdate(v, NULL);

		if (when > 0) {
			time_t s = when - time(NULL);

			ms = s > 60 ? 60000 : (long)s * 1000;
		}
	}
	if (ms < 0)
		ms = 0;
	return ms > 60000 ? 60000 : ms;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* OVM_RELEASE_TIMEOUT (seconds) bounds HTTP as it bounds git's network. */
static long
default_timeout_ms(void)
{
	long v = 30;

	ovm_parse_count(&v, getenv("OVM_RELEASE_TIMEOUT"), 1, 86400);
	return v * 1000;
}

static long
base_backoff_ms(void)
{
	long v = 500;

	ovm_parse_count(&v, getenv("OVM_RELEASE_HTTP_BACKOFF_MS"), 0, 60000);
	return v;
}

int
ovm_http_request(struct ovm_http_resp *out, const struct ovm_http_req *req,
    struct ovm_err *err)
{
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE], ua[64];
	char *safe = NULL;
	CURL *c = NULL;
	int retries = req->max_retries < 0 ? 0 : req->max_retries == 0 ? 3 :
	    req->max_retries;
	long backoff = base_backoff_ms();
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (curl_load(err) < 0)
		return OVM_EENV;
	safe = ovm_http_redact(req->url);
	c = cu.easy_init();
	if (c == NULL || safe == NULL) {
		rc = ovm_err_nomem(err);
		goto done;
	}
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		struct curl_slist *n = cu.slist_append(hdrs, req->headers[i]);

		if (n == NULL) {
			rc = ovm_err_nomem(err);
			goto done;
		}
		hdrs = n;
	}
	snprintf(ua, sizeof(ua), "ovm-release/%s", OVM_VERSION);
	for (;;) {
		CURLcode cc;

		ovm_buf_free(&out->body);
		ovm_strv_free(&out->headers);
		out->attempts++;
		cu.easy_reset(c);
		cu.easy_setopt(c, CURLOPT_URL, req->url);
		cu.easy_setopt(c, CURLOPT_USERAGENT, ua);
		cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		cu.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		cu.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		cu.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		cu.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
		    req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 10000L);
		cu.easy_setopt(c, CURLOPT_TIMEOUT_MS,
		    req->timeout_ms > 0 ? req->timeout_ms : default_timeout_ms());
		cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION,
		    req->follow_redirects ? 1L : 0L);
		cu.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
		/* Credentials never follow a redirect to another host. */
		cu.easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
		cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		cu.easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
		cu.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		cu.easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
		if (req->method != NULL && strcmp(req->method, "HEAD") == 0)
			cu.easy_setopt(c, CURLOPT_NOBODY, 1L);
		if (req->user != NULL) {
			cu.easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			cu.easy_setopt(c, CURLOPT_USERNAME, req->user);
			cu.easy_setopt(c, CURLOPT_PASSWORD,
			    req->password != NULL ? req->password : "");
		}
		errbuf[0] = '\0';
		cc = cu.easy_perform(c);
		if (cc != CURLE_OK) {
			rc = ovm_err_set(err, OVM_EENV, "%s %s: %s",
			    req->method != NULL ? req->method : "GET", safe,
			    errbuf[0] ? errbuf : cu.easy_strerror(cc));
			ovm_redact_urls(err->msg);
			goto done;
		}
		cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		if ((out->status == 429 || out->status >= 500) && retries-- > 0) {
			sleep_ms(ovm_http_retry_after_ms(ovm_http_header(out,
			    "retry-after"), backoff));
			backoff *= 2;
			continue;
		}
		break;
	}
done:
	free(safe);
	cu.slist_free_all(hdrs);
	if (c != NULL)
		cu.easy_cleanup(c);
	if (rc < 0)
		ovm_http_resp_free(out);
	return rc;
}

void
ovm_http_resp_free(struct ovm_http_resp *r)
{
	if (r == NULL)
		return;
	ovm_buf_free(&r->body);
	ovm_strv_free(&r->headers);
}

char *
ovm_http_escape(const char *s)
{
	char *e, *out;

	if (curl_load(NULL) < 0)
		return NULL;
	e = cu.easy_escape(NULL, s, 0);
	if (e == NULL)
		return NULL;
	out = strdup(e);
	cu.free_(e);
	return out;
}
