/*
 * Repositories: opening and closing one, its directories, revisions and
 * HEAD, configuration values and the commit identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "git/git_int.h"
#include "util/url.h"

static int initialised;

static void
ensure_init(void)
{
	if (!initialised) {
		git_libgit2_init();
		/*
		 * Objects are read, never written from outside: re-hashing
		 * each one on read costs a fifth of a history walk.
		 */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/* History walks read each commit once: a small object cache. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)(16 << 20));
		initialised = 1;
	}
}

void
ovm_git_version(char *buf, size_t size)
{
	int maj = 0, min = 0, rev = 0;

	git_libgit2_version(&maj, &min, &rev);
	snprintf(buf, size, "%d.%d.%d", maj, min, rev);
}

int
ovm_git_open(struct ovm_repo **out, const char *path, struct ovm_err *err)
{
	struct ovm_repo *r = NULL;
	int rc;

	*out = NULL;
	ensure_init();
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return ovm_err_nomem(err);
	rc = git_repository_open_ext(&r->repo, path != NULL ? path : ".", 0,
	    NULL);
	if (rc == GIT_ENOTFOUND) {
		free(r);
		return ovm_err_set(err, OVM_ENOTFOUND,
		    "not a git repository: '%s'", path != NULL ? path : ".");
	}
	if (rc < 0) {
		free(r);
		return og_fail(err, OVM_EGIT, "cannot open repository '%s'",
		    path != NULL ? path : ".");
	}
	if (git_repository_is_shallow(r->repo) == 1) {
		ovm_git_close(r);
		ovm_err_set(err, OVM_EINPUT,
		    "shallow clone: libgit2 cannot read shallow history; "
		    "check out full history (actions/checkout `fetch-depth: 0`)");
		return ovm_err_hint(err,
		    "run 'git fetch --unshallow', or set fetch-depth: 0");
	}
	*out = r;
	return 0;
}

void
ovm_git_close(struct ovm_repo *r)
{
	if (r == NULL)
		return;
	og_graph_free(r->graph);
	git_repository_free(r->repo);
	free(r);
}

const char *
ovm_git_workdir(const struct ovm_repo *r)
{
	return git_repository_workdir(r->repo);
}

const char *
ovm_git_commondir(const struct ovm_repo *r)
{
	return git_repository_commondir(r->repo);
}

int
ovm_git_resolve(struct ovm_oid *out, struct ovm_repo *r, const char *rev,
    struct ovm_err *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc;

	out->hex[0] = '\0';
	rc = git_revparse_single(&obj, r->repo, rev);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS)
		return ovm_err_set(err, OVM_ENOTFOUND,
		    "'%s' names no commit in this repository", rev);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot resolve '%s'", rev);
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return ovm_err_set(err, OVM_EINPUT, "'%s' is not a commit", rev);
	og_oid_hex(out, git_object_id(peeled));
	git_object_free(peeled);
	return 0;
}

int
ovm_git_head(struct ovm_head *out, struct ovm_repo *r, struct ovm_err *err)
{
	git_reference *head = NULL, *up = NULL;
	git_buf remote = GIT_BUF_INIT, upref = GIT_BUF_INIT;
	const char *refname;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = git_repository_head(&head, r->repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		git_reference *sym = NULL;

		/* An unborn branch: still report its name. */
		if (git_reference_lookup(&sym, r->repo, "HEAD") == 0 &&
		    git_reference_symbolic_target(sym) != NULL &&
		    strncmp(git_reference_symbolic_target(sym), "refs/heads/", 11) == 0)
			out->branch = strdup(git_reference_symbolic_target(sym) + 11);
		git_reference_free(sym);
		return 0;
	}
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot read HEAD");
	if (git_reference_target(head) != NULL)
		og_oid_hex(&out->oid, git_reference_target(head));
	refname = git_reference_name(head);
	if (git_reference_is_branch(head)) {
		out->branch = strdup(refname + strlen("refs/heads/"));
		if (out->branch == NULL) {
			rc = ovm_err_nomem(err);
			goto done;
		}
		if (git_branch_upstream_remote(&remote, r->repo, refname) == 0)
			out->upstream_remote = strdup(remote.ptr);
		if (git_branch_upstream_name(&upref, r->repo, refname) == 0) {
			out->upstream_ref = strdup(upref.ptr);
			if (git_reference_lookup(&up, r->repo, upref.ptr) == 0 &&
			    git_reference_target(up) != NULL)
				og_oid_hex(&out->upstream_oid, git_reference_target(up));
		}
		git_error_clear();
	}
	rc = 0;
