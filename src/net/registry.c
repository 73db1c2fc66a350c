/*
 * The OCI distribution API, just enough to ask whether a tag exists.
 * Parsing (challenge, Docker config, base URL) is pure; the requests go
 * through http.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "net/http.h"
#include "net/registry.h"
#include "util/util.h"

#define ACCEPT "Accept: application/vnd.oci.image.index.v1+json, " \
	"application/vnd.oci.image.manifest.v1+json, " \
	"application/vnd.docker.distribution.manifest.list.v2+json, " \
	"application/vnd.docker.distribution.manifest.v2+json"

static int
nomem(struct ovm_err *err)
{
	return ovm_err_nomem(err);
}

int
ovm_bearer_parse(struct ovm_bearer *out, const char *h, struct ovm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (h == NULL || strncasecmp(h, "Bearer", 6) != 0 ||
	    (h[6] != ' ' && h[6] != '\t'))
		return ovm_err_set(err, OVM_EINPUT, "not a Bearer challenge");
	h += 6;
	while (*h != '\0') {
		const char *k, *v;
		size_t kl;
		struct ovm_buf val = OVM_BUF_INIT;
		char **slot = NULL;

		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		if (*h == '\0')
			break;
		k = h;
		while (*h != '\0' && *h != '=' && *h != ',')
			h++;
		kl = (size_t)(h - k);
		while (kl > 0 && isspace((unsigned char)k[kl - 1]))
			kl--;
		if (*h != '=')
			continue;
		h++;
		while (*h == ' ' || *h == '\t')
			h++;
		if (*h == '"') {
			for (v = ++h; *h != '\0' && *h != '"'; h++) {
				if (*h == '\\' && h[1] != '\0')
					h++;
				if (ovm_buf_add(&val, h, 1) < 0)
					goto oom;
			}
			if (*h == '"')
				h++;
		} else {
			for (v = h; *h != '\0' && *h != ','; h++)
				;
			if (ovm_buf_add(&val, v, (size_t)(h - v)) < 0)
				goto oom;
		}
		if (kl == 5 && strncasecmp(k, "realm", 5) == 0)
			slot = &out->realm;
		else if (kl == 7 && strncasecmp(k, "service", 7) == 0)
			slot = &out->service;
		else if (kl == 5 && strncasecmp(k, "scope", 5) == 0)
			slot = &out->scope;
		if (slot != NULL) {
			free(*slot);
			*slot = ovm_buf_detach(&val);
		}
		ovm_buf_free(&val);
		continue;
oom:
		ovm_buf_free(&val);
		ovm_bearer_free(out);
		return nomem(err);
	}
	if (out->realm == NULL || out->realm[0] == '\0') {
		ovm_bearer_free(out);
		return ovm_err_set(err, OVM_EINPUT,
		    "Bearer challenge without a realm");
	}
	return 0;
}

void
ovm_bearer_free(struct ovm_bearer *b)
{
	if (b == NULL)
		return;
	free(b->realm);
	free(b->service);
	free(b->scope);
	memset(b, 0, sizeof(*b));
}

static int
is_loopback(const char *domain)
{
	size_t hl;

	if (strncmp(domain, "[::1]", 5) == 0)
		return domain[5] == '\0' || domain[5] == ':';
	hl = strcspn(domain, ":");
	if (hl == 9 && strncmp(domain, "localhost", 9) == 0)
		return 1;
	/* 127.0.0.0/8 as a dotted address, not a name like 127.example.com. */
	{
		const char *p = domain;
		int parts = 0;

		while (p < domain + hl) {
			long v;
			char *end;

			if (*p < '0' || *p > '9')
				return 0;
			v = strtol(p, &end, 10);
			if (end - p > 3 || v > 255 || (parts == 0 && v != 127))
				return 0;
			parts++;
			p = end;
			if (p < domain + hl) {
				if (*p != '.')
					return 0;
				p++;
			}
		}
		return parts == 4;
	}
}

int
ovm_registry_base_url(char **out, const char *domain, struct ovm_err *err)
{
	const char *host = domain;

	if (strcmp(domain, "docker.io") == 0 ||
	    strcmp(domain, "index.docker.io") == 0)
		host = "registry-1.docker.io";
	if (asprintf(out, "%s://%s", is_loopback(domain) ? "http" : "https",
	    host) < 0) {
		*out = NULL;
		return nomem(err);
	}
	return 0;
}

static const unsigned char *
b64_table(void)
{
	static unsigned char t[256];
	static int ready;
	const char *a =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	if (!ready) {
		memset(t, 0xff, sizeof(t));
		for (i = 0; i < 64; i++)
			t[(unsigned char)a[i]] = (unsigned char)i;
		ready = 1;
	}
	return t;
}

