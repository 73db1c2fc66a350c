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

#include "git/git.h"

struct graph;
static void graph_free(struct graph *g);

struct ovm_repo {
	git_repository *repo;
	struct graph *graph;	/* commits read by history walks */
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
	graph_free(r->graph);
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

/* Appends name[0..nlen) and target[0..tlen) (a hex id or ""). */
static int
tagv_pushn(struct ovm_tagv *tv, const char *name, size_t nlen,
    const char *target, size_t tlen)
{
	struct ovm_tag *v, *t;

	/* Grow geometrically: a family can hold 100k tags. */
	if ((tv->n & (tv->n - 1)) == 0) {
		v = realloc(tv->v, (tv->n ? tv->n * 2 : 16) * sizeof(*v));
		if (v == NULL)
			return OVM_ENOMEM;
		tv->v = v;
	}
	t = &tv->v[tv->n];
	t->name = malloc(nlen + 1);
	if (t->name == NULL)
		return OVM_ENOMEM;
	memcpy(t->name, name, nlen);
	t->name[nlen] = '\0';
	if (tlen >= sizeof(t->target.hex))
		tlen = 0;
	memcpy(t->target.hex, target, tlen);
	t->target.hex[tlen] = '\0';
	tv->sorted = 0;
	tv->n++;
	return 0;
}

int
ovm_tagv_take(struct ovm_tagv *dst, struct ovm_tagv *src)
{
	struct ovm_tag *v;
	size_t cap = 16;

	if (src->n == 0) {
		ovm_tagv_free(src);
		return 0;
	}
	if (dst->n == 0) {
		ovm_tagv_free(dst);
		*dst = *src;
		src->v = NULL;
		src->n = 0;
		return 0;
	}
	/* Keep tagv_pushn's invariant: the capacity is a power of two. */
	while (cap < dst->n + src->n)
		cap *= 2;
	v = realloc(dst->v, cap * sizeof(*v));
	if (v == NULL)
		return OVM_ENOMEM;
	dst->v = v;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*v));
	dst->n += src->n;
	dst->sorted = 0;
	free(src->v);
	src->v = NULL;
	src->n = 0;
	return 0;
}

