#ifndef OVM_PLAN_REMOTE_H
#define OVM_PLAN_REMOTE_H

/*
 * The plan's network steps: the credential for the remote (doc/decisions.md#credentials), the
 * fetches rule A7 and B1 need, local-only tags, image checks (doc/decisions.md#image-checks).
 */

#include "git/git.h"
#include "util/err.h"

/*
 * doc/decisions.md#credentials: the first credential source that applies to the remote in
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
 * verify_image (doc/decisions.md#image-checks): for each releasing Dockerfile track that asks for
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

#endif
