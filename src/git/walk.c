/*
 * History: before..after walked over a commit graph read once per
 * process, ancestry, merge bases and one commit's message and parents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "git/git_int.h"

int
ovm_git_merge_base(struct ovm_oid *out, struct ovm_repo *r, const char *a,
    const char *b, struct ovm_err *err)
{
	git_oid ia, ib, base;
	int rc;

	out->hex[0] = '\0';
	if (og_parse_oid(&ia, a, err) < 0 || og_parse_oid(&ib, b, err) < 0)
		return OVM_EINPUT;
	rc = git_merge_base(&base, r->repo, &ia, &ib);
	if (rc == GIT_ENOTFOUND)
		return ovm_err_set(err, OVM_ENOTFOUND,
		    "%.12s and %.12s have no common ancestor", a, b);
	if (rc < 0)
		return og_fail(err, OVM_EGIT, "cannot compute the merge base");
	og_oid_hex(out, &base);
	return 0;
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

void
og_graph_free(struct graph *g)
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
		return og_fail(err, OVM_EGIT, "cannot read commit %s", hex);
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
			return og_fail(err, OVM_EGIT,
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

	if (og_parse_oid(&ia, after, err) < 0)
		return OVM_EINPUT;
	if (before != NULL && og_parse_oid(&ib, before, err) < 0)
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

	if (og_parse_oid(&a, ancestor, err) < 0 || og_parse_oid(&d, descendant, err) < 0)
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
	rc = og_lookup_commit(&c, r, hex, err);
	if (rc < 0)
		return rc;
	n = git_commit_parentcount(c);
	if (nparents != NULL)
		*nparents = n;
	for (i = 0; parents != NULL && i < n && i < 2; i++)
		og_oid_hex(&parents[i], git_commit_parent_id(c, i));
	if (msg_out != NULL) {
		*msg_out = strdup(git_commit_message(c));
		if (*msg_out == NULL)
			rc = ovm_err_nomem(err);
	}
	git_commit_free(c);
	return rc;
}