/* Decodes base64 (padding optional); NULL when malformed. */
static char *
b64_decode(const char *s)
{
	const unsigned char *t = b64_table();
	size_t n = strlen(s), i, o = 0;
	unsigned acc = 0;
	int bits = 0;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char v;

		if (s[i] == '=')
			break;
		v = t[(unsigned char)s[i]];
		if (v == 0xff) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

static const cJSON *
auth_entry(const cJSON *auths, const char *domain)
{
	const cJSON *e;
	int dockerhub = strcmp(domain, "docker.io") == 0;

	cJSON_ArrayForEach(e, auths) {
		const char *k = e->string, *h = k;
		size_t hl;

		if (strncmp(h, "https://", 8) == 0)
			h += 8;
		else if (strncmp(h, "http://", 7) == 0)
			h += 7;
		hl = strcspn(h, "/");
		if (hl == 0)
			continue;
		if ((hl == strlen(domain) && strncmp(h, domain, hl) == 0) ||
		    (dockerhub && ((hl == 15 && strncmp(h, "index.docker.io",
		    15) == 0) || (hl == 20 && strncmp(h, "registry-1.docker.io",
		    20) == 0))))
			return e;
	}
	return NULL;
}

int
ovm_docker_config_auth(char **user_out, char **pass_out, const char *json,
    size_t len, const char *domain, struct ovm_err *err)
{
	cJSON *root;
	const cJSON *e, *a, *u, *p;
	int rc = 0;

	*user_out = *pass_out = NULL;
	root = cJSON_ParseWithLength(json, len);
	if (root == NULL)
		return ovm_err_set(err, OVM_EINPUT,
		    "~/.docker/config.json is not valid JSON");
	e = auth_entry(cJSON_GetObjectItemCaseSensitive(root, "auths"), domain);
	a = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "auth") : NULL;
	u = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "username") : NULL;
	p = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "password") : NULL;
	if (cJSON_IsString(a) && a->valuestring[0] != '\0') {
		char *dec = b64_decode(a->valuestring), *colon;

		if (dec == NULL || (colon = strchr(dec, ':')) == NULL) {
			free(dec);
			rc = ovm_err_set(err, OVM_EINPUT, "~/.docker/config.json: "
			    "the \"auth\" of '%s' is not base64 user:password",
			    domain);
		} else {
			*colon = '\0';
			*user_out = strdup(dec);
			*pass_out = strdup(colon + 1);
			free(dec);
		}
	} else if (cJSON_IsString(u) && cJSON_IsString(p)) {
		*user_out = strdup(u->valuestring);
		*pass_out = strdup(p->valuestring);
	}
	cJSON_Delete(root);
	if (rc == 0 && (*user_out == NULL) != (*pass_out == NULL)) {
		free(*user_out);
		free(*pass_out);
		*user_out = *pass_out = NULL;
		rc = nomem(err);
	}
	return rc;
}

static void
docker_creds(char **user, char **pass, const char *domain)
{
	const char *home = getenv("HOME");
	const char *dir = getenv("DOCKER_CONFIG");
	char path[4096], *buf = NULL;
	size_t len = 0;

	*user = *pass = NULL;
	if (dir != NULL && dir[0] != '\0')
		snprintf(path, sizeof(path), "%s/config.json", dir);
	else if (home != NULL)
		snprintf(path, sizeof(path), "%s/.docker/config.json", home);
	else
		return;
	if (ovm_read_file(&buf, &len, path, NULL) == 0)
		(void)ovm_docker_config_auth(user, pass, buf, len, domain, NULL);
	free(buf);
}

/* Asks the token endpoint of a Bearer challenge for a token. */
static int
fetch_token(char **out, const struct ovm_bearer *b, const char *user,
    const char *pass, struct ovm_err *err)
{
	struct ovm_http_req req;
	struct ovm_http_resp resp = OVM_HTTP_RESP_INIT;
	struct ovm_buf url = OVM_BUF_INIT;
	cJSON *root = NULL;
	const cJSON *t;
	int rc;

	*out = NULL;
	ovm_buf_puts(&url, b->realm);
	if (b->service != NULL) {
		char *e = ovm_http_escape(b->service);

		ovm_buf_printf(&url, "%sservice=%s", strchr(b->realm, '?') ?
		    "&" : "?", e != NULL ? e : "");
		free(e);
	}
	if (b->scope != NULL) {
		char *e = ovm_http_escape(b->scope);

		ovm_buf_printf(&url, "%sscope=%s", strchr(url.ptr, '?') ?
		    "&" : "?", e != NULL ? e : "");
		free(e);
	}
	memset(&req, 0, sizeof(req));
	req.url = url.ptr;
	req.user = user;
	req.password = pass;
	rc = ovm_http_request(&resp, &req, err);
	if (rc < 0)
		goto done;
	if (resp.status != 200) {
		char *safe = ovm_http_redact(b->realm);

		rc = ovm_err_set(err, OVM_EENV, "the registry's token endpoint %s "
		    "answered %ld", safe != NULL ? safe : "", resp.status);
		free(safe);
		goto done;
	}
	root = cJSON_ParseWithLength(resp.body.ptr != NULL ? resp.body.ptr : "",
	    resp.body.len);
	t = root != NULL ? cJSON_GetObjectItemCaseSensitive(root, "token") : NULL;
	if (!cJSON_IsString(t))
		t = root != NULL ? cJSON_GetObjectItemCaseSensitive(root,
		    "access_token") : NULL;
	if (!cJSON_IsString(t)) {
		rc = ovm_err_set(err, OVM_EENV, "the registry's token endpoint "
		    "gave no token");
		goto done;
	}
	*out = strdup(t->valuestring);
	rc = *out != NULL ? 0 : nomem(err);
done:
	cJSON_Delete(root);
	ovm_buf_free(&url);
	ovm_http_resp_free(&resp);
	return rc;
}

