/*
 * The libgit2 seam's ground floor: the last libgit2 error translated into
 * a struct ovm_err (a URL in it redacted), and ids and commits by hex.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "git/git_int.h"
#include "util/url.h"

/* Translates the last libgit2 error; returns code. */
int
og_fail(struct ovm_err *err, int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ovm_err_set(err, code, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "unknown error");
	/* A URL in libgit2's message may carry credentials. */
	if (err != NULL)
		ovm_redact_urls(err->msg);
	return code;
}

void
og_oid_hex(struct ovm_oid *out, const git_oid *id)
{
	git_oid_tostr(out->hex, sizeof(out->hex), id);
}

/* Parses a full hex id; OVM_EINPUT when malformed. */
int
og_parse_oid(git_oid *out, const char *hex, struct ovm_err *err)
{
	if (hex == NULL || strlen(hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(out, hex) < 0)
		return ovm_err_set(err, OVM_EINPUT, "'%s' is not an object id",
		    hex != NULL ? hex : "(null)");
	return 0;
}

int
og_lookup_commit(git_commit **out, struct ovm_repo *r, const char *hex,
    struct ovm_err *err)
{
	git_oid id;
	int rc;

	if (og_parse_oid(&id, hex, err) < 0)
		return OVM_EINPUT;
	rc = git_commit_lookup(out, r->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return ovm_err_set(err, OVM_ENOTFOUND, "commit %s not found", hex);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot read commit %s", hex);
	return 0;
}

int
ovm_git_has_commit(struct ovm_repo *r, const char *hex)
{
	git_odb *odb = NULL;
	git_oid id;
	size_t len;
	git_object_t type;
	int ok;

	if (og_parse_oid(&id, hex, NULL) < 0)
		return 0;
	if (git_repository_odb(&odb, r->repo) < 0)
		return 0;
	ok = git_odb_read_header(&len, &type, odb, &id) == 0 &&
	    type == GIT_OBJECT_COMMIT;
	git_odb_free(odb);
	return ok;
}
