#ifndef OVM_CONTEXT_H
#define OVM_CONTEXT_H

/* What commands share: loading the configuration a command should use. */

#include "ovm/cli.h"
#include "ovm/config.h"
#include "ovm/err.h"
#include "ovm/git.h"

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

/* 1 when stdout is a terminal and NO_COLOR is unset. */
int ovm_use_color(void);
/* 1 when the locale's character set is UTF-8. */
int ovm_utf8_locale(void);

#endif
