/*
 * The checkout: version files written atomically and staged, HEAD moved
 * to the bump commit by compare-and-swap, and what must hold before any
 * of it (doc/decisions.md#what-run-does).  The working tree moves only after the branch is on
 * the remote, or with --no-push.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/checkout.h"
#include "util/util.h"

int
ovm_write_atomic(const char *path, const char *content, size_t len,
    struct ovm_err *err)
{
	struct stat st;
	char *tmp = NULL;
	mode_t mode = 0644;
	size_t off = 0;
	int fd, rc = 0;

	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return ovm_err_set(err, OVM_EINPUT,
			    "'%s' is a symlink: refusing to replace it", path);
		if (!S_ISREG(st.st_mode))
			return ovm_err_set(err, OVM_EINPUT,
			    "'%s' is not a regular file", path);
		mode = st.st_mode & 07777;
	}
	if (asprintf(&tmp, "%s.ovm-release-%ld.tmp", path, (long)getpid()) < 0)
		return ovm_err_nomem(err);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = ovm_err_set(err, OVM_EIO, "cannot create '%s': %s", tmp,
		    strerror(errno));
		free(tmp);
		return rc;
	}
	while (off < len) {
		ssize_t n = write(fd, content + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = ovm_err_set(err, OVM_EIO, "cannot write '%s': %s",
			    path, n < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)n;
	}
	if (rc == 0 && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		rc = ovm_err_set(err, OVM_EIO, "cannot write '%s': %s", path,
		    strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = ovm_err_set(err, OVM_EIO, "cannot write '%s': %s", path,
		    strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = ovm_err_set(err, OVM_EIO, "cannot replace '%s': %s", path,
		    strerror(errno));
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
ovm_apply_precheck(struct ovm_plan *p, struct ovm_repo *repo,
    struct ovm_err *err)
{
	struct ovm_head head;
	size_t i, j;
	int rc, need_head = 0;

	for (i = 0; i < p->n_tracks; i++)
		if (p->tracks[i].decision == OVM_DEC_RELEASE &&
		    p->tracks[i].exit_code == 0 && p->tracks[i].n_files > 0)
			need_head = 1;
	if (!need_head)
		return 0;
	if (ovm_git_workdir(repo) == NULL)
		return 0;
	rc = ovm_git_head(&head, repo, err);
	if (rc < 0)
		return rc;
	if (strcmp(head.oid.hex, p->ev.after) != 0) {
		ovm_err_set(err, OVM_EINPUT,
		    "HEAD (%.12s) is not the pushed commit 'after' (%.12s): "
		    "refusing to write version files", head.oid.hex, p->ev.after);
		ovm_err_hint(err, "check out %s first", p->ev.after);
		ovm_head_free(&head);
		return OVM_EINPUT;
	}
	ovm_head_free(&head);
	for (i = 0; i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];

		if (t->decision != OVM_DEC_RELEASE || t->exit_code != 0)
			continue;
		for (j = 0; j < t->n_files; j++) {
			struct ovm_err e = OVM_ERR_INIT;

			rc = ovm_git_path_dirty(repo, p->ev.after, t->files[j].path,
			    &e);
			if (rc < 0)
				return ovm_err_set(err, e.code, "%s", e.msg);
			/* A killed run's own write is not a local edit. */
			if (rc == 1 && !ovm_git_worktree_equals(repo,
			    t->files[j].path, t->files[j].content,
			    t->files[j].len)) {
				ovm_err_set(&e, OVM_EREFUSED,
				    "'%s' has uncommitted changes: refusing to "
				    "overwrite them", t->files[j].path);
				ovm_err_hint(&e, "commit or stash them, then run "
				    "again");
				ovm_plan_track_refuse(t, 1, &e);
				break;
			}
		}
	}
	return 0;
}

/* Writes path in the working tree (atomically) and stages it. */
static int
write_and_stage(struct ovm_repo *repo, const char *wd, const char *path,
    const char *content, size_t len, struct ovm_err *err)
{
	char *full = NULL;
	int rc;

	if (asprintf(&full, "%s%s", wd, path) < 0)
		return ovm_err_nomem(err);
	rc = ovm_write_atomic(full, content, len, err);
	free(full);
	if (rc == 0)
		rc = ovm_git_index_add(repo, path, err);
	return rc;
}

/* Moves HEAD's branch from after to commit (compare-and-swap). */
static int
move_head(struct ovm_repo *repo, const struct ovm_plan *p, const char *commit,
    struct ovm_err *err)
{
	char *headref = NULL;
	int rc;

	rc = ovm_git_head_ref(&headref, repo, err);
	if (rc < 0)
		return rc;
	rc = ovm_git_ref_cas(repo, headref, commit, p->ev.after,
	    "ovm-release: bump commit", err);
	free(headref);
	return rc;
}

/* Writes the version files, stages them and moves HEAD after -> commit. */
int
ovm_checkout_advance(struct ovm_repo *repo, const struct ovm_plan *p,
    const struct ovm_plan_track *t, struct ovm_err *err)
{
	const char *wd = ovm_git_workdir(repo);
	size_t j;
	int rc;

	if (wd == NULL)
		return 0;
	for (j = 0; j < t->n_files; j++) {
		rc = write_and_stage(repo, wd, t->files[j].path,
		    t->files[j].content, t->files[j].len, err);
		if (rc < 0)
			return rc;
	}
	return move_head(repo, p, t->commit_id.hex, err);
}

/*
 * A rerun completing a release on a bump commit already on the remote
 * (rule B1, after a run killed once the branch was pushed) moves the
 * checkout as that run would have: only when HEAD is still after, the
 * bump commit's parent is after and each version file is as at after
 * (nothing of the user's is overwritten).  0 moved or nothing to do,
 * 1 not moved (why in err), <0 error.
 */
int
ovm_checkout_follow(struct ovm_repo *repo, const struct ovm_plan *p,
    const struct ovm_plan_track *t, struct ovm_err *err)
{
	const char *wd = ovm_git_workdir(repo);
	struct ovm_oid head, parents[2];
	size_t np = 0, j;
	int rc;

	if (wd == NULL || ovm_git_ref_commit(&head, repo, "HEAD", NULL) < 0 ||
	    strcmp(head.hex, p->ev.after) != 0)
		return 0;
	rc = ovm_git_commit_info(NULL, parents, &np, repo, t->commit_id.hex,
	    err);
	if (rc < 0)
		return rc;
	if (np != 1 || strcmp(parents[0].hex, p->ev.after) != 0)
		return 0;
	for (j = 0; j < t->cfg->n_version_files; j++) {
		const char *path = t->cfg->version_files[j].path;

		rc = ovm_git_path_dirty(repo, p->ev.after, path, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			ovm_err_set(err, OVM_EINPUT, "%s has local changes", path);
			return 1;
		}
	}
	for (j = 0; j < t->cfg->n_version_files; j++) {
		const char *path = t->cfg->version_files[j].path;
		char *buf = NULL;
		size_t len = 0;
		unsigned mode = 0;

		rc = ovm_git_blob_at(&buf, &len, &mode, repo, t->commit_id.hex,
		    path, err);
		if (rc == OVM_ENOTFOUND)
			continue;
		if (rc == 0)
			rc = write_and_stage(repo, wd, path, buf, len, err);
		free(buf);
		if (rc < 0)
			return rc;
	}
	return move_head(repo, p, t->commit_id.hex, err);
}
