#ifndef OVM_GIT_H
#define OVM_GIT_H

/*
 * The libgit2 seam: the only module that includes <git2.h>.  Object ids
 * cross it as hex text (struct ovm_oid), repositories as an opaque handle.
 */

#include <stddef.h>

#include "core/tagv.h"
#include "util/err.h"
#include "util/util.h"

struct ovm_repo;

/* The linked libgit2 version, "1.5.1". */
void ovm_git_version(char *buf, size_t size);

/*
 * Opens the repository containing path (NULL: "."), discovering upwards.
 * A shallow repository is OVM_EINPUT with the fetch-depth hint; no
 * repository is OVM_ENOTFOUND.  Allocates *out.
 */
int ovm_git_open(struct ovm_repo **out, const char *path, struct ovm_err *err);
void ovm_git_close(struct ovm_repo *r);

/* Working tree root with a trailing '/', NULL for a bare repository. */
const char *ovm_git_workdir(const struct ovm_repo *r);
/* This worktree's git directory (.git, or .git/worktrees/<n>), trailing '/'. */
const char *ovm_git_gitdir(const struct ovm_repo *r);

/* The message of HEAD's newest reflog entry; *out NULL when none. */
int ovm_git_head_reflog_message(char **out, struct ovm_repo *r,
    struct ovm_err *err);

/* The repository's hooks directory: core.hooksPath or <commondir>/hooks. */
int ovm_git_hooks_dir(char **out, struct ovm_repo *r, struct ovm_err *err);

/* The common git directory (shared by linked worktrees), trailing '/'. */
const char *ovm_git_commondir(const struct ovm_repo *r);

/*
 * The commit a tag points at: tv's entry when known, else resolved now
 * (loose tags are listed by name only).  "" when it peels to no commit.
 */
int ovm_git_tag_target(struct ovm_oid *out, struct ovm_repo *r,
    const struct ovm_tag *t);

/*
 * Resolves a revision ("HEAD", "main", a hex id) to a commit id.
 * OVM_ENOTFOUND when it names nothing, OVM_EINPUT when not a commit.
 */
int ovm_git_resolve(struct ovm_oid *out, struct ovm_repo *r, const char *rev,
    struct ovm_err *err);

/* 1 when the commit hex is in the object database, 0 when not. */
int ovm_git_has_commit(struct ovm_repo *r, const char *hex);

/* HEAD: the branch it is on (NULL when detached) and its commit. */
struct ovm_head {
	char *branch;		/* short name, NULL when detached */
	struct ovm_oid oid;	/* "" on an unborn branch */
	char *upstream_remote;	/* branch.<b>.remote, NULL when none */
	char *upstream_ref;	/* refs/remotes/<r>/<b> tracking ref, NULL when none */
	struct ovm_oid upstream_oid;	/* "" when the tracking ref is missing */
};

int ovm_git_head(struct ovm_head *out, struct ovm_repo *r, struct ovm_err *err);
void ovm_head_free(struct ovm_head *h);

/* The commit a reference (full name) peels to; OVM_ENOTFOUND when none. */
int ovm_git_ref_commit(struct ovm_oid *out, struct ovm_repo *r,
    const char *refname, struct ovm_err *err);

/* The merge base of a and b; OVM_ENOTFOUND when none. */
int ovm_git_merge_base(struct ovm_oid *out, struct ovm_repo *r, const char *a,
    const char *b, struct ovm_err *err);

/* 1 when ancestor is descendant or one of its ancestors, 0 when not. */
int ovm_git_is_ancestor(struct ovm_repo *r, const char *ancestor,
    const char *descendant, struct ovm_err *err);

/*
 * Every path that differs between the trees of commits a and b (a may be
 * NULL: the empty tree), both sides of a rename or deletion, restricted to
 * pathspecs when n > 0 (literal paths or directories: libgit2 prunes the
 * tree walk only on those).  Appends to out, without duplicates.
 */
int ovm_git_changed_paths(struct ovm_strv *out, struct ovm_repo *r,
    const char *a, const char *b, const char *const *pathspecs, size_t n,
    struct ovm_err *err);

/*
 * Calls fn with the id and message of each commit in before..after (merged
 * second-parent history included; before may be NULL: all of after's
 * history).  fn returns non-zero to stop early; that value is returned.
 */
int ovm_git_walk_range(struct ovm_repo *r, const char *before,
    const char *after, int (*fn)(const char *hex, const char *msg, void *ctx),
    void *ctx, struct ovm_err *err);

/* A commit's message and parents (at most 2 are returned; *nparents all). */
int ovm_git_commit_info(char **msg_out, struct ovm_oid *parents,
    size_t *nparents, struct ovm_repo *r, const char *hex,
    struct ovm_err *err);

/*
 * The blob at path in commit hex.  *mode_out is the tree entry's file mode
 * (0100644, 0100755, 0120000 symlink, 0160000 submodule, 040000 tree);
 * out is set only for a regular blob (NULL otherwise).  OVM_ENOTFOUND when
 * the path is absent.  Allocates *out.
 */