int
ovm_tagv_push(struct ovm_tagv *tv, const char *name, const char *target)
{
	if (target == NULL)
		target = "";
	return tagv_pushn(tv, name, strlen(name), target, strlen(target));
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
			rc = ovm_err_nomem(err);
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

/*
 * before..after, walked here rather than by git_revwalk: libgit2's walk
 * parses every commit into a cached object and the message must then be
 * read again; this reads each raw commit once, keeps only its date,
 * parents and message (in the repository's commit graph, struct graph,
 * shared by every later walk of the process: commits never change), and
 * holds 40-odd bytes per commit where libgit2 holds a commit object.  The
 * order is git's: newest first by committer date, each commit's parents
 * marked as it is taken; a commit reachable from before is out, and that
 * mark spreads to the commits already taken below it, so clock skew
 * cannot let one in.  Five commits more are taken once every queued
 * commit is out (git's "slop").
 */
enum {
	W_AFTER = 1,		/* reachable from after */
	W_BEFORE = 2,		/* reachable from before: out of the range */
	W_QUEUED = 4,
	W_DONE = 8		/* taken: its parents are known nodes */
};

struct wnode {
	git_oid id;
	int64_t time;
	size_t first_parent, nparents;	/* in graph.pids */
	size_t msg;			/* offset in graph.msgs */
	unsigned flags;			/* this walk's marks */
};

struct graph {
	git_odb *odb;
	int shallow;
	struct wnode *node;
	size_t n, cap;
	size_t *slot, nslot;		/* hash table: node index + 1 */
	git_oid *pids;
	size_t npids, cappids;
	struct ovm_buf msgs;
};

struct walk {
	struct graph *g;
	size_t *heap, nheap, capheap;
	size_t *out, nout, capout;	/* taken while in the range */
	size_t live;			/* queued commits not out */
	int slop;			/* taken once none is live: 5 */
};

static void
graph_free(struct graph *g)
{
	if (g == NULL)
		return;
	free(g->node);
	free(g->slot);
	free(g->pids);
	ovm_buf_free(&g->msgs);
	git_odb_free(g->odb);
	free(g);
}

static size_t
walk_hash(const git_oid *id, size_t nslot)
{
	uint32_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (nslot - 1);
}

static int
graph_rehash(struct graph *g)
{
	size_t nslot = g->nslot ? g->nslot * 2 : 1024, i;
	size_t *slot = calloc(nslot, sizeof(*slot));

	if (slot == NULL)
		return OVM_ENOMEM;
	for (i = 0; i < g->n; i++) {
		size_t h = walk_hash(&g->node[i].id, nslot);

		while (slot[h] != 0)
			h = (h + 1) & (nslot - 1);
		slot[h] = i + 1;
	}
	free(g->slot);
	g->slot = slot;
	g->nslot = nslot;
	return 0;
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	np = realloc(*p, c * size);
	if (np == NULL)
		return OVM_ENOMEM;
	*p = np;
	*cap = c;
	return 0;
}

/* The committer date of a raw commit (0 when unreadable). */
static int64_t
committer_time(const char *line, size_t len)
{
	const char *gt = NULL, *p;
	int64_t t = 0;

	for (p = line; p < line + len; p++)
		if (*p == '>')
			gt = p;
	if (gt == NULL)
		return 0;
	for (p = gt + 1; p < line + len && *p == ' '; p++)
		;
	for (; p < line + len && *p >= '0' && *p <= '9'; p++)
		if (t < INT64_MAX / 10 - 10)
			t = t * 10 + (*p - '0');
	return t;
}

/* The node of a known commit: its index + 1, 0 when not read yet. */
static size_t
graph_find(const struct graph *g, const git_oid *id)
{
	size_t h;

	if (g->nslot == 0)
		return 0;
	for (h = walk_hash(id, g->nslot); g->slot[h] != 0;
	    h = (h + 1) & (g->nslot - 1))
		if (git_oid_equal(&g->node[g->slot[h] - 1].id, id))
			return g->slot[h];
	return 0;
}

/*
 * The node of commit id, read and parsed when new: 0 (*out set), 1 when
 * the commit is absent from a shallow clone (history ends there).
 */
static int
graph_get(size_t *out, struct graph *g, const git_oid *id,
    struct ovm_err *err)
{
	git_odb_object *obj = NULL;
	struct wnode *nd;
	const char *data, *p, *end, *body;
	size_t h, len;
	int rc;

	h = graph_find(g, id);
	if (h != 0) {
		*out = h - 1;
		return 0;
	}
	rc = git_odb_read(&obj, g->odb, id);
	if (rc == GIT_ENOTFOUND && g->shallow) {
		git_error_clear();
		return 1;
	}
	if (rc < 0 || git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), id);
		git_odb_object_free(obj);
		if (rc == 0)
			return ovm_err_set(err, OVM_EGIT, "%s is not a commit",
			    hex);
		return git_fail(err, OVM_EGIT, "cannot read commit %s", hex);
	}
	if (grow((void **)&g->node, &g->cap, g->n + 1, sizeof(*g->node)) < 0 ||
	    ((g->n + 1) * 2 > g->nslot && graph_rehash(g) < 0))
		goto oom;
	nd = &g->node[g->n];
	memset(nd, 0, sizeof(*nd));
	git_oid_cpy(&nd->id, id);
	nd->first_parent = g->npids;
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	end = data + len;
	body = memmem(data, len, "\n\n", 2);
	/* Headers up to the committer line; gpgsig and others follow it. */
	for (p = data; p < (body != NULL ? body : end);) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (ll == 7 + GIT_OID_HEXSZ && memcmp(p, "parent ", 7) == 0) {
			if (grow((void **)&g->pids, &g->cappids, g->npids + 1,
			    sizeof(*g->pids)) < 0)
				goto oom;
			if (git_oid_fromstrn(&g->pids[g->npids], p + 7,
			    GIT_OID_HEXSZ) == 0)
				g->npids++;
		} else if (ll > 10 && memcmp(p, "committer ", 10) == 0) {
			nd->time = committer_time(p, ll);
			break;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	nd->nparents = g->npids - nd->first_parent;
	nd->msg = g->msgs.len;
	body = body != NULL ? body + 2 : end;
	if (ovm_buf_add(&g->msgs, body, (size_t)(end - body)) < 0 ||
	    ovm_buf_add(&g->msgs, "", 1) < 0)
		goto oom;
	git_odb_object_free(obj);
	for (h = walk_hash(id, g->nslot); g->slot[h] != 0;
	    h = (h + 1) & (g->nslot - 1))
		;
	g->slot[h] = g->n + 1;
	*out = g->n++;
	return 0;
oom:
	git_odb_object_free(obj);
	return ovm_err_nomem(err);
}

