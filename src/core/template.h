#ifndef OVM_TEMPLATE_H
#define OVM_TEMPLATE_H

/*
 * Tag / commit templates, compiled to PCRE2 (pure: no I/O).  Included by
 * pattern.h.
 *
 * A template is literal text with exactly one "{version}", e.g.
 * "executor-layer@{version}".  The literal parts never act as regex
 * syntax; {version} stands for a SemVer 2.0 version (semver.org's regex:
 * pre-release and build metadata included, no leading zeros).
 */

#include <stddef.h>

#include "core/semver.h"
#include "util/err.h"

struct ovm_template;	/* opaque */

/* Commit template: the text before {version} must not be empty. */
#define OVM_TPL_COMMIT 0x1

/*
 * Compiles tmpl into an anchored PCRE2 pattern.  Allocates *out (free with
 * ovm_template_free).  OVM_ECONFIG naming the template: empty, not exactly
 * one {version}, empty prefix with OVM_TPL_COMMIT.  OVM_ENOMEM.
 */
int ovm_template_compile(struct ovm_template **out, const char *tmpl,
    unsigned flags, struct ovm_err *err);
void ovm_template_free(struct ovm_template *t);

/*
 * 1 when s[0..len) matches the whole template, and then *ver / *ver_len
 * (each may be NULL) point at the {version} part inside s (borrowed);
 * 0 when it does not.  s need not be NUL-terminated.
 */
int ovm_template_match(const struct ovm_template *t, const char *s,
    size_t len, const char **ver, size_t *ver_len);

/* ovm_template_match, and the {version} part parsed into *out. */
int ovm_template_match_version(const struct ovm_template *t, const char *s,
    size_t len, struct ovm_semver *out);

/* Allocates *out: the template with {version} replaced.  0 or OVM_ENOMEM. */
int ovm_template_format(char **out, const struct ovm_template *t,
    const char *version);

/* Getters (borrowed): literal text before / after {version}, the source. */
const char *ovm_template_prefix(const struct ovm_template *t);
const char *ovm_template_suffix(const struct ovm_template *t);
const char *ovm_template_text(const struct ovm_template *t);

#endif
