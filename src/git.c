/*
 * The libgit2 seam: the only file that includes <git2.h>.  Every libgit2
 * error is translated here into a struct ovm_err with git_error_last().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "ovm/git.h"

struct ovm_repo {
	git_repository *repo;
};

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

/* Translates the last libgit2 error; returns code. */
static int __attribute__((format(printf, 3, 4)))
git_fail(struct ovm_err *err, int code, const char *fmt, ...)
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
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	rc = git_repository_open_ext(&r->repo, path != NULL ? path : ".", 0,
	    NULL);
	if (rc == GIT_ENOTFOUND) {
		free(r);
		return ovm_err_set(err, OVM_ENOTFOUND,
		    "not a git repository: '%s'", path != NULL ? path : ".");
	}
	if (rc < 0) {
		free(r);
		return git_fail(err, OVM_EGIT, "cannot open repository '%s'",
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

static int tag_name_cmp(const void *a, const void *b);

void
ovm_tagv_free(struct ovm_tagv *tv)
{
	size_t i;

	if (tv == NULL)
		return;
	for (i = 0; i < tv->n; i++)
		free(tv->v[i].name);
	free(tv->v);
	tv->v = NULL;
	tv->n = 0;
}

int
ovm_tagv_push(struct ovm_tagv *tv, const char *name, const char *target)
{
	struct ovm_tag *v;

	/* Grow geometrically: a family can hold 100k tags. */
	if ((tv->n & (tv->n - 1)) == 0) {
		v = realloc(tv->v, (tv->n ? tv->n * 2 : 16) * sizeof(*v));
		if (v == NULL)
			return OVM_ENOMEM;
		tv->v = v;
	}
	tv->v[tv->n].name = strdup(name);
	if (tv->v[tv->n].name == NULL)
		return OVM_ENOMEM;
	tv->sorted = 0;
	snprintf(tv->v[tv->n].target.hex, sizeof(tv->v[tv->n].target.hex), "%s",
	    target != NULL ? target : "");
	tv->n++;
	return 0;
}

const struct ovm_tag *
ovm_tagv_find(const struct ovm_tagv *tv, const char *name)
{
	size_t i;

	if (tv->sorted) {
		struct ovm_tag key;

		key.name = (char *)name;
		return bsearch(&key, tv->v, tv->n, sizeof(*tv->v), tag_name_cmp);
	}
	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].name, name) == 0)
			return &tv->v[i];
	return NULL;
}

static int
tag_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ovm_tag *)a)->name,
	    ((const struct ovm_tag *)b)->name);
}

void
ovm_tagv_sort_unique(struct ovm_tagv *tv)
{
	size_t i, o = 0;

	if (tv->n < 2) {
		tv->sorted = 1;
		return;
	}
	qsort(tv->v, tv->n, sizeof(*tv->v), tag_name_cmp);
	for (i = 0; i < tv->n; i++) {
		if (o > 0 && strcmp(tv->v[o - 1].name, tv->v[i].name) == 0) {
			free(tv->v[i].name);
			continue;
		}
		tv->v[o++] = tv->v[i];
	}
	tv->n = o;
	tv->sorted = 1;
}

static void
oid_hex(struct ovm_oid *out, const git_oid *id)
{
	git_oid_tostr(out->hex, sizeof(out->hex), id);
}

/* Parses a full hex id; OVM_EINPUT when malformed. */
static int
parse_oid(git_oid *out, const char *hex, struct ovm_err *err)
{
	if (hex == NULL || strlen(hex) != GIT_OID_HEXSZ ||
	    git_oid_fromstr(out, hex) < 0)
		return ovm_err_set(err, OVM_EINPUT, "'%s' is not an object id",
		    hex != NULL ? hex : "(null)");
	return 0;
}

static int
lookup_commit(git_commit **out, struct ovm_repo *r, const char *hex,
    struct ovm_err *err)
{
	git_oid id;
	int rc;

	if (parse_oid(&id, hex, err) < 0)
		return OVM_EINPUT;
	rc = git_commit_lookup(out, r->repo, &id);
	if (rc == GIT_ENOTFOUND)
		return ovm_err_set(err, OVM_ENOTFOUND, "commit %s not found", hex);
	if (rc < 0)
		return git_fail(err, OVM_EGIT, "cannot read commit %s", hex);
	return 0;
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
		return git_fail(err, OVM_EGIT, "cannot resolve '%s'", rev);
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return ovm_err_set(err, OVM_EINPUT, "'%s' is not a commit", rev);
	oid_hex(out, git_object_id(peeled));
	git_object_free(peeled);
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