int ovm_git_blob_at(char **out, size_t *len_out, unsigned *mode_out,
    struct ovm_repo *r, const char *hex, const char *path,
    struct ovm_err *err);

/*
 * Local tags whose names start with any of prefix[0..n), each listed once,
 * with their peeled targets (loose tags: names only, see
 * ovm_git_tag_target).
 */
int ovm_git_tags_with_prefix(struct ovm_tagv *out, struct ovm_repo *r,
    const char *const *prefix, size_t n, struct ovm_err *err);

/* A configuration string (repository + global), NULL in *out when unset. */
int ovm_git_config_string(char **out, struct ovm_repo *r, const char *key,
    struct ovm_err *err);

/* ---- writing ------------------------------------------------------------- */

struct ovm_sig {
	const char *name, *email;	/* NULL: the user's git identity */
};

/* A new content for a path, for a commit on top of a parent. */
struct ovm_file_update {
	const char *path;
	const char *content;
	size_t len;
	unsigned mode;		/* 0100644 or 0100755 */
};

/*
 * Writes blobs, a tree (parent's tree with the updates) and a commit whose
 * only parent is parent — moving no reference.  Author and committer from
 * sig (NULL fields: the repository's user.name/user.email).
 */
int ovm_git_commit_files(struct ovm_oid *out, struct ovm_repo *r,
    const char *parent, const struct ovm_file_update *files, size_t n,
    const char *message, const struct ovm_sig *sig, struct ovm_err *err);

/* The repository user's identity (user.name, user.email); allocates. */
int ovm_git_user_identity(char **name_out, char **email_out,
    struct ovm_repo *r, struct ovm_err *err);

/*
 * Compare-and-swap a reference: set refname to new_hex only when it is at
 * old_hex (old_hex NULL: it must not exist).  OVM_EEXISTS when it moved.
 */
int ovm_git_ref_cas(struct ovm_repo *r, const char *refname,
    const char *new_hex, const char *old_hex, const char *log,
    struct ovm_err *err);

/* Deletes a reference; missing is fine. */
int ovm_git_ref_delete(struct ovm_repo *r, const char *refname);

/* The full name of the reference HEAD points at ("HEAD" when detached). */
int ovm_git_head_ref(char **out, struct ovm_repo *r, struct ovm_err *err);

/*
 * Working-tree state of path against commit hex: 0 clean (file and index
 * entry both equal the blob at hex, or both absent), 1 modified.
 */
int ovm_git_path_dirty(struct ovm_repo *r, const char *hex, const char *path,
    struct ovm_err *err);

/*
 * 1 when the working-tree file at path has exactly content (our own
 * earlier write that a killed run left behind), 0 otherwise.
 */
int ovm_git_worktree_equals(struct ovm_repo *r, const char *path,
    const char *content, size_t len);

/* Stages the working-tree file at path (after writing it). */
int ovm_git_index_add(struct ovm_repo *r, const char *path,
    struct ovm_err *err);

/* ---- remotes ----------------------------------------------------------- */

struct ovm_remote_opts {
	const char *remote;		/* a remote name */
	const char *token;		/* x-access-token basic auth, NULL: none */
	const char *extraheader;	/* "AUTHORIZATION: basic …", NULL: none */
};

/* The remote's URL after insteadOf/pushInsteadOf, userinfo redacted. */
int ovm_git_remote_url(char **out, struct ovm_repo *r, const char *remote,
    int push, struct ovm_err *err);

/*
 * The remote's advertised refs: tags (peeled targets) and the tip of
 * refs/heads/<branch> ("" when absent).
 */
int ovm_git_ls_remote(struct ovm_tagv *tags_out, struct ovm_oid *tip_out,
    struct ovm_repo *r, const struct ovm_remote_opts *ro, const char *branch,
    struct ovm_err *err);

/* Fetches refspecs, e.g. "+refs/heads/main:refs/remotes/origin/main". */
int ovm_git_fetch(struct ovm_repo *r, const struct ovm_remote_opts *ro,
    const char *const *refspecs, size_t n, struct ovm_err *err);

struct ovm_push_status {
	int accepted;		/* the server took the ref */
	int nonff;		/* refused as not a fast-forward (a race) */
	int exists;		/* a tag already on the remote: not sent */
	char status[256];	/* the server's reason when rejected */
};

/*
 * Pushes one refspec "src:dst" (src a local ref; never forced).  For a tag
 * (dst under refs/tags/) an existing remote tag is refused before anything
 * is sent.  Returns 0 when the push ran (st says whether the ref was
 * accepted), <0 on a transport or authentication failure (OVM_EENV).
 */
int ovm_git_push_ref(struct ovm_push_status *st, struct ovm_repo *r,
    const struct ovm_remote_opts *ro, const char *src, const char *dst,
    struct ovm_err *err);

/*
 * The http.<url>.extraheader that applies to url (git's URL matching: same
 * scheme, host and port, the longest path prefix wins; an empty value
 * resets the list), read from the repository's configuration including
 * includeIf.gitdir files.  *out NULL when none; *source_out names the key.
 */
int ovm_git_extraheader(char **out, char **source_out, struct ovm_repo *r,
    const char *url, struct ovm_err *err);


#endif