/* Max-heap on the committer date. */
static int
heap_before(const struct walk *w, size_t a, size_t b)
{
	return w->g->node[w->heap[a]].time > w->g->node[w->heap[b]].time;
}

static void
heap_swap(struct walk *w, size_t a, size_t b)
{
	size_t t = w->heap[a];

	w->heap[a] = w->heap[b];
	w->heap[b] = t;
}

static int
walk_push(struct walk *w, size_t i)
{
	struct wnode *nd = &w->g->node[i];
	size_t k;

	if (nd->flags & (W_QUEUED | W_DONE))
		return 0;
	if (grow((void **)&w->heap, &w->capheap, w->nheap + 1,
	    sizeof(*w->heap)) < 0)
		return OVM_ENOMEM;
	nd->flags |= W_QUEUED;
	if (!(nd->flags & W_BEFORE))
		w->live++;
	k = w->nheap++;
	w->heap[k] = i;
	while (k > 0 && heap_before(w, k, (k - 1) / 2)) {
		heap_swap(w, k, (k - 1) / 2);
		k = (k - 1) / 2;
	}
	return 0;
}

static size_t
walk_pop(struct walk *w)
{
	size_t top = w->heap[0], k = 0;

	w->heap[0] = w->heap[--w->nheap];
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;

		if (l < w->nheap && heap_before(w, l, m))
			m = l;
		if (r < w->nheap && heap_before(w, r, m))
			m = r;
		if (m == k)
			break;
		heap_swap(w, k, m);
		k = m;
	}
	w->g->node[top].flags &= ~W_QUEUED;
	if (!(w->g->node[top].flags & W_BEFORE))
		w->live--;
	return top;
}

/* Marks i out of the range, and below it every commit already taken. */
static int
walk_mark_before(struct walk *w, size_t i)
{
	size_t *stack = NULL, n = 0, cap = 0, j;
	int rc = 0;

	if (grow((void **)&stack, &cap, 1, sizeof(*stack)) < 0)
		return OVM_ENOMEM;
	stack[n++] = i;
	while (rc == 0 && n > 0) {
		struct wnode *nd = &w->g->node[stack[--n]];

		if (nd->flags & W_BEFORE)
			continue;
		nd->flags |= W_BEFORE;
		if (nd->flags & W_QUEUED)
			w->live--;
		if (!(nd->flags & W_DONE))
			continue;
		/* A taken commit's parents are nodes (or absent). */
		for (j = 0; j < nd->nparents; j++) {
			size_t k = graph_find(w->g,
			    &w->g->pids[nd->first_parent + j]);

			if (k == 0)
				continue;
			if (grow((void **)&stack, &cap, n + 1,
			    sizeof(*stack)) < 0) {
				rc = OVM_ENOMEM;
				break;
			}
			stack[n++] = k - 1;
		}
	}
	free(stack);
	return rc;
}

