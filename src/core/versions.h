#ifndef OVM_VERSIONS_H
#define OVM_VERSIONS_H

/* Release versions of a tag family: the highest by SemVer precedence. */

#include <stddef.h>

#include "core/pattern.h"
#include "core/semver.h"
#include "core/tagv.h"

/* 1 when name matches one of tpl and its version is a release (out set). */
int ovm_family_release_of(struct ovm_semver *out,
    struct ovm_template *const *tpl, size_t n, const char *name);

/*
 * The highest release version (no pre-release) among tags whose names
 * match one of tpl[0..n); build metadata dropped.  Malformed versions
 * (01.2.3, 1.2) and other tags are ignored.  1 when found (out set), 0 when
 * none (pure).
 */
int ovm_family_highest(struct ovm_semver *out, struct ovm_template *const *tpl,
    size_t n, const struct ovm_tagv *tags);

/* The same, formatted; "" when none. */
int ovm_family_highest_text(char *buf, size_t size,
    struct ovm_template *const *tpl, size_t n, const struct ovm_tagv *tags);

#endif
