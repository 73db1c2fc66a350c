#ifndef OVM_GITHUB_H
#define OVM_GITHUB_H

/*
 * The GitHub REST releases API: every release of OWNER/REPO, following
 * Link pagination; drafts and pre-releases left out; rate-limit answers
 * turned into a message with the reset time.
 */

#include "core/tagv.h"
#include "util/err.h"

/* Published (non-draft, non-prerelease) releases' tag names, into out. */
int ovm_github_release_tags(struct ovm_tagv *out, const char *api_url,
    const char *owner_repo, const char *token, struct ovm_err *err);

/* The rel="next" URL of a Link header (malloc'd), NULL when none (pure). */
char *ovm_link_next(const char *link);

#endif