/*
 * Starts a walk of before..after (before may be NULL); *before_idx is
 * before's node.  Commits are read once, into the repository's graph:
 * libgit2's cache of commit objects would cost a third more time and
 * memory, so it is off until walk_end (4096 bytes is its default limit).
 */
static int
walk_start(struct walk *w, struct ovm_repo *r, const git_oid *after,
    const git_oid *before, size_t *before_idx, struct ovm_err *err)
{
	struct graph *g = r->graph;
	size_t idx, i;
	int rc;

	memset(w, 0, sizeof(*w));
	w->slop = 5;
	if (g == NULL) {
		g = calloc(1, sizeof(*g));
		if (g == NULL)
			return ovm_err_nomem(err);
		if (git_repository_odb(&g->odb, r->repo) < 0) {
			free(g);
			return git_fail(err, OVM_EGIT,
			    "cannot open the object database");
		}
		g->shallow = git_repository_is_shallow(r->repo) == 1;
		r->graph = g;
	}
	w->g = g;
	for (i = 0; i < g->n; i++)
		g->node[i].flags = 0;
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT,
	    (size_t)0);
	rc = graph_get(&idx, g, after, err);
	if (rc == 0) {
		g->node[idx].flags |= W_AFTER;
		rc = walk_push(w, idx);
	}
	if (rc == 0 && before != NULL) {
		rc = graph_get(&idx, g, before, err);
		if (rc == 0)
			rc = walk_mark_before(w, idx);
		if (rc == 0)
			rc = walk_push(w, idx);
		if (rc == 0 && before_idx != NULL)
			*before_idx = idx;
	}
	if (rc == OVM_ENOMEM)
		ovm_err_set(err, rc, "out of memory");
	return rc < 0 ? rc : 0;
}

static void
walk_end(struct walk *w)
{
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT,
	    (size_t)4096);
	free(w->heap);
	free(w->out);
}

/* Takes the newest queued commit: 0, 1 when the walk is over, or <0. */
static int
walk_step(struct walk *w, struct ovm_err *err)
{
	struct graph *g = w->g;
	size_t c, j, idx;
	int rc = 0;

	if (w->nheap == 0)
		return 1;
	if (w->live == 0 && --w->slop < 0)
		return 1;
	c = walk_pop(w);
	g->node[c].flags |= W_DONE;
	for (j = 0; rc == 0 && j < g->node[c].nparents; j++) {
		git_oid pid = g->pids[g->node[c].first_parent + j];

		rc = graph_get(&idx, g, &pid, err);
		if (rc > 0) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		if (g->node[c].flags & W_BEFORE)
			rc = walk_mark_before(w, idx);
		else
			g->node[idx].flags |= W_AFTER;
		if (rc == 0)
			rc = walk_push(w, idx);
	}
	if (rc == 0 && !(g->node[c].flags & W_BEFORE)) {
		if (grow((void **)&w->out, &w->capout, w->nout + 1,
		    sizeof(*w->out)) < 0)
			rc = OVM_ENOMEM;
		else
			w->out[w->nout++] = c;
	}
	if (rc == OVM_ENOMEM)
		ovm_err_set(err, rc, "out of memory");
	return rc;
}

int
ovm_git_walk_range(struct ovm_repo *r, const char *before, const char *after,
    int (*fn)(const char *hex, const char *msg, void *ctx), void *ctx,
    struct ovm_err *err)
{
	struct walk w;
	git_oid ia, ib;
	size_t i;
	int rc;

	if (parse_oid(&ia, after, err) < 0)
		return OVM_EINPUT;
	if (before != NULL && parse_oid(&ib, before, err) < 0)
		return OVM_EINPUT;
	rc = walk_start(&w, r, &ia, before != NULL ? &ib : NULL, NULL, err);
	while (rc == 0)
		rc = walk_step(&w, err);
	if (rc > 0)
		rc = 0;
	for (i = 0; rc == 0 && i < w.nout; i++) {
		const struct wnode *nd = &w.g->node[w.out[i]];
		char hex[GIT_OID_HEXSZ + 1];

		if (nd->flags & W_BEFORE)
			continue;
		git_oid_tostr(hex, sizeof(hex), &nd->id);
		rc = fn(hex, w.g->msgs.ptr + nd->msg, ctx);
	}
	walk_end(&w);
	return rc;
}

