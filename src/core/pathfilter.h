#ifndef OVM_PATHFILTER_H
#define OVM_PATHFILTER_H

/*
 * GitHub-style path filters, compiled to PCRE2 (pure: no I/O).  Included
 * by pattern.h.
 *
 * A path filter is an ordered list of patterns in GitHub Actions'
 * on.push.paths dialect ("Filter pattern cheat sheet" in "Workflow syntax
 * for GitHub Actions"):
 *   *      any run of characters except '/'
 *   **     any run of characters, '/' included; a whole "**" segment
 *          followed by '/' also matches zero directories: "a/", "**", "/b"
 *          matches "a/b", and "**", "/x" matches "x" (split here only
 *          because the joined form would close this comment)
 *   ?      zero or one of the preceding character (or [class])
 *   +      one or more of the preceding character (or [class])
 *   [...]  one character listed; ranges a-z, A-Z, 0-9 (e.g. [0-9a-f])
 *   \c     the character c, literally
 *   !      first character only: the pattern excludes
 * The last pattern that matches a path decides (include or exclude); a
 * path no pattern matches is excluded.  Matching is case-sensitive, byte
 * by byte, and '*' matches dot files.  Paths are repository-relative with
 * '/' separators and no leading "./".
 */

#include <stddef.h>

#include "util/err.h"

struct ovm_pathfilter;	/* opaque: an ordered list of patterns */

/*
 * Compiles patterns[0..n).  Allocates *out (free with ovm_pathfilter_free).
 * n == 0 gives a filter that matches nothing.  OVM_ECONFIG naming the
 * pattern (and the column): empty pattern, bad '[...]', '?' or '+' with
 * nothing to repeat, a trailing '\', an absolute path, a ".." or "."
 * segment.  OVM_ENOMEM.
 */
int ovm_pathfilter_compile(struct ovm_pathfilter **out,
    const char *const *patterns, size_t n, struct ovm_err *err);
void ovm_pathfilter_free(struct ovm_pathfilter *f);

/*
 * 1 when the last pattern matching path is an inclusion, 0 otherwise.
 * OVM_ENOMEM (negative) is the only failure.  Uses scratch memory inside f:
 * one filter must not be matched from two threads at once.
 */
int ovm_pathfilter_match(const struct ovm_pathfilter *f, const char *path);

/*
 * The literal leading part of each inclusion pattern, in order, without
 * duplicates: the longest '/'-ended prefix with no special character
 * (escapes resolved), or the whole pattern when it is fully literal; ""
 * when the pattern starts with a wildcard (no pruning possible).  A path
 * the filter matches always lies at or under one of them, so a tree diff
 * may be restricted to these exact (literal, not glob) pathspecs.
 * Exclusions add none: they never make a path match.  Borrowed array;
 * *n_out set.
 */
const char *const *ovm_pathfilter_prefixes(const struct ovm_pathfilter *f,
    size_t *n_out);

/*
 * 1 when pattern, read in the path dialect, has no special character at
 * all (no * ? + [ \ and no leading !): a plain file path.  0 otherwise,
 * and for NULL or "".  Config uses it to refuse a glob where a file path is
 * required (from_dockerfile, version_files).
 */
int ovm_pattern_is_literal(const char *pattern);

#endif
