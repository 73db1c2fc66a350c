/*
 * Image references, as distribution/reference's ParseNormalizedNamed reads
 * them (the parser BuildKit hands every expanded FROM to).  The grammar is
 * matched by hand: it is a handful of character classes, and a regex
 * library would only hide which part of a reference is wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "core/imageref.h"

#define REPO_NAME_MAX 255	/* RepositoryNameTotalLengthMax */
#define TAG_MAX 128

static int
is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum(int c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_xdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* pathComponent: [a-z0-9]+ followed by (sep [a-z0-9]+)*, sep = . _ __ -+ */
static int
path_component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum((unsigned char)s[0]))
		return 0;
	while (i < n) {
		while (i < n && is_lower_alnum((unsigned char)s[i]))
			i++;
		if (i == n)
			return 1;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n || !is_lower_alnum((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* remoteName: pathComponent ('/' pathComponent)* */
static int
remote_ok(const char *s, size_t n)
{
	size_t i = 0, j;

	for (;;) {
		j = i;
		while (j < n && s[j] != '/')
			j++;
		if (!path_component_ok(s + i, j - i))
			return 0;
		if (j == n)
			return 1;
		i = j + 1;
	}
}

/* domainNameComponent: alphanumerics, with dashes inside only. */
static int
host_label_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum((unsigned char)s[0]) ||
	    !is_alnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* domainAndPort: (label('.'label)* | '[' [0-9a-fA-F:]+ ']') (':' [0-9]+)? */
static int
domain_ok(const char *s, size_t n)
{
	size_t i = 0, j;

	if (n > 0 && s[0] == '[') {
		for (i = 1; i < n && (is_xdigit((unsigned char)s[i]) ||
		    s[i] == ':'); i++)
			;
		if (i == 1 || i == n || s[i] != ']')
			return 0;
		i++;
	} else {
		for (;;) {
			for (j = i; j < n && s[j] != '.' && s[j] != ':'; j++)
				;
			if (!host_label_ok(s + i, j - i))
				return 0;
			i = j;
			if (i == n || s[i] == ':')
				break;
			i++;
		}
	}
	if (i == n)
		return 1;
	if (s[i] != ':' || i + 1 == n)
		return 0;
	for (i++; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* tag: [\w][\w.-]{0,127} */
static int
tag_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > TAG_MAX || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,} */
static int
digest_grammar_ok(const char *s, size_t n)
{
	size_t i = 0, hex;

	for (;;) {
		if (i == n || !is_alpha((unsigned char)s[i]))
			return 0;
		while (i < n && is_alnum((unsigned char)s[i]))
			i++;
		if (i < n && s[i] == ':')
			break;
		if (i == n || strchr("-_+.", s[i]) == NULL)
			return 0;
		i++;
	}
	for (hex = 0, i++; i < n; i++, hex++)
		if (!is_xdigit((unsigned char)s[i]))
			return 0;
	return hex >= 32;
}

/*
 * go-digest's Validate: one of the algorithms it can compute, with exactly
 * its length of lower-case hex.  Returns NULL or what is wrong.
 */
static const char *
digest_check(const char *s)
{
	static const struct {
		const char *name;
		size_t hexlen;
	} algos[] = { { "sha256", 64 }, { "sha384", 96 }, { "sha512", 128 } };
	const char *colon = strchr(s, ':');
	size_t i, alen = (size_t)(colon - s);

	for (i = 0; i < sizeof(algos) / sizeof(algos[0]); i++) {
		if (strlen(algos[i].name) != alen ||
		    strncmp(s, algos[i].name, alen) != 0)
			continue;
		if (strlen(colon + 1) != algos[i].hexlen)
			return "invalid checksum digest length";
		for (s = colon + 1; *s != '\0'; s++)
			if (!is_lower_alnum((unsigned char)*s) || *s > 'f')
				return "invalid checksum digest format";
		return NULL;
	}
	/* DigestRegexp wants a lower-case algorithm before "unsupported" */
	for (; s < colon; s++)
		if (!is_lower_alnum((unsigned char)*s) &&
		    strchr(".+_-", *s) == NULL)
			return "invalid checksum digest format";
	return "unsupported digest algorithm";
}

static int
is_image_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!is_lower_alnum((unsigned char)s[i]) || s[i] > 'f')
			return 0;
	return i == 64;
}

static int
has_upper(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return 1;
	return 0;
}

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/*
 * splitDockerDomain: the first component is a host only when it looks like
 * one; Docker Hub names without a namespace live under "library/".
 * Allocates *rem_out.
 */
static int
split_domain(char **dom_out, char **rem_out, const char *ref)
{
	const char *slash = strchr(ref, '/'), *rem = ref;
	char *dom = NULL, *r = NULL;
	size_t dlen;

	*dom_out = *rem_out = NULL;
	if (slash != NULL) {
		dlen = (size_t)(slash - ref);
		if (dlen == 15 && strncmp(ref, "index.docker.io", 15) == 0) {
			rem = slash + 1;
		} else if ((dlen == 9 && strncmp(ref, "localhost", 9) == 0) ||
		    memchr(ref, '.', dlen) != NULL ||
		    memchr(ref, ':', dlen) != NULL || has_upper(ref, dlen)) {
			dom = dup_n(ref, dlen);
			if (dom == NULL)
				return OVM_ENOMEM;
			rem = slash + 1;
		}
	}
	if (dom == NULL) {
		dom = strdup("docker.io");
		if (dom == NULL)
			return OVM_ENOMEM;
	}
	if (strcmp(dom, "docker.io") == 0 && strchr(rem, '/') == NULL) {
		r = malloc(strlen(rem) + sizeof("library/"));
		if (r != NULL) {
			strcpy(r, "library/");
			strcat(r, rem);
		}
	} else {
		r = strdup(rem);
	}
	if (r == NULL) {
		free(dom);
		return OVM_ENOMEM;
	}
	*dom_out = dom;
	*rem_out = r;
	return 0;
}

int
ovm_imageref_parse(struct ovm_imageref *out, const char *ref,
    struct ovm_err *err)
{
	char *dom = NULL, *rem = NULL;
	const char *at, *end, *colon = NULL, *p, *why;
	size_t namelen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (is_image_id(ref))
		return ovm_err_set(err, OVM_EINPUT,
		    "invalid repository name '%s': a 64-digit hexadecimal "
		    "string is an image ID, not a name", ref);
	rc = split_domain(&dom, &rem, ref);
	if (rc < 0)
		return ovm_err_set(err, rc, "out of memory");

	/* ParseNormalizedNamed checks the case before the grammar. */
	p = strchr(rem, ':');
	namelen = p != NULL ? (size_t)(p - rem) : strlen(rem);
	if (has_upper(rem, namelen)) {
		rc = ovm_err_set(err, OVM_EINPUT, "invalid reference format: "
		    "repository name '%.*s' must be lowercase", (int)namelen,
		    rem);
		goto done;
	}

	at = strchr(rem, '@');
	end = at != NULL ? at : rem + strlen(rem);
	for (p = rem; p < end; p++) {
		if (*p == '/')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (at != NULL && !digest_grammar_ok(at + 1, strlen(at + 1))) {
		rc = ovm_err_set(err, OVM_EINPUT, "invalid reference format: "
		    "digest '%s' is not <algorithm>:<at least 32 hex digits>",
		    at + 1);
		goto done;
	}
	if (colon != NULL && !tag_ok(colon + 1, (size_t)(end - colon - 1))) {
		rc = ovm_err_set(err, OVM_EINPUT, "invalid reference format: "
		    "tag '%.*s' is not valid", (int)(end - colon - 1),
		    colon + 1);
		goto done;
	}
	namelen = (size_t)((colon != NULL ? colon : end) - rem);
	if (!domain_ok(dom, strlen(dom))) {
		rc = ovm_err_set(err, OVM_EINPUT, "invalid reference format: "
		    "registry host '%s' is not valid", dom);
		goto done;
	}
	if (!remote_ok(rem, namelen)) {
		rc = ovm_err_set(err, OVM_EINPUT, "invalid reference format: "
		    "repository name '%.*s' is not valid", (int)namelen, rem);
		goto done;
	}
	if (namelen > REPO_NAME_MAX) {
		rc = ovm_err_set(err, OVM_EINPUT, "repository name must not "
		    "be more than %d characters", REPO_NAME_MAX);
		goto done;
	}
	if (at != NULL) {
		why = digest_check(at + 1);
		if (why != NULL) {
			rc = ovm_err_set(err, OVM_EINPUT, "%s: '%s'", why,
			    at + 1);
			goto done;
		}
	}

	out->domain = dom;
	dom = NULL;
	out->path = dup_n(rem, namelen);
	if (colon != NULL)
		out->tag = dup_n(colon + 1, (size_t)(end - colon - 1));
	if (at != NULL)
		out->digest = strdup(at + 1);
	if (out->path == NULL || (colon != NULL && out->tag == NULL) ||
	    (at != NULL && out->digest == NULL)) {
		ovm_imageref_free(out);
		rc = ovm_err_nomem(err);
		goto done;
	}
	rc = 0;
done:
	free(dom);
	free(rem);
	return rc;
}

void
ovm_imageref_free(struct ovm_imageref *r)
{
	if (r == NULL)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}
