#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/context.h"
#include "git/git.h"
#include "core/imageref.h"
#include "plan/plan.h"
#include "net/registry.h"
#include "util/util.h"

int
ovm_open_repo(struct ovm_repo **out, const struct ovm_opts *o,
    struct ovm_err *err)
{
	int rc = ovm_git_open(out, o->repo, err);

	if (rc == OVM_ENOTFOUND) {
		err->code = OVM_EINPUT;
		ovm_err_hint(err, "run it inside a git repository, or pass --repo");
		return OVM_EINPUT;
	}
	return rc;
}

int
ovm_load_repo_config(struct ovm_config *out, struct ovm_repo *repo,
    const struct ovm_opts *o, struct ovm_err *err)
{
	char *buf = NULL, *path = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (o->config != NULL) {
		rc = ovm_read_file(&buf, &len, o->config, err);
		if (rc < 0) {
			err->code = rc = OVM_ECONFIG;
			goto done;
		}
		rc = ovm_config_load(out, buf, len, o->config, err);
		goto done;
	}
	if (repo == NULL || ovm_git_workdir(repo) == NULL) {
		rc = ovm_config_load(out, NULL, 0, NULL, err);
		goto done;
	}
	if (asprintf(&path, "%s%s", ovm_git_workdir(repo), OVM_CONFIG_FILE) < 0) {
		path = NULL;
		rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
ovm_load_worktree_config(struct ovm_config *out, const struct ovm_opts *o,
    struct ovm_err *err)
{
	struct ovm_repo *repo = NULL;
	int rc;

	if (o->config == NULL) {
		rc = ovm_git_open(&repo, o->repo, err);
		if (rc < 0 && !(rc == OVM_ENOTFOUND && o->repo == NULL))
			return rc;
	}
	rc = ovm_load_repo_config(out, repo, o, err);
	ovm_git_close(repo);
	return rc;
}

char *
ovm_config_watch_path(struct ovm_repo *repo, const struct ovm_opts *o)
{
	char *abs;
	const char *wd = repo != NULL ? ovm_git_workdir(repo) : NULL;
	char *res;

	if (o->config == NULL || wd == NULL)
		return strdup(OVM_CONFIG_FILE);
	abs = realpath(o->config, NULL);
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
ovm_use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
}

int
ovm_utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
}

int
ovm_credentials(struct ovm_remote_opts *ro, char **hdr_out, char **source_out,
    struct ovm_repo *repo, struct ovm_err *err)
{
	const char *tok = getenv("OVM_RELEASE_TOKEN");
	const char *name = "OVM_RELEASE_TOKEN";
	char *url = NULL;
	int rc;

	*hdr_out = NULL;
	*source_out = NULL;
	if (tok == NULL || tok[0] == '\0') {
		rc = ovm_git_remote_url(&url, repo, ro->remote, 1, err);
		if (rc < 0) {
			if (err->hint[0] == '\0' && (rc == OVM_EINPUT ||
			    rc == OVM_ECONFIG || rc == OVM_ENOTFOUND))
				ovm_err_hint(err, "name a remote of this "
				    "repository (git remote -v) with --remote, or "
				    "in the configuration's \"remote\"");
			return rc;
		}
		rc = ovm_git_extraheader(hdr_out, source_out, repo, url, err);
		free(url);
		if (rc < 0)
			return rc;
		if (*hdr_out != NULL) {
			ro->extraheader = *hdr_out;
			return 0;
		}
		tok = getenv("GITHUB_TOKEN");
		name = "GITHUB_TOKEN";
		if (tok == NULL || tok[0] == '\0') {
			tok = getenv("GH_TOKEN");
			name = "GH_TOKEN";
		}
		if (tok == NULL || tok[0] == '\0')
			return 0;
	}
	ro->token = tok;
	*source_out = strdup(name);
	return *source_out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM,
	    "out of memory");
}

int
ovm_fetch_branch(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, struct ovm_err *err)
{
	char *spec = NULL;
	const char *specs[1];
	int rc;

	if (asprintf(&spec, "+refs/heads/%s:refs/remotes/%s/%s", branch,
	    ro->remote, branch) < 0)
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	specs[0] = spec;
	rc = ovm_git_fetch(repo, ro, specs, 1, err);
	free(spec);
	return rc;
}