int
ovm_git_is_ancestor(struct ovm_repo *r, const char *ancestor,
    const char *descendant, struct ovm_err *err)
{
	struct walk w;
	git_oid a, d;
	size_t ai = 0;
	int rc;

	if (parse_oid(&a, ancestor, err) < 0 || parse_oid(&d, descendant, err) < 0)
		return OVM_EINPUT;
	if (git_oid_equal(&a, &d))
		return 1;
	/* An unknown commit is nobody's descendant (libgit2 1.5 leaks there). */
	if (!ovm_git_has_commit(r, ancestor) || !ovm_git_has_commit(r, descendant))
		return 0;
	/*
	 * descendant..ancestor walked until the ancestor is reached from the
	 * descendant's side, or nothing queued is: a merge base's cost, at
	 * this walk's price per commit rather than libgit2's.
	 */
	rc = walk_start(&w, r, &d, &a, &ai, err);
	while (rc == 0 && !(w.g->node[ai].flags & W_AFTER))
		rc = walk_step(&w, err);
	if (rc >= 0)
		rc = (w.g->node[ai].flags & W_AFTER) != 0;
	walk_end(&w);
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
			rc = ovm_err_nomem(err);
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

/* 1 when p starts with 40 lower-case hex digits (packed-refs' form). */
static int
is_hex_id(const char *p)
{
	int i;

	for (i = 0; i < GIT_OID_HEXSZ; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
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

/* The length of prefix's directory part ("a/b@" -> 2, "a@" -> 0). */
static size_t
dir_len(const char *prefix)
{
	const char *slash = strrchr(prefix, '/');

	return slash != NULL ? (size_t)(slash - prefix + 1) : 0;
}

/*
 * Loose tags whose names start with prefix[i] for some i in want[0..nw),
 * names only (a target is read when one is needed).  All the wanted
 * prefixes share one directory, read once: a directory of 20k refs costs
 * more to read than anything done with the names.
 */
static int
loose_tags(struct ovm_tagv *out, struct ovm_repo *r,
    const char *const *prefix, const size_t *want, size_t nw,
    struct ovm_err *err)
{
	size_t dl = dir_len(prefix[want[0]]), i;
	char dir[4096];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%srefs/tags/%.*s",
	    git_repository_commondir(r->repo), (int)dl, prefix[want[0]]);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char name[4096];
		size_t nlen = strlen(de->d_name);

		if (de->d_name[0] == '.' || de->d_type == DT_DIR ||
		    dl + nlen >= sizeof(name))
			continue;
		for (i = 0; i < nw; i++) {
			const char *base = prefix[want[i]] + dl;

			if (strncmp(de->d_name, base, strlen(base)) == 0)
				break;
		}
		if (i == nw)
			continue;
		memcpy(name, prefix[want[0]], dl);
		memcpy(name + dl, de->d_name, nlen + 1);
		if (tagv_pushn(out, name, dl + nlen, "", 0) < 0)
			rc = ovm_err_nomem(err);
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
	/*
	 * A loose ref is an id and a newline: read it and peel it here (a
	 * release push may ask this of 20k loose tags; libgit2's lookup
	 * costs several times more).  Any other content goes to libgit2.
	 */
	if (snprintf(ref, sizeof(ref), "%srefs/tags/%s",
	    git_repository_commondir(r->repo), t->name) < (int)sizeof(ref)) {
		char buf[GIT_OID_HEXSZ + 2];
		git_oid id;
		ssize_t n = -1;
		int fd = open(ref, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf));
			close(fd);
		}
		if (n == GIT_OID_HEXSZ + 1 && buf[GIT_OID_HEXSZ] == '\n' &&
		    is_hex_id(buf) && git_oid_fromstrn(&id, buf,
		    GIT_OID_HEXSZ) == 0) {
			peel_hex(out, r, &id);
			return 0;
		}
	}
	snprintf(ref, sizeof(ref), "refs/tags/%s", t->name);
	if (ovm_git_ref_commit(out, r, ref, NULL) < 0)
		out->hex[0] = '\0';
	return 0;
}

