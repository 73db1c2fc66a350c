#ifndef OVM_REFNAME_H
#define OVM_REFNAME_H

/*
 * Names git gives things: object ids (hex) and ref names, checked by git's
 * check-ref-format rules (refs.c check_refname_component).  Pure.
 */

#include "util/err.h"

/* 1 when hex is the all-zero object id (40 or 64 '0'), else 0. */
int ovm_oid_is_zero(const char *hex);

/* 1 when hex is a full object id: 40 or 64 hex digits (either case). */
int ovm_oid_is_valid(const char *hex);

/*
 * A lower-case copy of hex, a valid object id.  Allocates (free); NULL when
 * out of memory.
 */
char *ovm_oid_dup(const char *hex);

/*
 * 0 when name is a valid branch name, i.e. "refs/heads/<name>" passes
 * git's check-ref-format rules and name does not start with '-' and is not
 * "HEAD"; OVM_EINPUT (naming it) otherwise.
 */
int ovm_branch_name_check(const char *name, struct ovm_err *err);

/*
 * 1 when refname (a full ref such as "refs/heads/main") passes git's
 * check-ref-format rules with at least two components, else 0.
 */
int ovm_refname_is_valid(const char *refname);

#endif
