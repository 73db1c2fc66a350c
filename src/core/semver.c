#include <stdio.h>
#include <string.h>

#include "core/semver.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '-';
}

/* A numeric part: digits, no leading zero, fits in uint64. */
static int
parse_num(uint64_t *out, const char **p, const char *end)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || !is_digit(*s))
		return -1;
	if (*s == '0' && s + 1 < end && is_digit(s[1]))
		return -1;
	while (s < end && is_digit(*s)) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		s++;
	}
	*out = v;
	*p = s;
	return 0;
}

/*
 * Dot-separated identifiers: non-empty, [0-9A-Za-z-]; with numeric_rule,
 * an all-digit identifier has no leading zero (pre-release rule).
 */
static int
check_idents(const char *s, const char *end, int numeric_rule)
{
	const char *start = s;

	if (s >= end)
		return -1;
	while (s <= end) {
		if (s == end || *s == '.') {
			size_t n = (size_t)(s - start);
			size_t i;
			int all_digits = 1;

			if (n == 0)
				return -1;
			for (i = 0; i < n; i++)
				if (!is_digit(start[i]))
					all_digits = 0;
			if (numeric_rule && all_digits && n > 1 &&
			    start[0] == '0')
				return -1;
			start = s + 1;
		} else if (!is_ident_char(*s)) {
			return -1;
		}
		s++;
	}
	return 0;
}

int
ovm_semver_parse(struct ovm_semver *out, const char *s, size_t len,
    struct ovm_err *err)
{
	const char *p = s, *end = s + len, *pre = NULL, *build = NULL;
	size_t i;

	/* Not a memset: 100k tag names come through here. */
	out->major = out->minor = out->patch = 0;
	out->pre[0] = out->build[0] = '\0';
	if (len == 0 || len >= OVM_SEMVER_MAX)
		goto bad;
	if (parse_num(&out->major, &p, end) < 0 || p >= end || *p++ != '.')
		goto bad;
	if (parse_num(&out->minor, &p, end) < 0 || p >= end || *p++ != '.')
		goto bad;
	if (parse_num(&out->patch, &p, end) < 0)
		goto bad;
	if (p < end && *p == '-')
		pre = ++p;
	for (i = (size_t)(p - s); i < len; i++) {
		if (s[i] == '+') {
			build = s + i + 1;
			break;
		}
	}
	if (pre != NULL) {
		const char *pend = build != NULL ? build - 1 : end;

		if (check_idents(pre, pend, 1) < 0)
			goto bad;
		memcpy(out->pre, pre, (size_t)(pend - pre));
		out->pre[pend - pre] = '\0';
	} else if (p < end && *p != '+') {
		goto bad;
	}
	if (build != NULL) {
		if (check_idents(build, end, 0) < 0)
			goto bad;
		memcpy(out->build, build, (size_t)(end - build));
		out->build[end - build] = '\0';
	}
	return 0;
bad:
	out->major = out->minor = out->patch = 0;
	out->pre[0] = out->build[0] = '\0';
	return ovm_err_set(err, OVM_EINPUT, "'%.*s' is not a SemVer 2.0 version",
	    (int)(len > 200 ? 200 : len), s);
}

int
ovm_semver_is_release(const char *s, size_t len)
{
	struct ovm_semver v;

	return ovm_semver_parse(&v, s, len, NULL) == 0 && v.pre[0] == '\0';
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* SemVer 2.0 section 11: compare pre-release identifiers left to right. */
static int
cmp_pre(const char *a, const char *b)
{
	for (;;) {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		int da = all_digits(a, na), db = all_digits(b, nb);
		int c;

		if (da && db) {
			if (na != nb)
				return na < nb ? -1 : 1;
			c = memcmp(a, b, na);
		} else if (da) {
			return -1;
		} else if (db) {
			return 1;
		} else {
			c = memcmp(a, b, na < nb ? na : nb);
			if (c == 0 && na != nb)
				c = na < nb ? -1 : 1;
		}
		if (c != 0)
			return c < 0 ? -1 : 1;
		a += na;
		b += nb;
		if (*a == '\0' && *b == '\0')
			return 0;
		if (*a == '\0')
			return -1;
		if (*b == '\0')
			return 1;
		a++;
		b++;
	}
}

int
ovm_semver_cmp_numbers(const uint64_t a[3], const uint64_t b[3])
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int
ovm_semver_cmp(const struct ovm_semver *a, const struct ovm_semver *b)
{
	const uint64_t na[3] = { a->major, a->minor, a->patch };
	const uint64_t nb[3] = { b->major, b->minor, b->patch };
	int c = ovm_semver_cmp_numbers(na, nb);

	if (c != 0)
		return c;
	if (a->pre[0] == '\0' || b->pre[0] == '\0') {
		if (a->pre[0] == b->pre[0])
			return 0;
		return a->pre[0] == '\0' ? 1 : -1;
	}
	return cmp_pre(a->pre, b->pre);
}

int
ovm_semver_bump(struct ovm_semver *v, enum ovm_bump kind, struct ovm_err *err)
{
	uint64_t *part = kind == OVM_BUMP_MAJOR ? &v->major :
	    kind == OVM_BUMP_MINOR ? &v->minor : &v->patch;

	if (*part == UINT64_MAX)
		return ovm_err_set(err, OVM_EINPUT,
		    "version number overflows when bumped");
	(*part)++;
	if (kind == OVM_BUMP_MAJOR)
		v->minor = 0;
	if (kind != OVM_BUMP_PATCH)
		v->patch = 0;
	v->pre[0] = '\0';
	v->build[0] = '\0';
	return 0;
}

int
ovm_semver_format(char *buf, size_t size, const struct ovm_semver *v)
{
	int n = snprintf(buf, size, "%llu.%llu.%llu%s%s%s%s",
	    (unsigned long long)v->major, (unsigned long long)v->minor,
	    (unsigned long long)v->patch, v->pre[0] ? "-" : "", v->pre,
	    v->build[0] ? "+" : "", v->build);

	if (n < 0 || (size_t)n >= size)
		return OVM_EINPUT;
	return 0;
}

int
ovm_bump_from_name(const char *name)
{
	if (strcmp(name, "patch") == 0)
		return OVM_BUMP_PATCH;
	if (strcmp(name, "minor") == 0)
		return OVM_BUMP_MINOR;
	if (strcmp(name, "major") == 0)
		return OVM_BUMP_MAJOR;
	return -1;
}