	if (parse_oid(&id, hex, NULL) < 0)
		return 0;
	if (git_repository_odb(&odb, r->repo) < 0)
		return 0;
	ok = git_odb_read_header(&len, &type, odb, &id) == 0 &&
	    type == GIT_OBJECT_COMMIT;
	git_odb_free(odb);
	return ok;
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
		return git_fail(err, OVM_EGIT, "cannot read HEAD");
	if (git_reference_target(head) != NULL)
		oid_hex(&out->oid, git_reference_target(head));
	refname = git_reference_name(head);
	if (git_reference_is_branch(head)) {
		out->branch = strdup(refname + strlen("refs/heads/"));
		if (out->branch == NULL) {
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
			goto done;
		}
		if (git_branch_upstream_remote(&remote, r->repo, refname) == 0)
			out->upstream_remote = strdup(remote.ptr);
		if (git_branch_upstream_name(&upref, r->repo, refname) == 0) {
			out->upstream_ref = strdup(upref.ptr);
			if (git_reference_lookup(&up, r->repo, upref.ptr) == 0 &&
			    git_reference_target(up) != NULL)
				oid_hex(&out->upstream_oid, git_reference_target(up));
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
		return git_fail(err, OVM_EGIT, "cannot read '%s'", refname);
	rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (rc < 0)
		return git_fail(err, OVM_EGIT, "cannot peel '%s' to a commit",
		    refname);
	oid_hex(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

int
ovm_git_merge_base(struct ovm_oid *out, struct ovm_repo *r, const char *a,
    const char *b, struct ovm_err *err)
{
	git_oid ia, ib, base;
	int rc;

	out->hex[0] = '\0';
	if (parse_oid(&ia, a, err) < 0 || parse_oid(&ib, b, err) < 0)
		return OVM_EINPUT;
	rc = git_merge_base(&base, r->repo, &ia, &ib);
	if (rc == GIT_ENOTFOUND)
		return ovm_err_set(err, OVM_ENOTFOUND,
		    "%.12s and %.12s have no common ancestor", a, b);
	if (rc < 0)
		return git_fail(err, OVM_EGIT, "cannot compute the merge base");
	oid_hex(out, &base);
	return 0;
}

int
ovm_git_is_ancestor(struct ovm_repo *r, const char *ancestor,
    const char *descendant, struct ovm_err *err)
{
	git_oid a, d;
	int rc;

	if (parse_oid(&a, ancestor, err) < 0 || parse_oid(&d, descendant, err) < 0)
		return OVM_EINPUT;
	if (git_oid_equal(&a, &d))
		return 1;
	/* An unknown commit is nobody's descendant (libgit2 1.5 leaks there). */
	if (!ovm_git_has_commit(r, ancestor) || !ovm_git_has_commit(r, descendant))
		return 0;
	rc = git_graph_descendant_of(r->repo, &d, &a);
	if (rc < 0)
		return git_fail(err, OVM_EGIT, "cannot walk history");
	return rc;
}

static int
commit_tree(git_tree **out, struct ovm_repo *r, const char *hex,
    struct ovm_err *err)
{
	git_commit *c = NULL;
	int rc;

	*out = NULL;
	if (hex == NULL)
		return 0;
	rc = lookup_commit(&c, r, hex, err);
	if (rc < 0)
		return rc;
	rc = git_commit_tree(out, c);
	git_commit_free(c);
	if (rc < 0)
		return git_fail(err, OVM_EGIT, "cannot read the tree of %s", hex);
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
		rc = git_fail(err, OVM_EGIT, "cannot diff %.12s..%.12s",
		    a != NULL ? a : "(empty)", b);
		goto done;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (push_unique(out, d->old_file.path) < 0 ||
		    push_unique(out, d->new_file.path) < 0) {
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
ovm_git_walk_range(struct ovm_repo *r, const char *before, const char *after,
    int (*fn)(const char *hex, const char *msg, void *ctx), void *ctx,
    struct ovm_err *err)
{
	git_revwalk *walk = NULL;
	git_odb *odb = NULL;
	struct ovm_buf buf = OVM_BUF_INIT;
	git_oid ia, ib, id;
	int rc;

	if (parse_oid(&ia, after, err) < 0)
		return OVM_EINPUT;
	if (before != NULL && parse_oid(&ib, before, err) < 0)
		return OVM_EINPUT;
	if (git_revwalk_new(&walk, r->repo) < 0)
		return git_fail(err, OVM_EGIT, "cannot walk history");
	if (git_revwalk_push(walk, &ia) < 0 ||
	    (before != NULL && git_revwalk_hide(walk, &ib) < 0)) {
		rc = git_fail(err, OVM_EGIT, "cannot walk %.12s..%.12s",
		    before != NULL ? before : "", after);
		goto done;
	}
	if (git_repository_odb(&odb, r->repo) < 0) {
		rc = git_fail(err, OVM_EGIT, "cannot open the object database");
		goto done;
	}
	rc = 0;
	while (rc == 0) {
		git_odb_object *obj = NULL;
		const char *data, *body;
		struct ovm_oid hex;
		size_t len;
		int wrc = git_revwalk_next(&id, walk);

		if (wrc == GIT_ITEROVER)
			break;
		if (wrc < 0) {
			rc = git_fail(err, OVM_EGIT, "cannot walk history");
			break;
		}
		/* The raw object: its message, without parsing it again. */
		if (git_odb_read(&obj, odb, &id) < 0) {
			rc = git_fail(err, OVM_EGIT, "cannot read a commit");
			break;
		}
		data = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
		body = memmem(data, len, "\n\n", 2);
		buf.len = 0;
		if (body != NULL &&
		    ovm_buf_add(&buf, body + 2, len - (size_t)(body + 2 - data)) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
		else if (body == NULL && ovm_buf_add(&buf, "", 0) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
		git_odb_object_free(obj);
		if (rc < 0)
			break;
		oid_hex(&hex, &id);
		rc = fn(hex.hex, buf.ptr, ctx);
	}
done:
	ovm_buf_free(&buf);
	git_odb_free(odb);
	git_revwalk_free(walk);
	return rc;
}

int
ovm_git_commit_info(char **msg_out, struct ovm_oid *parents, size_t *nparents,
    struct ovm_repo *r, const char *hex, struct ovm_err *err)
{
	git_commit *c = NULL;
	unsigned i, n;
	int rc;

	if (msg_out != NULL)
		*msg_out = NULL;
	rc = lookup_commit(&c, r, hex, err);
	if (rc < 0)
		return rc;
	n = git_commit_parentcount(c);
	if (nparents != NULL)
		*nparents = n;
	for (i = 0; parents != NULL && i < n && i < 2; i++)
		oid_hex(&parents[i], git_commit_parent_id(c, i));
	if (msg_out != NULL) {
		*msg_out = strdup(git_commit_message(c));
		if (*msg_out == NULL)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
	}
	git_commit_free(c);
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
		rc = git_fail(err, OVM_EGIT, "cannot read '%s' at %.12s", path, hex);
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
		rc = git_fail(err, OVM_EGIT, "cannot read '%s' at %.12s", path, hex);
		goto done;
	}
	len = (size_t)git_blob_rawsize(blob);
	*out = malloc(len + 1);
	if (*out == NULL) {
		rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
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

/*
 * Tags by prefix, read the way git stores them rather than through
 * libgit2's reference iterator (which copies every packed ref and reads
 * every loose one): a binary search in the sorted packed-refs file, whose
 * "^" lines give annotated tags' targets for free, plus a listing of the
 * loose tags with that prefix (a loose ref overrides its packed copy).
 */

struct packed {
	const char *buf;
	size_t len;
};

static size_t
line_end(const struct packed *pk, size_t pos)
{
	const char *nl = memchr(pk->buf + pos, '\n', pk->len - pos);

	return nl != NULL ? (size_t)(nl - pk->buf) + 1 : pk->len;
}

/* The first record line (not '^' or '#') at or after line start pos. */
static size_t
next_record(const struct packed *pk, size_t pos)
{
	while (pos < pk->len && (pk->buf[pos] == '^' || pk->buf[pos] == '#'))
		pos = line_end(pk, pos);
	return pos;
}

/* <0, 0, >0: the record's name against the prefix (0: it starts with it). */
static int
record_cmp(const struct packed *pk, size_t rec, const char *prefix, size_t plen)
{
	const char *name = pk->buf + rec + GIT_OID_HEXSZ + 1;
	size_t nlen = line_end(pk, rec) - (rec + GIT_OID_HEXSZ + 1);
	int c;

	if (rec + GIT_OID_HEXSZ + 1 > pk->len)
		return 1;
	while (nlen > 0 && (name[nlen - 1] == '\n' || name[nlen - 1] == '\r'))
		nlen--;
	c = memcmp(name, prefix, nlen < plen ? nlen : plen);
	if (c != 0)
		return c;
	return nlen < plen ? -1 : 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ovm_tag *)a)->name,
	    ((const struct ovm_tag *)b)->name);
}

static int
in_sorted(const struct ovm_tagv *tv, const char *name)
{
	struct ovm_tag key;

	key.name = (char *)name;
	return tv->n > 0 && bsearch(&key, tv->v, tv->n, sizeof(*tv->v),
	    name_cmp) != NULL;
}

/* The commit an id peels to ("" when not a commit-ish). */
static void
peel_hex(struct ovm_oid *out, struct ovm_repo *r, const git_oid *id)
{
	git_odb *odb = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t len;

	out->hex[0] = '\0';
	if (git_repository_odb(&odb, r->repo) == 0 &&
	    git_odb_read_header(&len, &type, odb, id) == 0 &&
	    type == GIT_OBJECT_COMMIT)
		oid_hex(out, id);
	else if (type == GIT_OBJECT_TAG &&
	    git_object_lookup(&obj, r->repo, id, GIT_OBJECT_TAG) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
		oid_hex(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	git_odb_free(odb);
	git_error_clear();
}

static int
loose_tags(struct ovm_tagv *out, struct ovm_repo *r, const char *prefix,
    struct ovm_err *err)
{
	const char *slash = strrchr(prefix, '/');
	const char *base = slash != NULL ? slash + 1 : prefix;
	char dir[4096];
	size_t blen = strlen(base);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%srefs/tags/%.*s",
	    git_repository_commondir(r->repo),
	    slash != NULL ? (int)(slash - prefix + 1) : 0, prefix);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char name[4096];
		struct ovm_oid target = { "" };

		if (de->d_name[0] == '.' || strncmp(de->d_name, base, blen) != 0)
			continue;
		/* Names only: a target is read when one is needed. */
		if (de->d_type == DT_DIR)
			continue;
		snprintf(name, sizeof(name), "%.*s%s",
		    slash != NULL ? (int)(slash - prefix + 1) : 0, prefix,
		    de->d_name);
		if (ovm_tagv_push(out, name, target.hex) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
	}
	closedir(d);
	return rc;
}

int
ovm_git_tag_target(struct ovm_oid *out, struct ovm_repo *r,
    const struct ovm_tag *t)
{
	char ref[4096];

	if (t->target.hex[0] != '\0') {
		*out = t->target;
		return 0;
	}
	snprintf(ref, sizeof(ref), "refs/tags/%s", t->name);
	if (ovm_git_ref_commit(out, r, ref, NULL) < 0)
		out->hex[0] = '\0';
	return 0;
}

int
ovm_git_tags_with_prefix(struct ovm_tagv *out, struct ovm_repo *r,
    const char *prefix, struct ovm_err *err)
{
	struct ovm_tagv loose = { NULL, 0, 0 };
	struct packed pk = { NULL, 0 };
	char path[4096], full[2048];
	size_t plen, pos, i;
	struct stat st;
	void *map = MAP_FAILED;
	int fd, rc, sorted = 0, peeled = 0;

	rc = loose_tags(&loose, r, prefix, err);
	if (rc < 0)
		return rc;
	if (loose.n > 1)
		qsort(loose.v, loose.n, sizeof(*loose.v), name_cmp);
	snprintf(full, sizeof(full), "refs/tags/%s", prefix);
	plen = strlen(full);
	snprintf(path, sizeof(path), "%spacked-refs",
	    git_repository_commondir(r->repo));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			pk.buf = map;
			pk.len = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	if (pk.len > 0 && pk.buf[0] == '#') {
		size_t he = line_end(&pk, 0);
		char header[512];

		snprintf(header, sizeof(header), "%.*s", (int)he, pk.buf);
		sorted = strstr(header, " sorted") != NULL;
		peeled = strstr(header, " peeled") != NULL ||
		    strstr(header, " fully-peeled") != NULL;
	}
	pos = next_record(&pk, 0);
	if (sorted) {
		size_t lo = pos, hi = pk.len;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2, ls = mid, rec;

			while (ls > lo && pk.buf[ls - 1] != '\n')
				ls--;
			rec = next_record(&pk, ls);
			if (rec >= hi) {
				hi = ls;
				continue;
			}
			if (record_cmp(&pk, rec, full, plen) < 0)
				lo = next_record(&pk, line_end(&pk, rec));
			else
				hi = rec;
		}
		pos = lo;
	}
	for (; rc == 0 && pos < pk.len; pos = next_record(&pk, line_end(&pk, pos))) {
		const char *name = pk.buf + pos + GIT_OID_HEXSZ + 1;
		size_t le = line_end(&pk, pos), nlen;
		struct ovm_oid target = { "" };
		char nm[2048];
		git_oid id;
		int c = record_cmp(&pk, pos, full, plen);

		if (c != 0) {
			if (sorted && c > 0)
				break;
			continue;
		}
		nlen = le - (pos + GIT_OID_HEXSZ + 1);
		while (nlen > 0 && (name[nlen - 1] == '\n' || name[nlen - 1] == '\r'))
			nlen--;
		if (nlen - 10 >= sizeof(nm))
			continue;
		snprintf(nm, sizeof(nm), "%.*s", (int)(nlen - 10), name + 10);
		if (in_sorted(&loose, nm))
			continue;
		if (git_oid_fromstrn(&id, pk.buf + pos, GIT_OID_HEXSZ) < 0)
			continue;
		if (le < pk.len && pk.buf[le] == '^' &&
		    le + 1 + GIT_OID_HEXSZ <= pk.len) {
			snprintf(target.hex, sizeof(target.hex), "%.*s",
			    GIT_OID_HEXSZ, pk.buf + le + 1);
		} else if (peeled) {
			oid_hex(&target, &id);	/* not a tag object */
		} else {
			peel_hex(&target, r, &id);
		}
		if (ovm_tagv_push(out, nm, target.hex) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
	}
	for (i = 0; rc == 0 && i < loose.n; i++)
		if (ovm_tagv_push(out, loose.v[i].name, loose.v[i].target.hex) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
	if (map != MAP_FAILED)
		munmap(map, pk.len);
	ovm_tagv_free(&loose);
	return rc;
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
		return git_fail(err, OVM_EGIT, "cannot read git configuration");
	rc = git_config_get_string_buf(&buf, cfg, key);
	if (rc == 0) {
		*out = strdup(buf.ptr);
		rc = *out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM, "out of memory");
	} else if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		rc = 0;
	} else {
		rc = git_fail(err, OVM_EGIT, "cannot read '%s'", key);
	}
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return rc;
}

/* ---- writing ------------------------------------------------------------- */

int
ovm_git_user_identity(char **name_out, char **email_out, struct ovm_repo *r,
    struct ovm_err *err)
{
	git_signature *sig = NULL;

	*name_out = *email_out = NULL;
	if (git_signature_default(&sig, r->repo) < 0)
		return git_fail(err, OVM_EINPUT,
		    "no git identity (set user.name and user.email, or "
		    "\"identity\" in the configuration)");
	*name_out = strdup(sig->name);
	*email_out = strdup(sig->email);
	git_signature_free(sig);
	if (*name_out == NULL || *email_out == NULL) {
		free(*name_out);
		free(*email_out);
		*name_out = *email_out = NULL;
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	}
	return 0;
}

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
	rc = lookup_commit(&pc, r, parent, err);
	if (rc < 0)
		return rc;
	ups = calloc(n + 1, sizeof(*ups));
	if (ups == NULL) {
		rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
		goto done;
	}
	if (git_commit_tree(&ptree, pc) < 0) {
		rc = git_fail(err, OVM_EGIT, "cannot read the tree of %s", parent);
		goto done;
	}
	for (i = 0; i < n; i++) {
		ups[i].action = GIT_TREE_UPDATE_UPSERT;
		ups[i].path = files[i].path;
		ups[i].filemode = files[i].mode == 0100755 ?
		    GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		if (git_blob_create_from_buffer(&ups[i].id, r->repo,
		    files[i].content, files[i].len) < 0) {
			rc = git_fail(err, OVM_EIO, "cannot write '%s'",
			    files[i].path);
			goto done;
		}
	}
	if (git_tree_create_updated(&tree_id, r->repo, ptree, n, ups) < 0 ||
	    git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
		rc = git_fail(err, OVM_EIO, "cannot write the tree");
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
		rc = git_fail(err, OVM_EINPUT, "invalid identity");
		goto done;
	}
	/* git_commit_create_v: its signature is stable from 1.5 to 1.9. */
	if (git_commit_create_v(&commit_id, r->repo, NULL, s, s, NULL, message,
	    tree, 1, pc) < 0) {
		rc = git_fail(err, OVM_EIO, "cannot write the commit");
		goto done;
	}
	oid_hex(out, &commit_id);
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

	if (parse_oid(&nid, new_hex, err) < 0)
		return OVM_EINPUT;
	if (old_hex != NULL) {
		if (parse_oid(&oid, old_hex, err) < 0)
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
		return git_fail(err, OVM_EIO, "cannot update '%s'", refname);
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

int
ovm_git_head_ref(char **out, struct ovm_repo *r, struct ovm_err *err)
{
	git_reference *head = NULL;
	const char *t;

	*out = NULL;
	if (git_reference_lookup(&head, r->repo, "HEAD") < 0)
		return git_fail(err, OVM_EGIT, "cannot read HEAD");
	t = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC ?
	    git_reference_symbolic_target(head) : "HEAD";
	*out = strdup(t);
	git_reference_free(head);
	return *out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
		rc = git_fail(err, OVM_EGIT, "cannot read '%s'", path);
		goto done;
	}
	git_error_clear();
	if (git_repository_index(&idx, r->repo) < 0 || git_index_read(idx, 0) < 0) {
		rc = git_fail(err, OVM_EGIT, "cannot read the index");
		goto done;
	}
	ie = git_index_get_bypath(idx, path, 0);
	if (wd == NULL || asprintf(&full, "%s%s", wd, path) < 0) {
		full = NULL;
		rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
		rc = git_fail(err, OVM_EIO, "cannot stage '%s'", path);
	git_index_free(idx);
	return rc;
}

/* ---- remotes ------------------------------------------------------------- */

void
ovm_redact_urls(char *s)
{
	char *p = s;

	while ((p = strstr(p, "://")) != NULL) {
		char *start = p + 3, *end = start, *at = NULL;

		while (*end != '\0' && *end != '/' && *end != ' ' && *end != '\'' &&
		    *end != '"' && *end != '\n') {
			if (*end == '@')
				at = end;
			end++;
		}
		if (at != NULL && at - start >= 3 &&
		    !(at - start == 3 && memcmp(start, "***", 3) == 0)) {
			memcpy(start, "***", 3);
			memmove(start + 3, at, strlen(at) + 1);
		}
		p = start;
	}
}

struct cb_state {
	const struct ovm_remote_opts *ro;
	int cred_calls;
	int auth_failed;
	int is_tag;
	struct ovm_push_status *st;
};

static int
is_http_url(const char *url)
{
	return url != NULL && (strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0);
}

/*
 * One answer per connection: libgit2 asks again and again (15 times over
 * HTTP, forever over SSH) when an answer is refused.
 */
static int
cred_cb(git_credential **out, const char *url, const char *user, unsigned int allowed,
    void *payload)
{
	struct cb_state *cs = payload;

	if (++cs->cred_calls > 1 || cs->ro->extraheader != NULL) {
		cs->auth_failed = 1;
		git_error_set_str(GIT_ERROR_NET, "authentication failed");
		return GIT_EUSER;
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) &&
	    cs->ro->token != NULL && is_http_url(url))
		return git_credential_userpass_plaintext_new(out,
		    "x-access-token", cs->ro->token);
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
		    user != NULL ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user != NULL ? user : "git");
	cs->auth_failed = 1;
	git_error_set_str(GIT_ERROR_NET, "authentication required and no "
	    "credentials available");
	return GIT_EUSER;
}

static int
negotiation_cb(const git_push_update **updates, size_t len, void *payload)
{
	struct cb_state *cs = payload;
	size_t i;

	for (i = 0; i < len; i++) {
		/*
		 * libgit2 would fast-forward an existing remote tag: a tag
		 * that is already there is never sent.
		 */
		if (cs->is_tag && !git_oid_is_zero(&updates[i]->src)) {
			cs->st->exists = 1;
			snprintf(cs->st->status, sizeof(cs->st->status),
			    "already exists on the remote");
			git_error_set_str(GIT_ERROR_REFERENCE,
			    "tag already exists on the remote");
			return GIT_EUSER;
		}
	}
	return 0;
}

static int
update_ref_cb(const char *refname, const char *status, void *payload)
{
	struct cb_state *cs = payload;

	(void)refname;
	if (status == NULL) {
		cs->st->accepted = 1;
		return 0;
	}
	cs->st->accepted = 0;
	snprintf(cs->st->status, sizeof(cs->st->status), "%s", status);
	if (strstr(status, "non-fast-forward") != NULL ||
	    strstr(status, "fetch first") != NULL ||
	    strstr(status, "stale info") != NULL)
		cs->st->nonff = 1;
	return 0;
}

static void
set_callbacks(git_remote_callbacks *cb, struct cb_state *cs)
{
	cb->credentials = cred_cb;
	cb->push_negotiation = negotiation_cb;
	cb->push_update_reference = update_ref_cb;
	cb->payload = cs;
}

static void
set_headers(git_strarray *h, const struct ovm_remote_opts *ro, char **one)
{
	one[0] = (char *)ro->extraheader;
	h->strings = ro->extraheader != NULL ? one : NULL;
	h->count = ro->extraheader != NULL ? 1 : 0;
}

static int
remote_fail(struct ovm_err *err, const struct cb_state *cs, const char *what,
    const char *remote)
{
	if (cs->auth_failed) {
		git_fail(err, OVM_EENV, "%s '%s': authentication failed", what,
		    remote);
		return ovm_err_hint(err, "check the token (OVM_RELEASE_TOKEN, "
		    "the checkout's extraheader, GITHUB_TOKEN) and its "
		    "permissions");
	}
	return git_fail(err, OVM_EENV, "%s '%s'", what, remote);
}

int
ovm_git_remote_url(char **out, struct ovm_repo *r, const char *remote,
    int push, struct ovm_err *err)
{
	git_remote *rem = NULL;
	const char *url;

	*out = NULL;
	if (git_remote_lookup(&rem, r->repo, remote) < 0)
		return git_fail(err, OVM_EINPUT, "no remote '%s'", remote);
	url = push && git_remote_pushurl(rem) != NULL ? git_remote_pushurl(rem) :
	    git_remote_url(rem);
	*out = strdup(url != NULL ? url : "");
	git_remote_free(rem);
	if (*out == NULL)
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	ovm_redact_urls(*out);
	return 0;
}

int
ovm_git_ls_remote(struct ovm_tagv *tags_out, struct ovm_oid *tip_out,
    struct ovm_repo *r, const struct ovm_remote_opts *ro, const char *branch,
    struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_remote_connect_options co;
	const git_remote_head **heads = NULL;
	struct ovm_push_status dummy;
	struct cb_state cs = { ro, 0, 0, 0, &dummy };
	char *hdr[1], want[1024];
	size_t n = 0, i;
	int rc;

	tip_out->hex[0] = '\0';
	snprintf(want, sizeof(want), "refs/heads/%s", branch != NULL ? branch : "");
	if (git_remote_lookup(&rem, r->repo, ro->remote) < 0)
		return git_fail(err, OVM_EINPUT, "no remote '%s'", ro->remote);
	git_remote_connect_options_init(&co, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	set_callbacks(&co.callbacks, &cs);
	set_headers(&co.custom_headers, ro, hdr);
	co.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	if (git_remote_connect_ext(rem, GIT_DIRECTION_FETCH, &co) < 0) {
		rc = remote_fail(err, &cs, "cannot connect to", ro->remote);
		goto done;
	}
	if (git_remote_ls(&heads, &n, rem) < 0) {
		rc = remote_fail(err, &cs, "cannot list the refs of", ro->remote);
		goto done;
	}
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = heads[i]->name;
		struct ovm_oid hex;
		size_t len = strlen(name);

		oid_hex(&hex, &heads[i]->oid);
		if (strcmp(name, want) == 0)
			*tip_out = hex;
		if (strncmp(name, "refs/tags/", 10) != 0)
			continue;
		if (len > 3 && strcmp(name + len - 3, "^{}") == 0) {
			/* The peeled target of the annotated tag before it. */
			char *base = strndup(name + 10, len - 13);
			struct ovm_tag *t;

			if (base == NULL) {
				rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
				break;
			}
			/* It follows its tag: look there first. */
			t = tags_out->n > 0 &&
			    strcmp(tags_out->v[tags_out->n - 1].name, base) == 0 ?
			    &tags_out->v[tags_out->n - 1] :
			    (struct ovm_tag *)ovm_tagv_find(tags_out, base);
			if (t != NULL)
				t->target = hex;
			free(base);
			continue;
		}
		if (ovm_tagv_push(tags_out, name + 10, hex.hex) < 0)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
	}
	/* 100k tags are looked up by name: sorted, a binary search. */
	if (rc == 0)
		ovm_tagv_sort_unique(tags_out);
done:
	if (rem != NULL)
		git_remote_disconnect(rem);
	git_remote_free(rem);
	return rc;
}

int
ovm_git_fetch(struct ovm_repo *r, const struct ovm_remote_opts *ro,
    const char *const *refspecs, size_t n, struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_fetch_options fo;
	git_strarray specs = { (char **)refspecs, n };
	struct ovm_push_status dummy;
	struct cb_state cs = { ro, 0, 0, 0, &dummy };
	char *hdr[1];
	int rc = 0;

	if (git_remote_lookup(&rem, r->repo, ro->remote) < 0)
		return git_fail(err, OVM_EINPUT, "no remote '%s'", ro->remote);
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	set_callbacks(&fo.callbacks, &cs);
	set_headers(&fo.custom_headers, ro, hdr);
	fo.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(rem, &specs, &fo, "ovm-release: fetch") < 0)
		rc = remote_fail(err, &cs, "cannot fetch from", ro->remote);
	git_remote_free(rem);
	return rc;
}

int
ovm_git_push_ref(struct ovm_push_status *st, struct ovm_repo *r,
    const struct ovm_remote_opts *ro, const char *src, const char *dst,
    struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_push_options po;
	char *spec = NULL, *hdr[1];
	git_strarray specs;
	struct cb_state cs = { ro, 0, 0, 0, st };
	int rc;

	memset(st, 0, sizeof(*st));
	cs.is_tag = strncmp(dst, "refs/tags/", 10) == 0;
	if (asprintf(&spec, "%s:%s", src, dst) < 0)
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
	specs.strings = &spec;
	specs.count = 1;
	if (git_remote_lookup(&rem, r->repo, ro->remote) < 0) {
		free(spec);
		return git_fail(err, OVM_EINPUT, "no remote '%s'", ro->remote);
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	set_callbacks(&po.callbacks, &cs);
	set_headers(&po.custom_headers, ro, hdr);
	po.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	rc = git_remote_push(rem, &specs, &po);
	if (rc == GIT_ENONFASTFORWARD) {
		st->nonff = 1;
		snprintf(st->status, sizeof(st->status), "non-fast-forward");
		git_error_clear();
		rc = 0;
	} else if (rc < 0 && st->exists) {
		git_error_clear();
		rc = 0;
	} else if (rc < 0) {
		rc = remote_fail(err, &cs, "cannot push to", ro->remote);
	} else if (!st->accepted && st->status[0] == '\0') {
		snprintf(st->status, sizeof(st->status), "no status from the server");
	}
	git_remote_free(rem);
	free(spec);
	return rc;
}

/*
 * git's urlmatch, reduced to what http.<url>.* needs: the config URL's
 * scheme, host and port equal the remote's (case-insensitively) and its
 * path is a prefix of the remote's at a '/' boundary.  Returns the length
 * of the matched config URL (specificity), or -1.
 */
static int
url_matches(const char *cfg_url, const char *url)
{
	const char *cs = strstr(cfg_url, "://"), *us = strstr(url, "://");
	size_t chost, uhost, cpath;

	if (cs == NULL || us == NULL || cs - cfg_url != us - url ||
	    strncasecmp(cfg_url, url, (size_t)(cs - cfg_url)) != 0)
		return -1;
	cs += 3;
	us += 3;
	/* The remote URL's userinfo does not take part. */
	if (strchr(us, '@') != NULL && strchr(us, '@') < us + strcspn(us, "/"))
		us = strchr(us, '@') + 1;
	chost = strcspn(cs, "/");
	uhost = strcspn(us, "/");
	if (chost != uhost || strncasecmp(cs, us, chost) != 0)
		return -1;
	cs += chost;
	us += uhost;
	cpath = strlen(cs);
	while (cpath > 0 && cs[cpath - 1] == '/')
		cpath--;
	if (strncmp(cs, us, cpath) != 0 || (us[cpath] != '\0' &&
	    us[cpath] != '/'))
		return -1;
	return (int)(cs - cfg_url + cpath);
}

int
ovm_git_extraheader(char **out, char **source_out, struct ovm_repo *r,
    const char *url, struct ovm_err *err)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int best = -2, rc;

	*out = NULL;
	*source_out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return git_fail(err, OVM_EGIT, "cannot read git configuration");
	if (git_config_iterator_glob_new(&it, cfg, "^http\\..*extraheader$") < 0) {
		git_config_free(cfg);
		return git_fail(err, OVM_EGIT, "cannot read git configuration");
	}
	while ((rc = git_config_next(&e, it)) == 0) {
		const char *name = e->name;
		size_t len = strlen(name);
		int score;

		if (len == strlen("http.extraheader") &&
		    strcasecmp(name, "http.extraheader") == 0) {
			score = 0;
		} else {
			/* http.<url>.extraheader */
			char *u = strndup(name + 5, len - 5 - strlen(".extraheader"));

			if (u == NULL) {
				rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
				goto done;
			}
			score = url_matches(u, url);
			free(u);
			if (score < 0)
				continue;
			score += 1;
		}
		if (score < best)
			continue;
		best = score;
		free(*out);
		free(*source_out);
		*out = NULL;
		*source_out = NULL;
		/* An empty value resets the headers collected so far. */
		if (e->value == NULL || e->value[0] == '\0')
			continue;
		*out = strdup(e->value);
		if (asprintf(source_out, "%s (%s)", name,
		    e->level == GIT_CONFIG_LEVEL_LOCAL ? ".git/config" :
		    e->level == GIT_CONFIG_LEVEL_GLOBAL ? "global config" :
		    e->level == GIT_CONFIG_LEVEL_APP ? "included config" :
		    "git config") < 0)
			*source_out = NULL;
		if (*out == NULL || *source_out == NULL) {
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	git_error_clear();
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (rc < 0) {
		free(*out);
		free(*source_out);
		*out = *source_out = NULL;
	}
	return rc;
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
		return git_fail(err, OVM_EGIT, "cannot read HEAD's reflog");
	e = git_reflog_entry_byindex(log, 0);
	msg = e != NULL ? git_reflog_entry_message(e) : NULL;
	if (msg != NULL) {
		*out = strdup(msg);
		if (*out == NULL) {
			git_reflog_free(log);
			return ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
		return git_fail(err, OVM_EGIT, "cannot read git configuration");
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
	return *out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM, "out of memory");
}
