#ifndef OVM_PLAN_LOAD_H
#define OVM_PLAN_LOAD_H

/*
 * What every command starts from: the repository it names and the
 * configuration it should use (SPEC 7).
 */

#include "core/config.h"
#include "git/git.h"
#include "util/err.h"

/* Opens the repository at dir (NULL: "."); errors name it. */
int ovm_open_repo(struct ovm_repo **out, const char *dir, struct ovm_err *err);

/*
 * The configuration for an open repository (NULL: outside any): file
 * (--config) when given, else .ovm-release.json at the repository's root
 * when present, else the embedded default.
 */
int ovm_load_repo_config(struct ovm_config *out, struct ovm_repo *repo,
    const char *file, struct ovm_err *err);

/* The same from the working tree at dir (NULL: "."). */
int ovm_load_worktree_config(struct ovm_config *out, const char *dir,
    const char *file, struct ovm_err *err);

/* The configuration path to watch, repository-relative (malloc'd). */
char *ovm_config_watch_path(struct ovm_repo *repo, const char *file);

#endif
