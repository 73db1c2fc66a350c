/*
 * Trees and the working tree: the paths a commit changed, a file as a
 * commit has it, whether the checkout differs, and the index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "git/git_int.h"

static int
commit_tree(git_tree **out, struct ovm_repo *r, const char *hex,
    struct ovm_err *err)
{
	git_commit *c = NULL;
	int rc;

	*out = NULL;
	if (hex == NULL)
		return 0;
	rc = og_lookup_commit(&c, r, hex, err);
	if (rc < 0)
		return rc;
	rc = git_commit_tree(out, c);
	git_commit_free(c);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot read the tree of %s", hex);
	return 0;
}

static int
push_unique(struct ovm_strv *sv, const char *path)
{
	if (path == NULL || ovm_strv_contains(sv, path))
		return 0;
	return ovm_strv_push(sv, path);
}

int
ovm_git_changed_paths(struct ovm_strv *out, struct ovm_repo *r, const char *a,
    const char *b, const char *const *pathspecs, size_t n, struct ovm_err *err)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	size_t i, nd;
	int rc;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);

	rc = commit_tree(&ta, r, a, err);
	if (rc < 0)
		goto done;
	rc = commit_tree(&tb, r, b, err);
	if (rc < 0)
		goto done;
	/* Exact pathspecs: the only kind that prunes the tree walk. */
	opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	opts.pathspec.strings = (char **)pathspecs;
	opts.pathspec.count = n;
	rc = git_diff_tree_to_tree(&diff, r->repo, ta, tb, &opts);
	if (rc < 0) {
		rc = og_fail(err, OVM_EGIT, "cannot diff %.12s..%.12s",
		    a != NULL ? a : "(empty)", b);
		goto done;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (push_unique(out, d->old_file.path) < 0 ||
		    push_unique(out, d->new_file.path) < 0) {
			rc = ovm_err_nomem(err);
			goto done;
		}
	}
	rc = 0;
done:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

int
ovm_git_blob_at(char **out, size_t *len_out, unsigned *mode_out,
    struct ovm_repo *r, const char *hex, const char *path, struct ovm_err *err)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (len_out != NULL)
		*len_out = 0;
	if (mode_out != NULL)
		*mode_out = 0;
	rc = commit_tree(&tree, r, hex, err);
	if (rc < 0)
		return rc;
	rc = git_tree_entry_bypath(&entry, tree, path);
	if (rc == GIT_ENOTFOUND) {
		rc = ovm_err_set(err, OVM_ENOTFOUND, "%s not found at %.12s", path,
		    hex);
		goto done;
	}
	if (rc < 0) {
		rc = og_fail(err, OVM_EGIT, "cannot read '%s' at %.12s", path, hex);
		goto done;
	}
	if (mode_out != NULL)
		*mode_out = (unsigned)git_tree_entry_filemode(entry);
	if (git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(entry) != GIT_FILEMODE_BLOB_EXECUTABLE) {
		rc = 0;
		goto done;
	}
	rc = git_blob_lookup(&blob, r->repo, git_tree_entry_id(entry));
	if (rc < 0) {
		rc = og_fail(err, OVM_EGIT, "cannot read '%s' at %.12s", path, hex);
		goto done;
	}
	len = (size_t)git_blob_rawsize(blob);
	*out = malloc(len + 1);
	if (*out == NULL) {
		rc = ovm_err_nomem(err);
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), len);
	(*out)[len] = '\0';
	if (len_out != NULL)
		*len_out = len;
	rc = 0;
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return rc;
}

int
ovm_git_path_dirty(struct ovm_repo *r, const char *hex, const char *path,
    struct ovm_err *err)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_index *idx = NULL;
	const git_index_entry *ie;
	git_oid wid;
	char *full = NULL;
	const char *wd = git_repository_workdir(r->repo);
	struct stat st;
	int rc, dirty = 1;

	rc = commit_tree(&tree, r, hex, err);
	if (rc < 0)
		return rc;
	rc = git_tree_entry_bypath(&entry, tree, path);
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		rc = og_fail(err, OVM_EGIT, "cannot read '%s'", path);
		goto done;
	}
	git_error_clear();
	if (git_repository_index(&idx, r->repo) < 0 || git_index_read(idx, 0) < 0) {
		rc = og_fail(err, OVM_EGIT, "cannot read the index");
		goto done;
	}
	ie = git_index_get_bypath(idx, path, 0);
	if (wd == NULL || asprintf(&full, "%s%s", wd, path) < 0) {
		full = NULL;
		rc = ovm_err_nomem(err);
		goto done;
	}
	if (entry == NULL) {
		dirty = ie != NULL || lstat(full, &st) == 0;
	} else if (ie != NULL && git_oid_equal(&ie->id, git_tree_entry_id(entry)) &&
	    lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
	    git_odb_hashfile(&wid, full, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&wid, git_tree_entry_id(entry))) {
		dirty = 0;
	}
	rc = dirty;
done:
	free(full);
	git_index_free(idx);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return rc;
}

int
ovm_git_worktree_equals(struct ovm_repo *r, const char *path,
    const char *content, size_t len)
{
	git_oid a, b;
	char *full = NULL;
	const char *wd = git_repository_workdir(r->repo);
	struct stat st;
	int eq;

	if (wd == NULL || asprintf(&full, "%s%s", wd, path) < 0)
		return 0;
	eq = lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len &&
	    git_odb_hashfile(&a, full, GIT_OBJECT_BLOB) == 0 &&
	    git_odb_hash(&b, content, len, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&a, &b);
	free(full);
	return eq;
}

int
ovm_git_index_add(struct ovm_repo *r, const char *path, struct ovm_err *err)
{
	git_index *idx = NULL;
	int rc = 0;

	if (git_repository_index(&idx, r->repo) < 0 ||
	    git_index_read(idx, 0) < 0 ||
	    git_index_add_bypath(idx, path) < 0 || git_index_write(idx) < 0)
		rc = og_fail(err, OVM_EIO, "cannot stage '%s'", path);
	git_index_free(idx);
	return rc;
}