/* The packed-refs file, mapped; .len 0 when there is none. */
struct packed_file {
	struct packed pk;
	void *map;
	int sorted, peeled;
};

static void
packed_open(struct packed_file *pf, struct ovm_repo *r)
{
	char path[4096];
	struct stat st;
	int fd;

	memset(pf, 0, sizeof(*pf));
	pf->map = MAP_FAILED;
	snprintf(path, sizeof(path), "%spacked-refs",
	    git_repository_commondir(r->repo));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
		pf->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (pf->map != MAP_FAILED) {
			pf->pk.buf = pf->map;
			pf->pk.len = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	if (pf->pk.len > 0 && pf->pk.buf[0] == '#') {
		size_t he = line_end(&pf->pk, 0);
		char header[512];

		snprintf(header, sizeof(header), "%.*s", (int)he, pf->pk.buf);
		pf->sorted = strstr(header, " sorted") != NULL;
		pf->peeled = strstr(header, " peeled") != NULL ||
		    strstr(header, " fully-peeled") != NULL;
	}
}

static void
packed_close(struct packed_file *pf)
{
	if (pf->map != MAP_FAILED)
		munmap(pf->map, pf->pk.len);
}

/* The first record at or after the first name >= full (sorted files). */
static size_t
packed_seek(const struct packed *pk, size_t pos, const char *full,
    size_t plen)
{
	size_t lo = pos, hi = pk->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, ls = mid, rec;

		while (ls > lo && pk->buf[ls - 1] != '\n')
			ls--;
		rec = next_record(pk, ls);
		if (rec >= hi) {
			hi = ls;
			continue;
		}
		if (record_cmp(pk, rec, full, plen) < 0)
			lo = next_record(pk, line_end(pk, rec));
		else
			hi = rec;
	}
	return lo;
}

/*
 * Packed tags under prefix not shadowed by a loose one (loose: sorted by
 * name), with their targets.
 */
static int
packed_tags(struct ovm_tagv *out, struct ovm_repo *r,
    const struct packed_file *pf, const char *prefix,
    const struct ovm_tagv *loose, struct ovm_err *err)
{
	const struct packed *pk = &pf->pk;
	char full[2048];
	size_t plen, pos, le = 0;
	int rc = 0;

	snprintf(full, sizeof(full), "refs/tags/%s", prefix);
	plen = strlen(full);
	pos = next_record(pk, 0);
	if (pf->sorted)
		pos = packed_seek(pk, pos, full, plen);
	for (; rc == 0 && pos < pk->len; pos = next_record(pk, le)) {
		const char *name = pk->buf + pos + GIT_OID_HEXSZ + 1, *hex;
		size_t nlen;
		struct ovm_oid target = { "" };
		char nm[2048];
		git_oid id;
		int c;

		le = line_end(pk, pos);
		c = record_cmp(pk, pos, full, plen);
		if (c != 0) {
			if (pf->sorted && c > 0)
				break;
			continue;
		}
		nlen = le - (pos + GIT_OID_HEXSZ + 1);
		while (nlen > 0 && (name[nlen - 1] == '\n' || name[nlen - 1] == '\r'))
			nlen--;
		if (nlen - 10 >= sizeof(nm))
			continue;
		memcpy(nm, name + 10, nlen - 10);
		nm[nlen - 10] = '\0';
		if (loose->n > 0 && ovm_tagv_find(loose, nm) != NULL)
			continue;
		/*
		 * The target: the peeled line of an annotated tag, or the id
		 * itself once the file says every tag is peeled.  Git writes
		 * lower-case hex, copied as it is; any other form goes through
		 * libgit2, which reads and normalises it.
		 */
		hex = pk->buf + pos;
		if (le < pk->len && pk->buf[le] == '^' &&
		    le + 1 + GIT_OID_HEXSZ <= pk->len)
			hex = pk->buf + le + 1;
		else if (!pf->peeled)
			hex = NULL;
		if (hex != NULL && is_hex_id(hex)) {
			rc = tagv_pushn(out, nm, nlen - 10, hex, GIT_OID_HEXSZ);
		} else {
			if (git_oid_fromstrn(&id, hex != NULL ? hex : pk->buf + pos,
			    GIT_OID_HEXSZ) < 0)
				continue;
			if (hex != NULL)
				oid_hex(&target, &id);
			else
				peel_hex(&target, r, &id);
			rc = ovm_tagv_push(out, nm, target.hex);
		}
		if (rc < 0)
			rc = ovm_err_nomem(err);
	}
	return rc;
}

