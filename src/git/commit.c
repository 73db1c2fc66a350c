/*
 * Writing: the bump commit (its files, tree and parents) and reference
 * updates by compare-and-swap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/git_int.h"

int
ovm_git_commit_files(struct ovm_oid *out, struct ovm_repo *r,
    const char *parent, const struct ovm_file_update *files, size_t n,
    const char *message, const struct ovm_sig *sig, struct ovm_err *err)
{
	git_commit *pc = NULL;
	git_tree *ptree = NULL, *tree = NULL;
	git_tree_update *ups = NULL;
	git_signature *s = NULL;
	git_oid tree_id, commit_id;
	char *uname = NULL, *uemail = NULL;
	size_t i;
	int rc;

	out->hex[0] = '\0';
	rc = og_lookup_commit(&pc, r, parent, err);
	if (rc < 0)
		return rc;
	ups = calloc(n + 1, sizeof(*ups));
	if (ups == NULL) {
		rc = ovm_err_nomem(err);
		goto done;
	}
	if (git_commit_tree(&ptree, pc) < 0) {
		rc = og_fail(err, OVM_EGIT, "cannot read the tree of %s", parent);
		goto done;
	}
	for (i = 0; i < n; i++) {
		ups[i].action = GIT_TREE_UPDATE_UPSERT;
		ups[i].path = files[i].path;
		ups[i].filemode = files[i].mode == 0100755 ?
		    GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		if (git_blob_create_from_buffer(&ups[i].id, r->repo,
		    files[i].content, files[i].len) < 0) {
			rc = og_fail(err, OVM_EIO, "cannot write '%s'",
			    files[i].path);
			goto done;
		}
	}
	if (git_tree_create_updated(&tree_id, r->repo, ptree, n, ups) < 0 ||
	    git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
		rc = og_fail(err, OVM_EIO, "cannot write the tree");
		goto done;
	}
	if (sig == NULL || sig->name == NULL) {
		rc = ovm_git_user_identity(&uname, &uemail, r, err);
		if (rc < 0)
			goto done;
	}
	if (git_signature_now(&s, sig != NULL && sig->name != NULL ?
	    sig->name : uname, sig != NULL && sig->email != NULL ? sig->email :
	    uemail) < 0) {
		rc = og_fail(err, OVM_EINPUT, "invalid identity");
		goto done;
	}
	/* git_commit_create_v: its signature is stable from 1.5 to 1.9. */
	if (git_commit_create_v(&commit_id, r->repo, NULL, s, s, NULL, message,
	    tree, 1, pc) < 0) {
		rc = og_fail(err, OVM_EIO, "cannot write the commit");
		goto done;
	}
	og_oid_hex(out, &commit_id);
	rc = 0;
done:
	free(uname);
	free(uemail);
	git_signature_free(s);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(pc);
	free(ups);
	return rc;
}

int
ovm_git_ref_cas(struct ovm_repo *r, const char *refname, const char *new_hex,
    const char *old_hex, const char *log, struct ovm_err *err)
{
	git_reference *ref = NULL;
	git_oid nid, oid;
	int rc;

	if (og_parse_oid(&nid, new_hex, err) < 0)
		return OVM_EINPUT;
	if (old_hex != NULL) {
		if (og_parse_oid(&oid, old_hex, err) < 0)
			return OVM_EINPUT;
		rc = git_reference_create_matching(&ref, r->repo, refname, &nid, 1,
		    &oid, log);
	} else {
		rc = git_reference_create(&ref, r->repo, refname, &nid, 0, log);
	}
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return ovm_err_set(err, OVM_EEXISTS,
		    "'%s' moved meanwhile: not updated", refname);
	if (rc < 0)
		return og_fail(err, OVM_EIO, "cannot update '%s'", refname);
	return 0;
}

int
ovm_git_ref_delete(struct ovm_repo *r, const char *refname)
{
	git_reference *ref = NULL;
	int rc;

	if (git_reference_lookup(&ref, r->repo, refname) < 0) {
		git_error_clear();
		return 0;
	}
	rc = git_reference_delete(ref);
	git_reference_free(ref);
	return rc < 0 ? OVM_EIO : 0;
}
