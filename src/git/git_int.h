#ifndef OVM_GIT_INT_H
#define OVM_GIT_INT_H

/*
 * Internal to src/git/ (the libgit2 seam): the repository handle and the
 * helpers its files share.  Included after <git2.h>; nothing outside
 * src/git/ includes it.
 */

#include "git/git.h"

struct graph;

struct ovm_repo {
	git_repository *repo;
	struct graph *graph;	/* commits read by history walks (walk.c) */
};

/* Translates the last libgit2 error into err with code; returns code. */
int og_fail(struct ovm_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* id as hex text. */
void og_oid_hex(struct ovm_oid *out, const git_oid *id);

/* Parses a full hex id; OVM_EINPUT when malformed. */
int og_parse_oid(git_oid *out, const char *hex, struct ovm_err *err);

/* The commit hex names; OVM_ENOTFOUND when missing, OVM_EINPUT when not
 * a commit. */
int og_lookup_commit(git_commit **out, struct ovm_repo *r, const char *hex,
    struct ovm_err *err);

/* Frees the commit graph of history walks (walk.c). */
void og_graph_free(struct graph *g);

#endif
