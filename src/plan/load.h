#ifndef OVM_PLAN_LOAD_H
#define OVM_PLAN_LOAD_H

/*
 * What every command starts from: the repository it names and the
 * configuration it should use (doc/config.md#where-it-is-read).
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

/*
 * The configuration of a commit (doc/config.md#where-it-is-read): file (--config) when given,
 * else the commit's own .ovm-release.json (a regular file, mode 100644),
 * else the embedded default.
 */
int ovm_load_commit_config(struct ovm_config *out, struct ovm_repo *repo,
    const char *commit, const char *file, struct ovm_err *err);

/* Refuses --track names the configuration lacks (OVM_EUSAGE). */
int ovm_check_tracks(const struct ovm_config *cfg, const struct ovm_strv *only,
    struct ovm_err *err);

#endif
