#ifndef OVM_PKGJSON_H
#define OVM_PKGJSON_H

/*
 * package.json and package-lock.json version fields
 * (doc/decisions.md#version-files).  Pure: bytes in, bytes out.
 *
 * The file must be strict JSON (one UTF-8 BOM allowed) whose top level is
 * an object.  The version member is found by its decoded name, so
 * "versi\u006fn" counts, and only at the top level: "version" keys nested
 * anywhere (scripts.version, devEngines.*.version, lerna.version) or text
 * inside strings are never read or touched.  A duplicate top-level
 * "version" is an error (JSON.parse would silently keep the last one).
 *
 * Rewrites change only the bytes of the version string token (its quotes
 * included); the BOM, line endings, indentation, key order, spacing and
 * the presence or absence of a final newline stay as they were.
 *
 * Errors are OVM_EINPUT with "path:line: ..." (invalid JSON:
 * "path:line:col: invalid JSON: ..."), err->line set; OVM_ENOMEM.
 */

#include <stddef.h>

#include "util/err.h"

/* Where a version string token sits in the buffer. */
struct ovm_pkgjson_loc {
	size_t off;	/* its opening quote, counted from byte 0 (BOM included) */
	size_t len;	/* its bytes, both quotes included */
	int line;	/* 1-based */
};

/*
 * The top-level "version" of package.json, decoded.  Errors: invalid JSON,
 * top level not an object, no top-level version, a duplicate one, one that
 * is not a string or contains U+0000.  Allocates *out (free).
 */
int ovm_pkgjson_version(char **out, const char *buf, size_t len,
    const char *path, struct ovm_err *err);

/* Same, also telling where the token is (loc_out may be NULL). */
int ovm_pkgjson_version_loc(char **out, struct ovm_pkgjson_loc *loc_out,
    const char *buf, size_t len, const char *path, struct ovm_err *err);

/*
 * A new buffer in which only the top-level version token is replaced by
 * version (JSON-escaped; it must be valid UTF-8).  The result is re-read
 * and must give back version.  *out is NUL-terminated for convenience;
 * *out_len counts the bytes without that NUL.  Allocates *out (free).
 */
int ovm_pkgjson_set_version(char **out, size_t *out_len, const char *buf,
    size_t len, const char *version, const char *path, struct ovm_err *err);

/*
 * package-lock.json: the root version lives at the top-level "version"
 * (lockfileVersion 1, 2, 3) and at packages[""].version (2 and 3); other
 * "version" members (dependencies.*, packages["node_modules/x"],
 * workspace members) are not the root version and are not touched.
 *
 * Sets every root location that exists; *changed_out = how many (0: the
 * lockfile has no root version and *out is an exact copy).  The result is
 * re-read and must give back version at each of them.  Allocates *out
 * (free), NUL-terminated as above.
 */
int ovm_npmlock_set_version(char **out, size_t *out_len, int *changed_out,
    const char *buf, size_t len, const char *version, const char *path,
    struct ovm_err *err);

/*
 * The lockfile's root version (its top-level "version"), or NULL in *out
 * when it has none.  Errors as for ovm_pkgjson_version.  Allocates *out.
 */
int ovm_npmlock_version(char **out, const char *buf, size_t len,
    const char *path, struct ovm_err *err);

#endif
