#ifndef OVM_CONTEXT_H
#define OVM_CONTEXT_H

/* What commands share: loading the configuration a command should use. */

#include "cli/cli.h"
#include "core/config.h"
#include "util/err.h"
#include "git/git.h"

/*
 * The configuration from the working tree: --config FILE, else
 * .ovm-release.json at the repository root when present, else the embedded
 * default.  Outside a repository only --config and the default apply.
 */
int ovm_load_worktree_config(struct ovm_config *out, const struct ovm_opts *o,
    struct ovm_err *err);

/* The same, for an open repository (NULL: outside any). */
int ovm_load_repo_config(struct ovm_config *out, struct ovm_repo *repo,
    const struct ovm_opts *o, struct ovm_err *err);

/* The configuration path to watch, repository-relative (malloc'd). */
char *ovm_config_watch_path(struct ovm_repo *repo, const struct ovm_opts *o);

/* Opens the repository of --repo (or "."); errors name it. */
int ovm_open_repo(struct ovm_repo **out, const struct ovm_opts *o,
    struct ovm_err *err);

/*
 * SPEC 4.8: the first credential source that applies to the remote in
 * ro->remote: OVM_RELEASE_TOKEN; an http.<url>.extraheader matching its
 * URL; GITHUB_TOKEN / GH_TOKEN.  Sets ro->token or ro->extraheader (then
 * *hdr_out owns it) and *source_out (the source's name, never the value;
 * NULL when none).  Allocates.
 */
int ovm_credentials(struct ovm_remote_opts *ro, char **hdr_out,
    char **source_out, struct ovm_repo *repo, struct ovm_err *err);

/* Fetches refs/heads/<branch> into refs/remotes/<remote>/<branch>. */
int ovm_fetch_branch(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, struct ovm_err *err);

/*
 * verify_image (SPEC 8): for each releasing Dockerfile track that asks for
 * it, the image must exist in its registry, or the track is refused
 * (exit 1) before anything is written.  Network failures refuse it with
 * exit 3.
 */
struct ovm_plan;
void ovm_verify_images(struct ovm_plan *p);

/*
 * Rule A7: fetches the branch, then every branch of the remote, until the
 * commit before is here (it may still be missing afterwards).
 */
int ovm_fetch_before(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, const char *before, struct ovm_err *err);

/*
 * Tags of the tracks' families that exist only locally: ignored (the
 * remote is the truth), with a warning on their track.
 */
void ovm_warn_local_only(struct ovm_plan *p, struct ovm_repo *repo,
    const struct ovm_tagv *remote);

/*
 * $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, when set, can be appended to
 * (each is opened for appending, created when missing, and closed): run
 * checks this before anything is written or pushed, so that a release is
 * never made whose outputs the workflow then cannot read.  OVM_EIO naming
 * the variable, its path and why.
 */
int ovm_github_files_check(struct ovm_err *err);

/* Appends to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY when they are set. */
int ovm_github_files(const struct ovm_plan *p, int single_track,
    struct ovm_err *err);

/* 1 when stdout is a terminal and NO_COLOR is unset. */
int ovm_use_color(void);
/* 1 when the locale's character set is UTF-8. */
int ovm_utf8_locale(void);

#endif
