/*
 * What every command starts from: the repository and its configuration
 * (doc/config.md#where-it-is-read): --config FILE, else .ovm-release.json at the repository's
 * root, else the embedded default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git/git.h"
#include "plan/load.h"
#include "util/util.h"

int
ovm_open_repo(struct ovm_repo **out, const char *dir, struct ovm_err *err)
{
	int rc = ovm_git_open(out, dir, err);

	if (rc == OVM_ENOTFOUND) {
		err->code = OVM_EINPUT;
		ovm_err_hint(err, "run it inside a git repository, or pass --repo");
		return OVM_EINPUT;
	}
	return rc;
}

int
ovm_load_repo_config(struct ovm_config *out, struct ovm_repo *repo,
    const char *file, struct ovm_err *err)
{
	char *buf = NULL, *path = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (file != NULL) {
		rc = ovm_read_file(&buf, &len, file, err);
		if (rc < 0) {
			err->code = rc = OVM_ECONFIG;
			goto done;
		}
		rc = ovm_config_load(out, buf, len, file, err);
		goto done;
	}
	if (repo == NULL || ovm_git_workdir(repo) == NULL) {
		rc = ovm_config_load(out, NULL, 0, NULL, err);
		goto done;
	}
	if (asprintf(&path, "%s%s", ovm_git_workdir(repo), OVM_CONFIG_FILE) < 0) {
		path = NULL;
		rc = ovm_err_nomem(err);
		goto done;
	}
	rc = ovm_read_file(&buf, &len, path, err);
	if (rc == OVM_ENOTFOUND) {
		rc = ovm_config_load(out, NULL, 0, NULL, err);
		goto done;
	}
	if (rc < 0) {
		err->code = rc = OVM_ECONFIG;
		if (err->hint[0] == '\0')
			ovm_err_hint(err, "make %s a regular file, or pass --config "
			    "FILE", OVM_CONFIG_FILE);
		goto done;
	}
	rc = ovm_config_load(out, buf, len, OVM_CONFIG_FILE, err);
done:
	free(buf);
	free(path);
	return rc;
}

int
ovm_load_worktree_config(struct ovm_config *out, const char *dir,
    const char *file, struct ovm_err *err)
{
	struct ovm_repo *repo = NULL;
	int rc;

	if (file == NULL) {
		rc = ovm_git_open(&repo, dir, err);
		if (rc < 0 && !(rc == OVM_ENOTFOUND && dir == NULL))
			return rc;
	}
	rc = ovm_load_repo_config(out, repo, file, err);
	ovm_git_close(repo);
	return rc;
}

char *
ovm_config_watch_path(struct ovm_repo *repo, const char *file)
{
	char *abs;
	const char *wd = repo != NULL ? ovm_git_workdir(repo) : NULL;
	char *res;

	if (file == NULL || wd == NULL)
		return strdup(OVM_CONFIG_FILE);
	abs = realpath(file, NULL);
	if (abs == NULL)
		return strdup(OVM_CONFIG_FILE);
	if (strncmp(abs, wd, strlen(wd)) == 0)
		res = strdup(abs + strlen(wd));
	else
		res = strdup(OVM_CONFIG_FILE);
	free(abs);
	return res;
}

int
ovm_load_commit_config(struct ovm_config *out, struct ovm_repo *repo,
    const char *commit, const char *file, struct ovm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned mode = 0;
	int rc;

	if (file != NULL)
		return ovm_load_repo_config(out, repo, file, err);
	rc = ovm_git_blob_at(&buf, &len, &mode, repo, commit, OVM_CONFIG_FILE,
	    err);
	if (rc == OVM_ENOTFOUND)
		return ovm_config_load(out, NULL, 0, NULL, err);
	if (rc < 0)
		return rc;
	if (buf == NULL) {
		ovm_err_set(err, OVM_ECONFIG, "%s at %.12s is not a regular "
		    "file (mode %06o)", OVM_CONFIG_FILE, commit, mode);
		return ovm_err_hint(err, "commit the configuration itself, not a "
		    "link to it, or pass --config FILE");
	}
	rc = ovm_config_load(out, buf, len, OVM_CONFIG_FILE, err);
	free(buf);
	return rc;
}

int
ovm_check_tracks(const struct ovm_config *cfg, const struct ovm_strv *only,
    struct ovm_err *err)
{
	size_t i;

	for (i = 0; only != NULL && i < only->n; i++)
		if (ovm_config_track(cfg, only->v[i]) == NULL)
			return ovm_err_set(err, OVM_EUSAGE,
			    "--track '%s': no such track in the configuration",
			    only->v[i]);
	return 0;
}
