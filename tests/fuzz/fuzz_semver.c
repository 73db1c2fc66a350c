/*
 * SemVer: parse/format round trip and precedence laws.  The input is
 * split at its first NUL (or newline) into a and b.
 * - a valid version formats back to exactly its text (the grammar has one
 *   spelling per value: no leading zeros, no 'v');
 * - cmp is reflexive (0 with itself) and antisymmetric;
 * - a bump is above the original.
 */
#include "fuzz.h"

#include "core/semver.h"

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static int
parse_rt(struct ovm_semver *v, const char *s, size_t len)
{
	char buf[3 * OVM_SEMVER_MAX + 64];
	struct ovm_semver again;
	int rc;

	rc = ovm_semver_parse(v, s, len, NULL);
	FZ_CHECK(rc == 0 || rc == OVM_EINPUT, "rc %d", rc);
	if (rc != 0)
		return rc;
	FZ_CHECK(ovm_semver_format(buf, sizeof(buf), v) == 0, "format");
	FZ_CHECK(strlen(buf) == len && memcmp(buf, s, len) == 0,
	    "'%.*s' formats as '%s'", (int)len, s, buf);
	FZ_CHECK(ovm_semver_is_release(s, len) == (v->pre[0] == '\0'),
	    "is_release disagrees on '%s'", buf);
	FZ_CHECK(ovm_semver_parse(&again, buf, strlen(buf), NULL) == 0,
	    "'%s' does not parse again", buf);
	FZ_CHECK(ovm_semver_cmp(v, &again) == 0, "'%s' != itself", buf);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *cut = memchr(s, '\n', size);
	size_t la = cut != NULL ? (size_t)(cut - s) : size;
	size_t lb = cut != NULL ? size - la - 1 : 0;
	struct ovm_semver a, b, c;
	int ra, rb, k;

	ra = parse_rt(&a, s, la);
	rb = parse_rt(&b, cut != NULL ? cut + 1 : "", lb);
	if (ra == 0 && rb == 0) {
		int ab = sign(ovm_semver_cmp(&a, &b));
		int ba = sign(ovm_semver_cmp(&b, &a));

		FZ_CHECK(ab == -ba, "cmp(a,b)=%d cmp(b,a)=%d", ab, ba);
		FZ_CHECK(ovm_semver_cmp(&a, &a) == 0, "cmp(a,a) != 0");
	}
	if (ra == 0) {
		for (k = OVM_BUMP_PATCH; k <= OVM_BUMP_MAJOR; k++) {
			c = a;
			if (ovm_semver_bump(&c, (enum ovm_bump)k, NULL) != 0)
				continue;	/* overflow is refused */
			FZ_CHECK(c.pre[0] == '\0' && c.build[0] == '\0',
			    "bump kept pre/build");
			/* 1.2.3-rc.1 bumps (patch) to 1.2.3 in some tools;
			 * here a bump always clears pre and increments. */
			FZ_CHECK(ovm_semver_cmp(&c, &a) > 0, "bump %d not above", k);
		}
	}
	return 0;
}