void
ovm_verify_images(struct ovm_plan *p)
{
	size_t i;

	for (i = 0; i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];
		struct ovm_imageref ref = OVM_IMAGEREF_INIT;
		struct ovm_image_check chk;
		struct ovm_err e = OVM_ERR_INIT;
		int rc;

		if (!t->cfg->verify_image || t->decision != OVM_DEC_RELEASE ||
		    t->exit_code != 0 || t->image_ref == NULL)
			continue;
		rc = ovm_imageref_parse(&ref, t->image_ref, &e);
		if (rc == 0)
			rc = ovm_registry_check(&chk, &ref, &e);
		ovm_imageref_free(&ref);
		if (rc < 0) {
			t->err = e;
			t->exit_code = ovm_err_exit_code(rc);
			t->decision = OVM_DEC_REFUSE;
			continue;
		}
		if (!chk.found) {
			ovm_err_set(&t->err, OVM_EREFUSED, "%s: the image %s is not "
			    "in its registry (%s answered %ld): refusing to tag it",
			    t->cfg->name, t->image_ref, chk.url, chk.status);
			ovm_err_hint(&t->err, "publish the base image first");
			t->exit_code = 1;
			t->decision = OVM_DEC_REFUSE;
		} else if (chk.digest != NULL && t->digest == NULL) {
			t->digest = strdup(chk.digest);
		}
		ovm_image_check_free(&chk);
	}
}

int
ovm_fetch_before(struct ovm_repo *repo, const struct ovm_remote_opts *ro,
    const char *branch, const char *before, struct ovm_err *err)
{
	char *spec = NULL;
	const char *specs[1];
	int rc;

	rc = ovm_fetch_branch(repo, ro, branch, err);
	if (rc < 0 || ovm_git_has_commit(repo, before))
		return rc;
	/* Still missing: another branch of the remote may hold it. */
	if (asprintf(&spec, "+refs/heads/*:refs/remotes/%s/*", ro->remote) < 0)
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	specs[0] = spec;
	rc = ovm_git_fetch(repo, ro, specs, 1, err);
	free(spec);
	return rc;
}

/* Tags that exist only here are ignored: the remote is the truth. */
void
ovm_warn_local_only(struct ovm_plan *p, struct ovm_repo *repo,
    const struct ovm_tagv *remote)
{
	size_t i, j;

	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_track *t = p->tracks[i].cfg;

		for (j = 0; j < t->tags.n; j++) {
			struct ovm_tagv local = { NULL, 0, 0 };
			const char *at = strstr(t->tags.v[j], "{version}");
			char *prefix = strndup(t->tags.v[j], at != NULL ?
			    (size_t)(at - t->tags.v[j]) : 0);
			size_t k, n = 0;

			if (prefix == NULL)
				continue;
			if (ovm_git_tags_with_prefix(&local, repo,
			    (const char *const *)&prefix, 1, NULL) == 0)
				for (k = 0; k < local.n; k++)
					if (ovm_tagv_find(remote, local.v[k].name) == NULL &&
					    n++ < 3)
						ovm_strv_pushf(&p->tracks[i].warnings,
						    "tag %s exists only locally: "
						    "ignored", local.v[k].name);
			free(prefix);
			ovm_tagv_free(&local);
		}
	}
}


static int
github_file_error(struct ovm_err *err, const char *var, const char *path,
    const char *what, int errnum)
{
	ovm_err_set(err, OVM_EIO, "cannot %s $%s ('%s'): %s", what, var, path,
	    strerror(errnum));
	return ovm_err_hint(err, "point %s at a writable file (GitHub Actions "
	    "sets it), or unset it outside Actions", var);
}

int
ovm_github_files_check(struct ovm_err *err)
{
	static const char *const vars[] = { "GITHUB_OUTPUT",
	    "GITHUB_STEP_SUMMARY" };
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *path = getenv(vars[i]);
		int fd;

		if (path == NULL || path[0] == '\0')
			continue;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return github_file_error(err, vars[i], path, "open", errno);
		close(fd);
	}
	return 0;
}

/* $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY are appended to, never replaced. */
int
ovm_github_files(const struct ovm_plan *p, int single_track,
    struct ovm_err *err)
{
	const char *out = getenv("GITHUB_OUTPUT");
	const char *sum = getenv("GITHUB_STEP_SUMMARY");
	FILE *f;
	int rc = 0;

	if (out != NULL && out[0] != '\0') {
		f = fopen(out, "a");
		if (f == NULL)
			return github_file_error(err, "GITHUB_OUTPUT", out, "open",
			    errno);
		rc = ovm_plan_write_github_output(f, p, single_track, err);
		if (fclose(f) != 0 && rc == 0)
			rc = github_file_error(err, "GITHUB_OUTPUT", out, "write",
			    errno);
		if (rc < 0)
			return rc;
	}
	if (sum != NULL && sum[0] != '\0') {
		f = fopen(sum, "a");
		if (f == NULL)
			return github_file_error(err, "GITHUB_STEP_SUMMARY", sum,
			    "open", errno);
		rc = ovm_plan_write_step_summary(f, p);
		if (fclose(f) != 0 || rc < 0)
			return github_file_error(err, "GITHUB_STEP_SUMMARY", sum,
			    "write", errno != 0 ? errno : EIO);
	}
	return 0;
}

