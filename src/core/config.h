#ifndef OVM_CONFIG_H
#define OVM_CONFIG_H

/*
 * Configuration: the embedded default (doc/config.md), and
 * .ovm-release.json merged over it with strict validation.  Pure: the
 * caller reads the file.
 */

#include <stddef.h>

#include "util/err.h"
#include "util/util.h"

enum ovm_vf_format { OVM_VF_NPM_PACKAGE, OVM_VF_NPM_LOCK };

struct ovm_version_file {
	char *path;
	enum ovm_vf_format format;
	int optional;
};

struct ovm_track {
	char *name;
	char *from_dockerfile;		/* NULL for a from_tags track */
	char *stage;			/* NULL: the first FROM */
	struct ovm_strv from_tags;	/* empty for a Dockerfile track */
	char *bump;			/* "patch" | "minor" | "major" */
	char *initial;			/* first version when no tag exists */
	struct ovm_version_file *version_files;
	size_t n_version_files;
	char *commit;			/* commit template, NULL when none */
	struct ovm_strv tags;
	struct ovm_strv paths;
	struct ovm_strv watch;
	char *skip_token;		/* NULL when none */
	int verify_image;
	int catch_up;
};

struct ovm_config {
	struct ovm_strv branches;
	char *remote;
	char *identity_name;		/* NULL: no identity configured */
	char *identity_email;
	char *hook_mode;		/* "notify" | "tag" */
	struct ovm_track *tracks;
	size_t n_tracks;
	char *source;			/* the file read, or NULL: embedded */
};

#define OVM_CONFIG_FILE ".ovm-release.json"

/*
 * Loads the configuration: the embedded default, with buf (the contents of
 * path) merged over it when buf is not NULL.  Errors are OVM_ECONFIG naming
 * the key (and its line where it can be found).  Allocates; free with
 * ovm_config_free.
 */
int ovm_config_load(struct ovm_config *out, const char *buf, size_t len,
    const char *path, struct ovm_err *err);

void ovm_config_free(struct ovm_config *cfg);

/* The effective configuration as pretty JSON.  Allocates *out. */
int ovm_config_to_json(char **out, const struct ovm_config *cfg,
    struct ovm_err *err);

/* The track named name, or NULL. */
const struct ovm_track *ovm_config_track(const struct ovm_config *cfg,
    const char *name);

/* 1 when branch is one of the release branches. */
int ovm_config_is_release_branch(const struct ovm_config *cfg,
    const char *branch);

/* 1 when path is a safe repository-relative path (no "..", not absolute). */
int ovm_path_is_safe(const char *path);

#endif
