/*
 * Tag / commit templates: literal text around one {version}, matched with
 * semver.org's expression in its place.
 */
#include <stdlib.h>
#include <string.h>

#include "core/pattern_int.h"
#include "core/semver.h"
#include "core/template.h"

#define VERSION_TOKEN "{version}"

/*
 * SemVer 2.0, the regular expression published on semver.org (section
 * "Is there a suggested regular expression"), with its groups made
 * non-capturing so that the only capture is the whole {version}.
 */
#define SEMVER_NUM "(?:0|[1-9][0-9]*)"
#define SEMVER_PRE "(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
#define SEMVER_BUILD "[0-9a-zA-Z-]+"
#define SEMVER_RE \
	"(" SEMVER_NUM "\\." SEMVER_NUM "\\." SEMVER_NUM \
	"(?:-" SEMVER_PRE "(?:\\." SEMVER_PRE ")*)?" \
	"(?:\\+" SEMVER_BUILD "(?:\\." SEMVER_BUILD ")*)?)"

struct ovm_template {
	char *text;
	char *prefix;
	char *suffix;
	size_t prefix_len, suffix_len;
	pcre2_code *code;	/* the template as a pattern; matching checks
				   prefix, suffix and the SemVer parser directly */
};

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
ovm_template_compile(struct ovm_template **out, const char *tmpl,
    unsigned flags, struct ovm_err *err)
{
	struct ovm_template *t = NULL;
	struct pat_rbuf re = PAT_RBUF_INIT;
	const char *at, *next;
	size_t plen;
	int rc = 0;

	*out = NULL;
	if (tmpl == NULL || *tmpl == '\0')
		return ovm_err_set(err, OVM_ECONFIG, "empty template");
	at = strstr(tmpl, VERSION_TOKEN);
	if (at == NULL) {
		ovm_err_set(err, OVM_ECONFIG, "template '%s' has no {version}",
		    tmpl);
		return ovm_err_hint(err, "write {version} where the version "
		    "goes, e.g. 'name@{version}'");
	}
	next = strstr(at + strlen(VERSION_TOKEN), VERSION_TOKEN);
	if (next != NULL)
		return ovm_err_set(err, OVM_ECONFIG,
		    "template '%s' has more than one {version}", tmpl);
	plen = (size_t)(at - tmpl);
	if ((flags & OVM_TPL_COMMIT) && plen == 0) {
		/* A bump commit must be recognisable by more than a version. */
		ovm_err_set(err, OVM_ECONFIG, "commit template '%s' has no "
		    "text before {version}", tmpl);
		return ovm_err_hint(err, "start it with words, e.g. "
		    "'chore(release): bump to {version}'");
	}

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto oom;
	t->text = strdup(tmpl);
	t->prefix = dup_n(tmpl, plen);
	t->suffix = strdup(at + strlen(VERSION_TOKEN));
	if (t->text == NULL || t->prefix == NULL || t->suffix == NULL)
		goto oom;
	t->prefix_len = plen;
	t->suffix_len = strlen(t->suffix);

	pat_rb_str(&re, "\\A");
	pat_rb_literal(&re, t->prefix, plen);
	pat_rb_str(&re, SEMVER_RE);
	pat_rb_literal(&re, t->suffix, strlen(t->suffix));
	pat_rb_str(&re, "\\z");
	if (re.oom)
		goto oom;
	rc = pat_compile_re(&t->code, re.p, re.len, "template", tmpl, err);
	if (rc < 0)
		goto done;
	*out = t;
	t = NULL;
	goto done;
oom:
	rc = ovm_err_set(err, OVM_ENOMEM, "out of memory compiling template "
	    "'%s'", tmpl);
done:
	free(re.p);
	ovm_template_free(t);
	return rc;
}

void
ovm_template_free(struct ovm_template *t)
{
	if (t == NULL)
		return;
	pcre2_code_free(t->code);
	free(t->text);
	free(t->prefix);
	free(t->suffix);
	free(t);
}

int
ovm_template_match_version(const struct ovm_template *t, const char *s,
    size_t len, struct ovm_semver *out)
{
	size_t pl, sl;

	if (t == NULL || s == NULL)
		return 0;
	/*
	 * The compiled pattern is \A prefix SEMVER suffix \z with literal
	 * prefix and suffix, so the version is exactly what lies between
	 * them, and the SemVer grammar is what ovm_semver_parse accepts
	 * (which also refuses what the version type cannot hold: numbers
	 * past 64 bits, 256+ bytes).  Checked directly, it costs a fraction
	 * of a regex match: 100 000 tag names go through here.
	 */
	pl = t->prefix_len;
	sl = t->suffix_len;
	if (len < pl + sl + 1 || memcmp(s, t->prefix, pl) != 0 ||
	    memcmp(s + len - sl, t->suffix, sl) != 0)
		return 0;
	if (memchr(s, '\0', len) != NULL ||
	    ovm_semver_parse(out, s + pl, len - pl - sl, NULL) < 0)
		return 0;
	return 1;
}

int
ovm_template_match(const struct ovm_template *t, const char *s, size_t len,
    const char **ver, size_t *ver_len)
{
	struct ovm_semver sv;

	if (!ovm_template_match_version(t, s, len, &sv))
		return 0;
	if (ver != NULL)
		*ver = s + t->prefix_len;
	if (ver_len != NULL)
		*ver_len = len - t->prefix_len - t->suffix_len;
	return 1;
}

int
ovm_template_format(char **out, const struct ovm_template *t,
    const char *version)
{
	size_t pl = strlen(t->prefix), vl = strlen(version);
	size_t sl = strlen(t->suffix);
	char *p = malloc(pl + vl + sl + 1);

	*out = NULL;
	if (p == NULL)
		return OVM_ENOMEM;
	memcpy(p, t->prefix, pl);
	memcpy(p + pl, version, vl);
	memcpy(p + pl + vl, t->suffix, sl + 1);
	*out = p;
	return 0;
}

const char *
ovm_template_prefix(const struct ovm_template *t)
{
	return t->prefix;
}

const char *
ovm_template_suffix(const struct ovm_template *t)
{
	return t->suffix;
}

const char *
ovm_template_text(const struct ovm_template *t)
{
	return t->text;
}
