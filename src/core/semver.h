#ifndef OVM_SEMVER_H
#define OVM_SEMVER_H

/*
 * SemVer 2.0.0: parse, precedence, bump, format.  Pure.
 * Numbers without leading zeros, empty identifiers rejected, numeric
 * pre-release identifiers without leading zeros; build metadata is kept but
 * ignored by precedence.
 */

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define OVM_SEMVER_MAX 256	/* longest version text accepted */

struct ovm_semver {
	uint64_t major, minor, patch;
	char pre[OVM_SEMVER_MAX];	/* "" when none */
	char build[OVM_SEMVER_MAX];	/* "" when none */
};

enum ovm_bump { OVM_BUMP_PATCH, OVM_BUMP_MINOR, OVM_BUMP_MAJOR };

/* Parses s[0..len); 0 or OVM_EINPUT (err may be NULL). */
int ovm_semver_parse(struct ovm_semver *out, const char *s, size_t len,
    struct ovm_err *err);

/* 1 when s is a release version: valid SemVer with no pre-release. */
int ovm_semver_is_release(const char *s, size_t len);

/* Precedence: <0, 0, >0.  Build metadata is ignored. */
/* Precedence of major.minor.patch alone: <0, 0, >0. */
int ovm_semver_cmp_numbers(const uint64_t a[3], const uint64_t b[3]);
int ovm_semver_cmp(const struct ovm_semver *a, const struct ovm_semver *b);

/* Increments per kind, clearing lower parts, pre-release and build. */
int ovm_semver_bump(struct ovm_semver *v, enum ovm_bump kind,
    struct ovm_err *err);

/* Writes "X.Y.Z[-pre][+build]" into buf; returns 0 or OVM_EINPUT if short. */
int ovm_semver_format(char *buf, size_t size, const struct ovm_semver *v);

/* "patch"/"minor"/"major" -> kind; -1 when unknown. */
int ovm_bump_from_name(const char *name);

#endif