int
ovm_git_tags_with_prefix(struct ovm_tagv *out, struct ovm_repo *r,
    const char *const *prefix, size_t n, struct ovm_err *err)
{
	struct ovm_tagv loose = { NULL, 0, 0 };
	struct packed_file pf;
	size_t i, j, nw, *want = calloc(n + 1, sizeof(*want));
	int rc = 0;

	if (want == NULL)
		return ovm_err_nomem(err);
	/* Each directory once, for all the prefixes in it. */
	for (i = 0; rc == 0 && i < n; i++) {
		size_t dl = dir_len(prefix[i]);

		for (j = 0; j < i; j++)
			if (dir_len(prefix[j]) == dl &&
			    strncmp(prefix[j], prefix[i], dl) == 0)
				break;
		if (j < i)
			continue;
		for (j = i, nw = 0; j < n; j++)
			if (dir_len(prefix[j]) == dl &&
			    strncmp(prefix[j], prefix[i], dl) == 0)
				want[nw++] = j;
		rc = loose_tags(&loose, r, prefix, want, nw, err);
	}
	free(want);
	if (rc < 0) {
		ovm_tagv_free(&loose);
		return rc;
	}
	packed_open(&pf, r);
	if (pf.pk.len > 0 && loose.n > 1)
		ovm_tagv_sort_unique(&loose);	/* packed ones it shadows */
	for (i = 0; rc == 0 && i < n; i++) {
		size_t li = strlen(prefix[i]);

		/* Not a range inside another one's (listed there). */
		for (j = 0; j < n; j++) {
			size_t lj = strlen(prefix[j]);

			if (j != i && (lj < li || (lj == li && j < i)) &&
			    strncmp(prefix[i], prefix[j], lj) == 0)
				break;
		}
		if (j == n)
			rc = packed_tags(out, r, &pf, prefix[i], &loose, err);
	}
	packed_close(&pf);
	if (rc == 0 && ovm_tagv_take(out, &loose) < 0)
		rc = ovm_err_nomem(err);
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
		rc = *out != NULL ? 0 : ovm_err_nomem(err);
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
		return ovm_err_nomem(err);
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
		rc = ovm_err_nomem(err);
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
	return *out != NULL ? 0 : ovm_err_nomem(err);
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
	const git_error *e = git_error_last();
	int ssh = e != NULL && e->klass == GIT_ERROR_SSH;

	if (cs->auth_failed)
		git_fail(err, OVM_EENV, "%s '%s': authentication failed", what,
		    remote);
	else
		git_fail(err, OVM_EENV, "%s '%s'", what, remote);
	/* The token hint means nothing to an SSH remote. */
	if (ssh)
		ovm_err_hint(err, "an SSH remote needs its host key in "
		    "~/.ssh/known_hosts (ssh-keyscan -p PORT HOST >> "
		    "~/.ssh/known_hosts) and a key in ssh-agent; or use an "
		    "https:// remote with a token");
	else if (cs->auth_failed)
		ovm_err_hint(err, "check the token (OVM_RELEASE_TOKEN, "
		    "the checkout's extraheader, GITHUB_TOKEN) and its "
		    "permissions");
	return OVM_EENV;
}