static int
head_manifest(struct ovm_http_resp *resp, const char *url, const char *bearer,
    const char *user, const char *pass, struct ovm_err *err)
{
	struct ovm_http_req req;
	const char *hdrs[3] = { ACCEPT, NULL, NULL };
	char *auth = NULL;
	int rc;

	if (bearer != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s", bearer) < 0)
			return nomem(err);
		hdrs[1] = auth;
	}
	memset(&req, 0, sizeof(req));
	req.method = "HEAD";
	req.url = url;
	req.headers = hdrs;
	req.user = bearer == NULL ? user : NULL;
	req.password = bearer == NULL ? pass : NULL;
	req.follow_redirects = 1;
	rc = ovm_http_request(resp, &req, err);
	free(auth);
	return rc;
}

int
ovm_registry_check(struct ovm_image_check *out, const struct ovm_imageref *ref,
    struct ovm_err *err)
{
	struct ovm_http_resp resp = OVM_HTTP_RESP_INIT;
	struct ovm_bearer b = { NULL, NULL, NULL };
	const char *env_token = getenv("OVM_RELEASE_REGISTRY_TOKEN");
	char *base = NULL, *token = NULL, *user = NULL, *pass = NULL;
	const char *d;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ref->tag == NULL)
		return ovm_err_set(err, OVM_EINPUT, "the image has no tag to check");
	rc = ovm_registry_base_url(&base, ref->domain, err);
	if (rc < 0)
		return rc;
	if (asprintf(&out->url, "%s/v2/%s/manifests/%s", base, ref->path,
	    ref->tag) < 0) {
		out->url = NULL;
		rc = nomem(err);
		goto done;
	}
	docker_creds(&user, &pass, ref->domain);
	if (env_token != NULL && env_token[0] != '\0')
		token = strdup(env_token);
	rc = head_manifest(&resp, out->url, token, NULL, NULL, err);
	if (rc < 0)
		goto done;
	if (resp.status == 401 && token == NULL) {
		const char *ch = ovm_http_header(&resp, "www-authenticate");

		if (ch != NULL && strncasecmp(ch, "Basic", 5) == 0) {
			ovm_http_resp_free(&resp);
			rc = head_manifest(&resp, out->url, NULL, user, pass, err);
		} else {
			rc = ovm_bearer_parse(&b, ch, err);
			if (rc < 0) {
				ovm_err_set(err, OVM_EENV, "%s answered 401 without "
				    "a usable challenge", out->url);
				goto done;
			}
			rc = fetch_token(&token, &b, user, pass, err);
			if (rc < 0)
				goto done;
			ovm_http_resp_free(&resp);
			rc = head_manifest(&resp, out->url, token, NULL, NULL, err);
		}
		if (rc < 0)
			goto done;
	}
	out->status = resp.status;
	if (resp.status == 200) {
		out->found = 1;
		d = ovm_http_header(&resp, "docker-content-digest");
		if (d != NULL && (out->digest = strdup(d)) == NULL)
			rc = nomem(err);
	} else if (resp.status == 404) {
		out->found = 0;
	} else if (resp.status == 401 || resp.status == 403) {
		rc = ovm_err_set(err, OVM_EENV, "%s: access denied (%ld)",
		    out->url, resp.status);
		ovm_err_hint(err, "log in (~/.docker/config.json) or set "
		    "OVM_RELEASE_REGISTRY_TOKEN");
	} else {
		rc = ovm_err_set(err, OVM_EENV, "%s answered %ld", out->url,
		    resp.status);
	}
done:
	ovm_bearer_free(&b);
	ovm_http_resp_free(&resp);
	free(base);
	free(token);
	free(user);
	free(pass);
	if (rc < 0)
		ovm_image_check_free(out);
	return rc;
}

void
ovm_image_check_free(struct ovm_image_check *c)
{
	if (c == NULL)
		return;
	free(c->digest);
	free(c->url);
	memset(c, 0, sizeof(*c));
}