done:
	git_buf_dispose(&remote);
	git_buf_dispose(&upref);
	git_reference_free(up);
	git_reference_free(head);
	if (rc < 0)
		ovm_head_free(out);
	return rc;
}

void
ovm_head_free(struct ovm_head *h)
{
	if (h == NULL)
		return;
	free(h->branch);
	free(h->upstream_remote);
	free(h->upstream_ref);
	memset(h, 0, sizeof(*h));
}

int
ovm_git_ref_commit(struct ovm_oid *out, struct ovm_repo *r, const char *refname,
    struct ovm_err *err)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int rc;

	out->hex[0] = '\0';
	rc = git_reference_lookup(&ref, r->repo, refname);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return ovm_err_set(err, OVM_ENOTFOUND, "no reference '%s'",
		    refname);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot read '%s'", refname);
	rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot peel '%s' to a commit",
		    refname);
	og_oid_hex(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

int
ovm_git_config_string(char **out, struct ovm_repo *r, const char *key,
    struct ovm_err *err)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	int rc;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return og_fail(err, OVM_EGIT, "cannot read git configuration");
	rc = git_config_get_string_buf(&buf, cfg, key);
	if (rc == 0) {
		*out = strdup(buf.ptr);
		rc = *out != NULL ? 0 : ovm_err_nomem(err);
	} else if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		rc = 0;
	} else {
		rc = og_fail(err, OVM_EGIT, "cannot read '%s'", key);
	}
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return rc;
}

int
ovm_git_user_identity(char **name_out, char **email_out, struct ovm_repo *r,
    struct ovm_err *err)
{
	git_signature *sig = NULL;

	*name_out = *email_out = NULL;
	if (git_signature_default(&sig, r->repo) < 0)
		return og_fail(err, OVM_EINPUT,
		    "no git identity (set user.name and user.email, or "
		    "\"identity\" in the configuration)");
	*name_out = strdup(sig->name);
	*email_out = strdup(sig->email);
	git_signature_free(sig);
	if (*name_out == NULL || *email_out == NULL) {
		free(*name_out);
		free(*email_out);
		*name_out = *email_out = NULL;
		return ovm_err_nomem(err);
	}
	return 0;
}

int
ovm_git_head_ref(char **out, struct ovm_repo *r, struct ovm_err *err)
{
	git_reference *head = NULL;
	const char *t;

	*out = NULL;
	if (git_reference_lookup(&head, r->repo, "HEAD") < 0)
		return og_fail(err, OVM_EGIT, "cannot read HEAD");
	t = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC ?
	    git_reference_symbolic_target(head) : "HEAD";
	*out = strdup(t);
	git_reference_free(head);
	return *out != NULL ? 0 : ovm_err_nomem(err);
}

const char *
ovm_git_gitdir(const struct ovm_repo *r)
{
	return git_repository_path(r->repo);
}

int
ovm_git_head_reflog_message(char **out, struct ovm_repo *r, struct ovm_err *err)
{
	git_reflog *log = NULL;
	const git_reflog_entry *e;
	const char *msg;

	*out = NULL;
	if (git_reflog_read(&log, r->repo, "HEAD") < 0)
		return og_fail(err, OVM_EGIT, "cannot read HEAD's reflog");
	e = git_reflog_entry_byindex(log, 0);
	msg = e != NULL ? git_reflog_entry_message(e) : NULL;
	if (msg != NULL) {
		*out = strdup(msg);
		if (*out == NULL) {
			git_reflog_free(log);
			return ovm_err_nomem(err);
		}
	}
	git_reflog_free(log);
	return 0;
}

int
ovm_git_hooks_dir(char **out, struct ovm_repo *r, struct ovm_err *err)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	const char *wd = git_repository_workdir(r->repo);
	int rc;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return og_fail(err, OVM_EGIT, "cannot read git configuration");
	rc = git_config_get_path(&buf, cfg, "core.hooksPath");
	if (rc == 0 && buf.ptr[0] != '\0') {
		/* A relative core.hooksPath is relative to the worktree top. */
		if (buf.ptr[0] == '/' || wd == NULL)
			*out = strdup(buf.ptr);
		else if (asprintf(out, "%s%s", wd, buf.ptr) < 0)
			*out = NULL;
	} else {
		git_error_clear();
		if (asprintf(out, "%shooks", git_repository_commondir(r->repo)) < 0)
			*out = NULL;
	}
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return *out != NULL ? 0 : ovm_err_nomem(err);
}
