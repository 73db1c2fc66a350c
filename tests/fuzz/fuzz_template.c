/*
 * Tag / commit templates: compile, match, format.  The input's first line
 * is the template, the rest a candidate tag or commit subject.
 * Properties when the template compiles:
 * - format(t, V) matches t and gives back exactly V, for a few V;
 * - a match of the candidate splits it into prefix + version + suffix,
 *   and the version part is valid SemVer;
 * - the literal parts never act as regex syntax: prefix and suffix are
 *   the template's text around "{version}".
 */
#include "fuzz.h"

#include "core/semver.h"
#include "core/template.h"

static const char *const versions[] = { "0.0.0", "1.2.3", "10.20.30-rc.1",
    "1.0.0-alpha+001", "999999999999.0.1+build.7" };


static void
check(const struct ovm_template *t, const char *cand, size_t clen)
{
	const char *pre = ovm_template_prefix(t), *suf = ovm_template_suffix(t);
	const char *text = ovm_template_text(t), *ver = NULL;
	size_t i, vlen = 0;
	char *s = NULL;

	FZ_CHECK(pre != NULL && suf != NULL && text != NULL, "getters");
	FZ_CHECK(strlen(pre) + strlen("{version}") + strlen(suf) ==
	    strlen(text), "prefix/suffix do not add up to '%s'", text);
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		FZ_CHECK(ovm_template_format(&s, t, versions[i]) == 0, "format");
		FZ_CHECK(ovm_template_match(t, s, strlen(s), &ver, &vlen) == 1,
		    "'%s' does not match its own template '%s'", s, text);
		FZ_CHECK(vlen == strlen(versions[i]) &&
		    memcmp(ver, versions[i], vlen) == 0,
		    "'%s' gives version '%.*s'", s, (int)vlen, ver);
		free(s);
		s = NULL;
	}
	if (ovm_template_match(t, cand, clen, &ver, &vlen) == 1) {
		FZ_CHECK(ver >= cand && ver + vlen <= cand + clen, "ver outside");
		/*
		 * Known finding (tests/fuzz/README.md): {version} matches
		 * numbers above UINT64_MAX and texts of OVM_SEMVER_MAX bytes
		 * or more, which ovm_semver_parse refuses.  Any other
		 * disagreement is a new bug.
		 */
		FZ_CHECK(ovm_semver_parse(&(struct ovm_semver){ 0 }, ver, vlen,
		    NULL) == 0,
		    "matched version '%.*s' not SemVer", (int)vlen, ver);
		FZ_CHECK((size_t)(ver - cand) == strlen(pre) &&
		    memcmp(cand, pre, strlen(pre)) == 0, "prefix differs");
		FZ_CHECK(clen - vlen - strlen(pre) == strlen(suf) &&
		    memcmp(ver + vlen, suf, strlen(suf)) == 0, "suffix differs");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
	char *tmpl = fz_strndup(data, tlen);
	const char *cand = nl != NULL ? (const char *)nl + 1 : "";
	size_t clen = nl != NULL ? size - tlen - 1 : 0;
	unsigned flags;

	for (flags = 0; flags <= OVM_TPL_COMMIT; flags++) {
		struct ovm_template *t = NULL;
		struct ovm_err err = OVM_ERR_INIT;
		int rc = ovm_template_compile(&t, tmpl, flags, &err);

		FZ_CHECK(rc == 0 || rc == OVM_ECONFIG || rc == OVM_ENOMEM,
		    "rc %d", rc);
		if (rc == 0) {
			/* compile must see the text up to a NUL only */
			check(t, cand, clen);
		} else {
			FZ_CHECK(t == NULL, "out set on error");
		}
		ovm_template_free(t);
	}
	free(tmpl);
	return 0;
}