/* The remote called name: 0, or OVM_EINPUT naming it once. */
static int
remote_lookup(git_remote **out, struct ovm_repo *r, const char *name,
    struct ovm_err *err)
{
	int rc = git_remote_lookup(out, r->repo, name);

	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		return ovm_err_set(err, OVM_EINPUT, "no remote '%s'", name);
	}
	if (rc < 0)
		return git_fail(err, OVM_EINPUT, "cannot read remote '%s'", name);
	return 0;
}

int
ovm_git_remote_url(char **out, struct ovm_repo *r, const char *remote,
    int push, struct ovm_err *err)
{
	git_remote *rem = NULL;
	const char *url;

	*out = NULL;
	if (remote_lookup(&rem, r, remote, err) < 0)
		return OVM_EINPUT;
	url = push && git_remote_pushurl(rem) != NULL ? git_remote_pushurl(rem) :
	    git_remote_url(rem);
	*out = strdup(url != NULL ? url : "");
	git_remote_free(rem);
	if (*out == NULL)
		return ovm_err_nomem(err);
	ovm_redact_urls(*out);
	return 0;
}

/*
 * A remote that is a repository on this machine (a path or file:// URL)
 * is read directly: its packed-refs by binary search and its loose tags
 * by name, as for the local repository.  libgit2's local transport would
 * look every ref up on its own (a stat and a packed-refs search each) and
 * peel every tag: with 100k tags that is most of a run.  1 when url is
 * not such a repository (the transport is used), 0 when read.
 */
static int
ls_local(struct ovm_tagv *tags_out, struct ovm_oid *tip_out, const char *url,
    const char *want, struct ovm_err *err)
{
	struct ovm_repo rr;
	const char *path = url, *all = "";
	size_t i;
	int rc;

	memset(&rr, 0, sizeof(rr));
	if (strncmp(url, "file://", 7) == 0)
		path = url + 7;
	else if (strstr(url, "://") != NULL ||
	    (strchr(url, ':') != NULL && url[0] != '/' && url[0] != '.'))
		return 1;			/* a URL or scp-like host:path */
	if (git_repository_open_ext(&rr.repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_error_clear();
		return 1;
	}
	rc = ovm_git_tags_with_prefix(tags_out, &rr, &all, 1, err);
	for (i = 0; rc == 0 && i < tags_out->n; i++)
		if (tags_out->v[i].target.hex[0] == '\0')
			ovm_git_tag_target(&tags_out->v[i].target, &rr,
			    &tags_out->v[i]);
	if (rc == 0)
		ovm_git_ref_commit(tip_out, &rr, want, NULL);
	git_repository_free(rr.repo);
	return rc;
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
	if (remote_lookup(&rem, r, ro->remote, err) < 0)
		return OVM_EINPUT;
	if (git_remote_url(rem) != NULL) {
		rc = ls_local(tags_out, tip_out, git_remote_url(rem), want, err);
		if (rc <= 0)
			goto sort;
	}
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
				rc = ovm_err_nomem(err);
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
			rc = ovm_err_nomem(err);
	}
sort:
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

	if (remote_lookup(&rem, r, ro->remote, err) < 0)
		return OVM_EINPUT;
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
		return ovm_err_nomem(err);
	specs.strings = &spec;
	specs.count = 1;
	if (remote_lookup(&rem, r, ro->remote, err) < 0) {
		free(spec);
		return OVM_EINPUT;
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
				rc = ovm_err_nomem(err);
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
			rc = ovm_err_nomem(err);
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
	return *out != NULL ? 0 : ovm_err_nomem(err);
}
