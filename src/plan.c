/*
 * Building the plan: gather the facts the policy asks for, lazily and in
 * rule order, then compute versions, file edits, the commit and the tags.
 * All git access goes through git.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovm/dockerfile.h"
#include "ovm/pattern.h"
#include "ovm/pkgjson.h"
#include "ovm/plan.h"
#include "ovm/semver.h"
#include "ovm/util.h"
#include "ovm/versions.h"

/* A release version: no pre-release, so the numbers order it. */
struct relver {
	uint64_t num[3];		/* major, minor, patch */
	int ok;				/* 0: not a release of the family */
};

struct tctx {
	struct ovm_plan_track *pt;
	const struct ovm_track *t;
	struct ovm_pathfilter *paths, *watch;
	struct ovm_template **from_tpl;	/* version source families */
	size_t n_from;
	struct ovm_template **tag_tpl;	/* tags created */
	struct ovm_template *commit_tpl;
	struct ovm_tagv family;		/* tags of the source families */
	struct relver *rel;		/* family.v[i]'s release version */
	int family_loaded;
	struct ovm_facts f;
	char *head_bump_version;	/* A10's V */
	char *released_version;		/* B1's W */
	struct ovm_oid released_on;	/* B1: the commit W's tags go on */
	int released_on_bump;
};

struct builder {
	struct ovm_repo *repo;
	const struct ovm_config *cfg;
	const struct ovm_plan_opts *o;
	struct ovm_plan *p;
	const char *before, *after;
	char *head_message;
	struct ovm_strv changed;	/* paths changed in before..after */
	int changed_loaded;
	struct ovm_err *err;
};

static int
nomem(struct ovm_err *err)
{
	return ovm_err_set(err, OVM_ENOMEM, "out of memory");
}

/* First line of a message, without the newline (malloc'd). */
static char *
first_line(const char *msg)
{
	size_t n = strcspn(msg, "\n");

	if (n > 0 && msg[n - 1] == '\r')
		n--;
	return strndup(msg, n);
}

/* ---- tags ---------------------------------------------------------- */

/* 1 when name matches one of tpl[0..n). */
static int
matches_any(struct ovm_template **tpl, const char **prefix, size_t n,
    const char *name)
{
	size_t i, len = strlen(name);

	/* The literal prefix first: most names fail it. */
	for (i = 0; i < n; i++)
		if (strncmp(name, prefix[i], strlen(prefix[i])) == 0 &&
		    ovm_template_match(tpl[i], name, len, NULL, NULL))
			return 1;
	return 0;
}

/*
 * Tags matching any of tpl[0..n), each once, from the remote's refs or
 * locally.  A local listing is filtered in place: a family can hold 100k
 * names, and copying them costs more than listing them.
 */
static int
load_tags(struct ovm_tagv *out, struct builder *b, struct ovm_template **tpl,
    size_t n)
{
	const struct ovm_tagv *src = b->o->remote_tags;
	struct ovm_tagv local = { NULL, 0, 0 };
	const char **prefix = calloc(n + 1, sizeof(*prefix));
	size_t i, j, o;
	int rc = 0;

	if (prefix == NULL)
		return nomem(b->err);
	for (i = 0; i < n; i++)
		prefix[i] = ovm_template_prefix(tpl[i]);
	if (src != NULL) {
		for (j = 0; rc == 0 && j < src->n; j++)
			if (matches_any(tpl, prefix, n, src->v[j].name) &&
			    ovm_tagv_push(out, src->v[j].name,
			    src->v[j].target.hex) < 0)
				rc = nomem(b->err);
		goto done;
	}
	rc = ovm_git_tags_with_prefix(&local, b->repo, prefix, n, b->err);
	if (rc < 0)
		goto done;
	for (j = o = 0; j < local.n; j++) {
		if (matches_any(tpl, prefix, n, local.v[j].name))
			local.v[o++] = local.v[j];
		else
			free(local.v[j].name);
	}
	local.n = o;
	if (ovm_tagv_take(out, &local) < 0)
		rc = nomem(b->err);
done:
	ovm_tagv_free(&local);
	free(prefix);
	return rc;
}

static int
relver_cmp(const struct relver *a, const struct relver *b)
{
	return ovm_semver_cmp_numbers(a->num, b->num);
}

static void
relver_of(struct relver *out, const struct ovm_semver *v)
{
	out->num[0] = v->major;
	out->num[1] = v->minor;
	out->num[2] = v->patch;
	out->ok = 1;
}

/* prev = "M.m.p" of r (malloc'd). */
static int
set_previous(struct builder *b, struct tctx *tc, const struct relver *r)
{
	char buf[96];

	free(tc->pt->previous);
	tc->pt->previous = NULL;
	if (r == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%" PRIu64 ".%" PRIu64 ".%" PRIu64,
	    r->num[0], r->num[1], r->num[2]);
	tc->pt->previous = strdup(buf);
	return tc->pt->previous != NULL ? 0 : nomem(b->err);
}

/*
 * The family's tags, each one's release version parsed once (every later
 * question - the highest, the one below V, the one equal to previous - is
 * then a comparison of numbers), and previous = the highest.
 */
static int
load_family(struct builder *b, struct tctx *tc)
{
	const struct relver *best = NULL;
	struct ovm_semver v;
	size_t i;
	int rc;

	if (tc->family_loaded)
		return 0;
	rc = load_tags(&tc->family, b, tc->from_tpl, tc->n_from);
	if (rc < 0)
		return rc;
	tc->rel = calloc(tc->family.n + 1, sizeof(*tc->rel));
	if (tc->rel == NULL)
		return nomem(b->err);
	tc->family_loaded = 1;
	for (i = 0; i < tc->family.n; i++) {
		if (!ovm_family_release_of(&v, tc->from_tpl, tc->n_from,
		    tc->family.v[i].name))
			continue;
		relver_of(&tc->rel[i], &v);
		if (best == NULL || relver_cmp(&tc->rel[i], best) > 0)
			best = &tc->rel[i];
	}
	return best != NULL ? set_previous(b, tc, best) : 0;
}

/* Looks a tag up by exact name: 1 found (target set), 0 not. */
static int
tag_lookup(struct builder *b, const char *name, struct ovm_oid *target)
{
	char ref[1024];
	const struct ovm_tag *t;

	if (b->o->remote_tags != NULL) {
		t = ovm_tagv_find(b->o->remote_tags, name);
		if (t != NULL)
			*target = t->target;
		return t != NULL;
	}
	snprintf(ref, sizeof(ref), "refs/tags/%s", name);
	return ovm_git_ref_commit(target, b->repo, ref, NULL) == 0;
}

/* ---- changed paths --------------------------------------------------- */

static int
add_prefixes(struct ovm_strv *specs, int *all, const struct ovm_pathfilter *f)
{
	const char *const *pre;
	size_t n, i;

	pre = ovm_pathfilter_prefixes(f, &n);
	for (i = 0; i < n; i++) {
		char *s;
		size_t l = strlen(pre[i]);
		int rc;

		if (l == 0) {
			*all = 1;
			continue;
		}
		s = strdup(pre[i]);
		if (s == NULL)
			return OVM_ENOMEM;
		if (s[l - 1] == '/')
			s[l - 1] = '\0';
		rc = ovm_strv_contains(specs, s) ? 0 : ovm_strv_push(specs, s);
		free(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One tree diff for all tracks, pruned to their literal prefixes. */
static int
load_changed(struct builder *b, struct tctx *tcs, size_t n)
{
	struct ovm_strv specs = { NULL, 0 };
	size_t i;
	int all = 0, rc;

	if (b->changed_loaded)
		return 0;
	for (i = 0; i < n; i++) {
		if (add_prefixes(&specs, &all, tcs[i].paths) < 0 ||
		    add_prefixes(&specs, &all, tcs[i].watch) < 0) {
			ovm_strv_free(&specs);
			return nomem(b->err);
		}
	}
	if (b->p->config_path != NULL &&
	    !ovm_strv_contains(&specs, b->p->config_path) &&
	    ovm_strv_push(&specs, b->p->config_path) < 0) {
		ovm_strv_free(&specs);
		return nomem(b->err);
	}
	rc = ovm_git_changed_paths(&b->changed, b->repo, b->before, b->after,
	    all ? NULL : (const char *const *)specs.v, all ? 0 : specs.n, b->err);
	ovm_strv_free(&specs);
	if (rc < 0)
		return rc;
	b->changed_loaded = 1;
	return 0;
}

static int
fact_changed(struct builder *b, struct tctx *tc)
{
	size_t i;

	for (i = 0; i < b->changed.n; i++) {
		const char *path = b->changed.v[i];
		int trig = ovm_pathfilter_match(tc->paths, path) == 1;
		int watch = ovm_pathfilter_match(tc->watch, path) == 1 ||
		    (b->p->config_path != NULL &&
		    strcmp(path, b->p->config_path) == 0);

		if (trig)
			tc->f.trigger_changed = 1;
		if (watch)
			tc->f.watch_changed = 1;
		if ((trig || watch) && ovm_strv_push(&tc->pt->changed, path) < 0)
			return nomem(b->err);
	}
	return 0;
}

/* ---- version files --------------------------------------------------- */

static int
vf_version(char **out, const struct ovm_version_file *vf, const char *buf,
    size_t len, struct ovm_err *err)
{
	if (vf->format == OVM_VF_NPM_LOCK)
		return ovm_npmlock_version(out, buf, len, vf->path, err);
	return ovm_pkgjson_version(out, buf, len, vf->path, err);
}

static int
vf_set(char **out, size_t *out_len, const struct ovm_version_file *vf,
    const char *buf, size_t len, const char *v, struct ovm_err *err)
{
	int changed = 0;

	if (vf->format == OVM_VF_NPM_LOCK)
		return ovm_npmlock_set_version(out, out_len, &changed, buf, len, v,
		    vf->path, err);
	return ovm_pkgjson_set_version(out, out_len, buf, len, v, vf->path, err);
}

static const struct ovm_version_file *
find_vf(const struct ovm_track *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n_version_files; i++)
		if (strcmp(t->version_files[i].path, path) == 0)
			return &t->version_files[i];
	return NULL;
}

static int
is_regular(unsigned mode)
{
	return mode == 0100644 || mode == 0100755;
}

/*
 * 1 when the bytes at `to` are exactly the bytes at `from` with the version
 * set to v (nothing else changed), 0 when not, <0 on error.
 */
static int
only_version_differs(struct builder *b, const struct ovm_version_file *vf,
    const char *from, const char *to, const char *v)
{
	char *a = NULL, *bb = NULL, *want = NULL;
	size_t alen = 0, blen = 0, wlen = 0;
	unsigned amode = 0, bmode = 0;
	int rc;

	rc = ovm_git_blob_at(&a, &alen, &amode, b->repo, from, vf->path, NULL);
	if (rc < 0 || a == NULL) {
		rc = 0;
		goto done;
	}
	rc = ovm_git_blob_at(&bb, &blen, &bmode, b->repo, to, vf->path, NULL);
	if (rc < 0 || bb == NULL || amode != bmode) {
		rc = 0;
		goto done;
	}
	if (vf_set(&want, &wlen, vf, a, alen, v, NULL) < 0) {
		rc = 0;
		goto done;
	}
	rc = wlen == blen && memcmp(want, bb, blen) == 0;
done:
	free(a);
	free(bb);
	free(want);
	return rc;
}

static int
semver_le(const char *a, const char *b)
{
	struct ovm_semver x, y;

	if (a == NULL || b == NULL ||
	    ovm_semver_parse(&x, a, strlen(a), NULL) < 0 ||
	    ovm_semver_parse(&y, b, strlen(b), NULL) < 0)
		return 0;
	return ovm_semver_cmp(&x, &y) <= 0;
}

/* ---- A10: the head is this track's bump commit ------------------------ */

static int
any_tag_of(struct builder *b, struct tctx *tc, const char *version)
{
	size_t i;

	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid target;
		char *name = NULL;
		int found;

		if (ovm_template_format(&name, tc->tag_tpl[i], version) < 0)
			return nomem(b->err);
		found = tag_lookup(b, name, &target);
		free(name);
		if (found)
			return 1;
	}
	return 0;
}

static int
fact_head_bump(struct builder *b, struct tctx *tc)
{
	struct ovm_strv paths = { NULL, 0 };
	struct ovm_oid parents[2];
	size_t np = 0, i;
	const char *ver;
	size_t vlen;
	char *line = first_line(b->head_message);
	int rc = 0, own = 1;

	if (line == NULL)
		return nomem(b->err);
	if (!ovm_template_match(tc->commit_tpl, line, strlen(line), &ver, &vlen)) {
		free(line);
		return 0;
	}
	tc->f.head_is_bump = 1;
	tc->head_bump_version = strndup(ver, vlen);
	free(line);
	if (tc->head_bump_version == NULL)
		return nomem(b->err);
	/* Verifiably ours: one parent, only the version files set to V. */
	rc = ovm_git_commit_info(NULL, parents, &np, b->repo, b->after, b->err);
	if (rc < 0)
		return rc;
	if (np != 1)
		return 0;
	rc = ovm_git_changed_paths(&paths, b->repo, parents[0].hex, b->after,
	    NULL, 0, b->err);
	if (rc < 0)
		return rc;
	for (i = 0; i < paths.n && own; i++) {
		const struct ovm_version_file *vf = find_vf(tc->t, paths.v[i]);

		own = vf != NULL && only_version_differs(b, vf, parents[0].hex,
		    b->after, tc->head_bump_version) == 1;
	}
	ovm_strv_free(&paths);
	if (!own || np == 0)
		return 0;
	rc = load_family(b, tc);
	if (rc < 0)
		return rc;
	if (tc->pt->previous != NULL &&
	    semver_le(tc->head_bump_version, tc->pt->previous))
		return 0;
	rc = any_tag_of(b, tc, tc->head_bump_version);
	if (rc < 0)
		return rc;
	tc->f.head_bump_completes = rc == 0;
	return 0;
}

/* ---- A11: the skip token anywhere in before..after --------------------- */

static int
has_token_cb(const char *hex, const char *msg, void *ctx)
{
	(void)hex;
	return strstr(msg, (const char *)ctx) != NULL;
}

static int
fact_range_token(struct builder *b, struct tctx *tc)
{
	int rc = ovm_git_walk_range(b->repo, b->before, b->after, has_token_cb,
	    tc->t->skip_token, b->err);

	if (rc < 0)
		return rc;
	tc->f.range_has_skip_token = rc > 0;
	return 0;
}

/* ---- A13: only the version value changed, to a released version -------- */

static int
fact_version_only(struct builder *b, struct tctx *tc)
{
	size_t i;
	int rc;

	rc = load_family(b, tc);
	if (rc < 0)
		return rc;
	if (tc->pt->previous == NULL || tc->t->n_version_files == 0)
		return 0;
	for (i = 0; i < tc->pt->changed.n; i++) {
		const char *path = tc->pt->changed.v[i];
		const struct ovm_version_file *vf;
		char *buf = NULL, *v = NULL;
		size_t len = 0;
		unsigned mode = 0;

		if (ovm_pathfilter_match(tc->paths, path) != 1)
			continue;
		vf = find_vf(tc->t, path);
		if (vf == NULL)
			return 0;
		if (ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after, path,
		    NULL) < 0 || buf == NULL) {
			free(buf);
			return 0;
		}
		rc = vf_version(&v, vf, buf, len, NULL);
		free(buf);
		if (rc < 0 || v == NULL || !semver_le(v, tc->pt->previous) ||
		    only_version_differs(b, vf, b->before, b->after, v) != 1) {
			free(v);
			return 0;
		}
		free(v);
	}
	tc->f.version_only = 1;
	return 0;
}

/* ---- unreleased changes since the latest tag --------------------------- */

struct unreleased_ctx {
	struct builder *b;
	struct tctx *tc;
	struct ovm_strv specs;	/* the track's literal path prefixes */
	int found;
	int err;
};

static int
unreleased_cb(const char *hex, const char *msg, void *ctx)
{
	struct unreleased_ctx *u = ctx;
	struct ovm_strv paths = { NULL, 0 };
	struct ovm_oid parents[2];
	size_t np = 0, i;
	char *line;
	int bump = 0;

	if (u->tc->t->skip_token != NULL && strstr(msg, u->tc->t->skip_token))
		return 0;
	line = first_line(msg);
	if (line == NULL)
		return u->err = OVM_ENOMEM;
	if (u->tc->commit_tpl != NULL)
		bump = ovm_template_match(u->tc->commit_tpl, line, strlen(line),
		    NULL, NULL);
	free(line);
	if (bump)
		return 0;
	if (ovm_git_commit_info(NULL, parents, &np, u->b->repo, hex, NULL) < 0)
		return 0;
	if (ovm_git_changed_paths(&paths, u->b->repo, np > 0 ? parents[0].hex :
	    NULL, hex, (const char *const *)u->specs.v, u->specs.n, NULL) < 0)
		return 0;
	for (i = 0; i < paths.n; i++)
		if (ovm_pathfilter_match(u->tc->paths, paths.v[i]) == 1)
			u->found = 1;
	ovm_strv_free(&paths);
	return u->found;
}

static int
fact_unreleased(struct builder *b, struct tctx *tc)
{
	struct unreleased_ctx u = { b, tc, { NULL, 0 }, 0, 0 };
	struct ovm_strv changed = { NULL, 0 };
	struct ovm_oid target = { "" };
	struct ovm_semver v;
	struct relver prev;
	size_t i;
	int rc, all = 0, any = 0;

	rc = load_family(b, tc);
	if (rc < 0)
		return rc;
	if (tc->pt->previous == NULL || ovm_semver_parse(&v, tc->pt->previous,
	    strlen(tc->pt->previous), NULL) < 0)
		return 0;
	relver_of(&prev, &v);
	for (i = 0; i < tc->family.n && target.hex[0] == '\0'; i++)
		if (tc->rel[i].ok && relver_cmp(&tc->rel[i], &prev) == 0)
			ovm_git_tag_target(&target, b->repo, &tc->family.v[i]);
	if (target.hex[0] == '\0' || strcmp(target.hex, b->after) == 0 ||
	    !ovm_git_has_commit(b->repo, target.hex))
		return 0;
	if (add_prefixes(&u.specs, &all, tc->paths) < 0)
		return nomem(b->err);
	if (all)
		ovm_strv_free(&u.specs);
	/* One pruned tree diff first: most of the time nothing changed. */
	rc = ovm_git_changed_paths(&changed, b->repo, target.hex, b->after,
	    (const char *const *)u.specs.v, u.specs.n, b->err);
	for (i = 0; rc == 0 && i < changed.n; i++)
		if (ovm_pathfilter_match(tc->paths, changed.v[i]) == 1)
			any = 1;
	ovm_strv_free(&changed);
	if (rc == 0 && any)
		rc = ovm_git_walk_range(b->repo, target.hex, b->after,
		    unreleased_cb, &u, b->err);
	ovm_strv_free(&u.specs);
	if (rc < 0)
		return rc;
	if (u.err < 0)
		return nomem(b->err);
	tc->f.unreleased_changes = u.found;
	return 0;
}

/* ---- B1: this event was released before -------------------------------- */

/* The version in a tag name of this track (source or created families). */
static char *
tag_version(struct tctx *tc, const char *name)
{
	const char *ver;
	size_t vlen, i;

	for (i = 0; i < tc->n_from; i++)
		if (ovm_template_match(tc->from_tpl[i], name, strlen(name), &ver,
		    &vlen))
			return strndup(ver, vlen);
	for (i = 0; i < tc->t->tags.n; i++)
		if (ovm_template_match(tc->tag_tpl[i], name, strlen(name), &ver,
		    &vlen))
			return strndup(ver, vlen);
	return NULL;
}

static int
find_bump_on_remote(struct builder *b, struct tctx *tc, const char *tip)
{
	struct ovm_oid cur, parents[2];
	size_t np;
	int rc, guard = 0;

	rc = ovm_git_is_ancestor(b->repo, b->after, tip, NULL);
	if (rc != 1)
		return 0;
	snprintf(cur.hex, sizeof(cur.hex), "%s", tip);
	while (strcmp(cur.hex, b->after) != 0 && guard++ < 100000) {
		char *msg = NULL, *line;
		const char *ver;
		size_t vlen;

		rc = ovm_git_commit_info(&msg, parents, &np, b->repo, cur.hex,
		    b->err);
		if (rc < 0)
			return rc;
		if (np == 0) {
			free(msg);
			return 0;
		}
		if (strcmp(parents[0].hex, b->after) == 0) {
			line = first_line(msg);
			free(msg);
			if (line == NULL)
				return nomem(b->err);
			if (ovm_template_match(tc->commit_tpl, line, strlen(line),
			    &ver, &vlen)) {
				tc->released_version = strndup(ver, vlen);
				tc->released_on = cur;
				tc->released_on_bump = 1;
			}
			free(line);
			return 0;
		}
		free(msg);
		cur = parents[0];
	}
	return 0;
}

struct vtag {
	struct relver v;
	const struct ovm_tag *t;
};

static int
vtag_desc(const void *a, const void *b)
{
	return -relver_cmp(&((const struct vtag *)a)->v,
	    &((const struct vtag *)b)->v);
}

/*
 * A tag of this track on after.  Known targets (packed refs, the remote's
 * advertisement) are compared directly.  Loose tags are listed by name
 * only: theirs are read from the highest version down, and the search
 * stops at the first on an ancestor of after, since releases follow
 * history and older versions sit on older commits.  (Reading all 20k
 * loose tags costs more than the one history walk this takes.)
 */
static int
tag_on_after(struct builder *b, struct tctx *tc, const struct ovm_tagv *tags,
    const struct relver *rel)
{
	struct ovm_semver v;
	struct vtag *vt = NULL;
	const struct ovm_tag *hit = NULL;
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < tags->n && hit == NULL; i++)
		if (strcmp(tags->v[i].target.hex, b->after) == 0)
			hit = &tags->v[i];
	for (i = 0; i < tags->n && hit == NULL; i++) {
		if (tags->v[i].target.hex[0] != '\0')
			continue;
		if (vt == NULL && (vt = calloc(tags->n + 1, sizeof(*vt))) == NULL)
			return nomem(b->err);
		if (rel != NULL && rel[i].ok) {
			vt[n].v = rel[i];
			vt[n++].t = &tags->v[i];
		} else if ((rel == NULL && ovm_family_release_of(&v,
		    tc->from_tpl, tc->n_from, tags->v[i].name)) ||
		    ovm_family_release_of(&v, tc->tag_tpl, tc->t->tags.n,
		    tags->v[i].name)) {
			relver_of(&vt[n].v, &v);
			vt[n++].t = &tags->v[i];
		}
	}
	if (n > 1)
		qsort(vt, n, sizeof(*vt), vtag_desc);
	for (i = 0; i < n && hit == NULL; i++) {
		struct ovm_oid target;

		ovm_git_tag_target(&target, b->repo, vt[i].t);
		if (strcmp(target.hex, b->after) == 0)
			hit = vt[i].t;
		else if (target.hex[0] != '\0' &&
		    ovm_git_is_ancestor(b->repo, target.hex, b->after, NULL) == 1)
			break;
	}
	if (hit != NULL) {
		tc->released_version = tag_version(tc, hit->name);
		if (tc->released_version == NULL)
			rc = nomem(b->err);
		snprintf(tc->released_on.hex, sizeof(tc->released_on.hex), "%s",
		    b->after);
	}
	free(vt);
	return rc;
}

/* 1 when every template of a[0..na) is one of b[0..nb) (by text). */
static int
tpls_within(struct ovm_template **a, size_t na, struct ovm_template **b,
    size_t nb)
{
	size_t i, j;

	if (a == b)
		return 1;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (strcmp(ovm_template_text(a[i]),
			    ovm_template_text(b[j])) == 0)
				break;
		if (j == nb)
			return 0;
	}
	return 1;
}

static int
fact_released(struct builder *b, struct tctx *tc)
{
	struct ovm_tagv created = { NULL, 0, 0 };
	size_t i;
	int rc, all = 1;

	rc = load_family(b, tc);
	if (rc < 0)
		return rc;
	/* A tag of this track on after (source families or created ones). */
	rc = tag_on_after(b, tc, &tc->family, tc->rel);
	if (rc == 0 && tc->released_version == NULL &&
	    !tpls_within(tc->tag_tpl, tc->t->tags.n, tc->from_tpl, tc->n_from)) {
		rc = load_tags(&created, b, tc->tag_tpl, tc->t->tags.n);
		if (rc == 0)
			rc = tag_on_after(b, tc, &created, NULL);
		ovm_tagv_free(&created);
	}
	if (rc < 0)
		return rc;
	if (tc->released_version == NULL && tc->commit_tpl != NULL &&
	    b->o->remote_branch_tip != NULL && b->o->remote_branch_tip[0] &&
	    strcmp(b->o->remote_branch_tip, b->after) != 0) {
		rc = find_bump_on_remote(b, tc, b->o->remote_branch_tip);
		if (rc < 0)
			return rc;
	}
	if (tc->released_version == NULL)
		return 0;
	tc->f.released_before = 1;
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid target;
		char *name = NULL;

		if (ovm_template_format(&name, tc->tag_tpl[i],
		    tc->released_version) < 0)
			return nomem(b->err);
		if (!tag_lookup(b, name, &target))
			all = 0;
		free(name);
	}
	tc->f.released_complete = all;
	return 0;
}

/* ---- versions ---------------------------------------------------------- */

static int
track_error(struct tctx *tc, const struct ovm_err *e)
{
	tc->pt->err = *e;
	tc->pt->exit_code = ovm_err_exit_code(e->code);
	return e->code;
}

static int
version_dockerfile(struct builder *b, struct tctx *tc)
{
	struct ovm_dockerfile_from from;
	struct ovm_semver sv;
	struct ovm_err e = OVM_ERR_INIT;
	const char *path = tc->t->from_dockerfile;
	char *buf = NULL;
	size_t len = 0;
	unsigned mode = 0;
	int rc;

	memset(&from, 0, sizeof(from));
	rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after, path, &e);
	if (rc == OVM_ENOTFOUND) {
		ovm_err_set_at(&e, OVM_EINPUT, path, 0, "not found at %s", b->after);
		ovm_err_hint(&e, "check 'from_dockerfile' in the configuration");
		return track_error(tc, &e);
	}
	if (rc < 0)
		return track_error(tc, &e);
	if (!is_regular(mode)) {
		ovm_err_set_at(&e, OVM_EINPUT, path, 0,
		    "not a regular file at %.12s (mode %06o%s)", b->after, mode,
		    mode == 0120000 ? ", a symlink" : mode == 0160000 ?
		    ", a submodule" : mode == 040000 ? ", a directory" : "");
		ovm_err_hint(&e, "commit the Dockerfile itself, not a link to it");
		return track_error(tc, &e);
	}
	rc = ovm_dockerfile_from(&from, buf, len, path, tc->t->stage,
	    OVM_DF_STRICT, &e);
	free(buf);
	if (rc < 0)
		return track_error(tc, &e);
	tc->pt->df_line = from.line;
	tc->pt->image_ref = strdup(from.image_ref);
	tc->pt->digest = ovm_strdup(from.digest);
	if (ovm_semver_parse(&sv, from.version, strlen(from.version), NULL) < 0) {
		ovm_err_set_at(&e, OVM_EINPUT, path, from.line,
		    "the FROM tag '%s' of '%s' is not a SemVer 2.0 version",
		    from.tag, from.image_ref);
		ovm_err_hint(&e, "tag the base image X.Y.Z (or vX.Y.Z): a release "
		    "needs a version");
		ovm_dockerfile_from_free(&from);
		return track_error(tc, &e);
	}
	tc->pt->version = strdup(from.version);
	ovm_dockerfile_from_free(&from);
	if (tc->pt->image_ref == NULL || tc->pt->version == NULL)
		return nomem(b->err);
	return load_family(b, tc);
}

/* Version files at after, set to version: the edits of the plan. */
static int
plan_files(struct builder *b, struct tctx *tc, const char *version)
{
	size_t i;
	int rc;

	tc->pt->files = calloc(tc->t->n_version_files + 1,
	    sizeof(*tc->pt->files));
	if (tc->pt->files == NULL)
		return nomem(b->err);
	for (i = 0; i < tc->t->n_version_files; i++) {
		const struct ovm_version_file *vf = &tc->t->version_files[i];
		struct ovm_plan_file *pf = &tc->pt->files[tc->pt->n_files];
		struct ovm_err e = OVM_ERR_INIT;
		char *buf = NULL, *old = NULL, *out = NULL;
		size_t len = 0, olen = 0;
		unsigned mode = 0;

		rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after,
		    vf->path, &e);
		if (rc == OVM_ENOTFOUND && vf->optional)
			continue;
		if (rc == OVM_ENOTFOUND) {
			ovm_err_set_at(&e, OVM_EINPUT, vf->path, 0,
			    "%s not found at %s", vf->path, b->after);
			ovm_err_hint(&e, "commit it, or mark it \"optional\" in "
			    "version_files");
			return track_error(tc, &e);
		}
		if (rc < 0)
			return track_error(tc, &e);
		if (!is_regular(mode)) {
			ovm_err_set_at(&e, OVM_EINPUT, vf->path, 0,
			    "not a regular file at %.12s (mode %06o)", b->after,
			    mode);
			ovm_err_hint(&e, "a version file must be a regular file");
			return track_error(tc, &e);
		}
		rc = vf_version(&old, vf, buf, len, &e);
		if (rc == 0)
			rc = vf_set(&out, &olen, vf, buf, len, version, &e);
		if (rc < 0) {
			free(buf);
			free(old);
			return track_error(tc, &e);
		}
		if (old == NULL || (olen == len && memcmp(out, buf, len) == 0)) {
			/* A lockfile with no root version, or already set. */
			free(buf);
			free(old);
			free(out);
			continue;
		}
		free(buf);
		pf->path = strdup(vf->path);
		pf->format = vf->format;
		pf->from = old;
		pf->to = strdup(version);
		pf->content = out;
		pf->len = olen;
		pf->mode = mode;
		tc->pt->n_files++;
		if (pf->path == NULL || pf->to == NULL)
			return nomem(b->err);
	}
	return 0;
}

static int
version_from_tags(struct builder *b, struct tctx *tc)
{
	struct ovm_version_in in;
	struct ovm_version_out vo;
	struct ovm_err e = OVM_ERR_INIT;
	size_t i;
	int rc;

	rc = load_family(b, tc);
	if (rc < 0)
		return rc;
	for (i = 0; i < tc->t->n_version_files; i++) {
		const struct ovm_version_file *vf = &tc->t->version_files[i];
		char *buf = NULL;
		size_t len = 0;
		unsigned mode = 0;

		if (vf->format != OVM_VF_NPM_PACKAGE)
			continue;
		rc = ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after,
		    vf->path, NULL);
		if (rc == 0 && buf != NULL) {
			rc = ovm_pkgjson_version(&tc->pt->package_version, buf, len,
			    vf->path, &e);
			free(buf);
			if (rc < 0)
				return track_error(tc, &e);
		}
		break;
	}
	in.previous = tc->pt->previous;
	in.package = tc->pt->package_version;
	in.initial = tc->t->initial;
	in.bump = ovm_bump_from_name(tc->t->bump);
	rc = ovm_policy_version(&vo, &in, &e);
	if (rc < 0)
		return track_error(tc, &e);
	tc->pt->version = strdup(vo.version);
	if (tc->pt->version == NULL)
		return nomem(b->err);
	if (tc->f.released_before)
		return 0;	/* versions of an earlier release: no drift */
	if (vo.drift < 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is behind the highest tag %s",
	    tc->pt->package_version, tc->pt->previous) < 0)
		return nomem(b->err);
	if (vo.drift > 0 && ovm_strv_pushf(&tc->pt->warnings,
	    "package.json version %s is ahead of the highest tag %s%s",
	    tc->pt->package_version, tc->pt->previous,
	    vo.honoured ? ": honoured as the next version" : "") < 0)
		return nomem(b->err);
	return 0;
}

static int
compute_version(struct builder *b, struct tctx *tc)
{
	if (tc->pt->version != NULL || tc->pt->exit_code != 0)
		return 0;
	if (tc->t->from_dockerfile != NULL)
		return version_dockerfile(b, tc);
	return version_from_tags(b, tc);
}

/* ---- B2, B3: where the version's tags already are ---------------------- */

static int
fact_tag_state(struct builder *b, struct tctx *tc)
{
	size_t i;
	int rc;

	rc = compute_version(b, tc);
	if (rc < 0 || tc->pt->exit_code != 0)
		return rc;
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid target;
		char *name = NULL;

		if (ovm_template_format(&name, tc->tag_tpl[i], tc->pt->version) < 0)
			return nomem(b->err);
		if (tag_lookup(b, name, &target)) {
			rc = target.hex[0] != '\0' &&
			    ovm_git_has_commit(b->repo, target.hex) ?
			    ovm_git_is_ancestor(b->repo, target.hex, b->after,
			    NULL) : 0;
			if (rc == 1)
				tc->f.tag_on_ancestor = 1;
			else
				tc->f.tag_conflict = 1;
		}
		free(name);
	}
	return 0;
}

/* ---- the actions: commit and tags --------------------------------------- */

static int
add_tag(struct builder *b, struct tctx *tc, const char *name, int on_bump,
    const char *target, enum ovm_tag_state state)
{
	struct ovm_plan_track *pt = tc->pt;
	struct ovm_plan_tag *t = &pt->tags[pt->n_tags];

	t->name = strdup(name);
	if (t->name == NULL)
		return nomem(b->err);
	t->on_bump = on_bump;
	snprintf(t->target.hex, sizeof(t->target.hex), "%s",
	    target != NULL ? target : "");
	t->state = state;
	pt->n_tags++;
	return 0;
}

/*
 * The tags of version on target (NULL: the bump commit to be made): each is
 * `exists` when already there, else absent_state.
 */
static int
plan_tags(struct builder *b, struct tctx *tc, const char *version,
    const char *target, enum ovm_tag_state absent_state)
{
	size_t i;

	tc->pt->tags = calloc(tc->t->tags.n + 1, sizeof(*tc->pt->tags));
	if (tc->pt->tags == NULL)
		return nomem(b->err);
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid where = { "" };
		enum ovm_tag_state st = absent_state;
		char *name = NULL;
		int rc;

		if (ovm_template_format(&name, tc->tag_tpl[i], version) < 0)
			return nomem(b->err);
		if (tag_lookup(b, name, &where)) {
			if (target != NULL && strcmp(where.hex, target) == 0)
				st = OVM_TAG_EXISTS;
			else if (absent_state != OVM_TAG_CONFLICT &&
			    target != NULL && where.hex[0] &&
			    ovm_git_has_commit(b->repo, where.hex) &&
			    ovm_git_is_ancestor(b->repo, where.hex, b->after,
			    NULL) == 1)
				st = OVM_TAG_EXISTS;
			else
				st = OVM_TAG_CONFLICT;
		}
		rc = add_tag(b, tc, name, target == NULL, target != NULL &&
		    st != OVM_TAG_CONFLICT ? target : where.hex, st);
		free(name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
set_commit(struct builder *b, struct tctx *tc, const char *version,
    const char *existing)
{
	struct ovm_plan_track *pt = tc->pt;

	if (existing != NULL) {
		char *msg = NULL;
		int rc = ovm_git_commit_info(&msg, NULL, NULL, b->repo, existing,
		    NULL);

		if (rc == 0) {
			pt->commit_message = first_line(msg);
			free(msg);
		} else {
			pt->commit_message = NULL;
			(void)ovm_template_format(&pt->commit_message,
			    tc->commit_tpl, version);
		}
		snprintf(pt->commit_id.hex, sizeof(pt->commit_id.hex), "%s",
		    existing);
		return pt->commit_message != NULL ? 0 : nomem(b->err);
	}
	if (ovm_template_format(&pt->commit_message, tc->commit_tpl, version) < 0)
		return nomem(b->err);
	snprintf(pt->commit_parent.hex, sizeof(pt->commit_parent.hex), "%s",
	    b->after);
	return 0;
}

/* previous = the highest release of the family below version. */
static int
previous_below(struct builder *b, struct tctx *tc, const char *version)
{
	const struct relver *best = NULL;
	struct ovm_semver sv;
	struct relver w;
	size_t i;

	if (ovm_semver_parse(&sv, version, strlen(version), NULL) < 0)
		return 0;
	/* A release is above the pre-releases of its numbers: compare those. */
	relver_of(&w, &sv);
	for (i = 0; i < tc->family.n; i++) {
		if (!tc->rel[i].ok || relver_cmp(&tc->rel[i], &w) >= 0)
			continue;
		if (best == NULL || relver_cmp(&tc->rel[i], best) > 0)
			best = &tc->rel[i];
	}
	return set_previous(b, tc, best);
}

/* What a decided track will do. */
static int
plan_actions(struct builder *b, struct tctx *tc)
{
	struct ovm_plan_track *pt = tc->pt;
	int rc;

	if (pt->reason == OVM_R_COMPLETE && tc->f.head_is_bump &&
	    !tc->f.released_before) {
		/* A10: V's tags on the head, which is our bump commit. */
		free(pt->version);
		pt->version = strdup(tc->head_bump_version);
		if (pt->version == NULL)
			return nomem(b->err);
		rc = set_commit(b, tc, pt->version, b->after);
		if (rc == 0)
			rc = plan_tags(b, tc, pt->version, b->after,
			    OVM_TAG_MISSING);
		return rc;
	}
	if (tc->f.released_before) {
		/* B1: the earlier release's version and commit. */
		free(pt->version);
		pt->version = strdup(tc->released_version);
		if (pt->version == NULL)
			return nomem(b->err);
		rc = previous_below(b, tc, pt->version);
		if (rc < 0)
			return rc;
		if (tc->released_on_bump) {
			rc = set_commit(b, tc, pt->version, tc->released_on.hex);
			if (rc < 0)
				return rc;
		}
		return plan_tags(b, tc, pt->version, tc->released_on.hex,
		    OVM_TAG_MISSING);
	}
	if (pt->decision == OVM_DEC_REFUSE && pt->reason == OVM_R_CONFLICT)
		return plan_tags(b, tc, pt->version, b->after, OVM_TAG_CREATE);
	if (pt->decision != OVM_DEC_RELEASE)
		return 0;
	if (tc->t->n_version_files > 0) {
		rc = plan_files(b, tc, pt->version);
		if (rc < 0 || pt->exit_code != 0)
			return rc;
	}
	if (pt->n_files > 0) {
		rc = set_commit(b, tc, pt->version, NULL);
		if (rc < 0)
			return rc;
		return plan_tags(b, tc, pt->version, NULL, OVM_TAG_CREATE);
	}
	return plan_tags(b, tc, pt->version, b->after, OVM_TAG_CREATE);
}

/* ---- building ------------------------------------------------------------ */

static int
compile_tpls(struct ovm_template ***out, const struct ovm_strv *sv,
    struct ovm_err *err)
{
	size_t i;
	int rc;

	*out = calloc(sv->n + 1, sizeof(**out));
	if (*out == NULL)
		return nomem(err);
	for (i = 0; i < sv->n; i++) {
		rc = ovm_template_compile(&(*out)[i], sv->v[i], 0, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void
tctx_free(struct tctx *tc)
{
	size_t i;

	ovm_pathfilter_free(tc->paths);
	ovm_pathfilter_free(tc->watch);
	for (i = 0; tc->from_tpl != NULL && tc->from_tpl[i] != NULL; i++)
		ovm_template_free(tc->from_tpl[i]);
	if (tc->from_tpl != tc->tag_tpl)
		free(tc->from_tpl);
	for (i = 0; tc->tag_tpl != NULL && tc->tag_tpl[i] != NULL; i++)
		if (tc->from_tpl == NULL || tc->from_tpl != tc->tag_tpl)
			ovm_template_free(tc->tag_tpl[i]);
	free(tc->tag_tpl);
	ovm_template_free(tc->commit_tpl);
	ovm_tagv_free(&tc->family);
	free(tc->rel);
	free(tc->head_bump_version);
	free(tc->released_version);
}

static int
tctx_init(struct tctx *tc, struct ovm_plan_track *pt, const struct ovm_track *t,
    struct ovm_err *err)
{
	int rc;

	memset(tc, 0, sizeof(*tc));
	tc->pt = pt;
	tc->t = t;
	pt->cfg = t;
	rc = ovm_pathfilter_compile(&tc->paths, (const char *const *)t->paths.v,
	    t->paths.n, err);
	if (rc == 0)
		rc = ovm_pathfilter_compile(&tc->watch,
		    (const char *const *)t->watch.v, t->watch.n, err);
	if (rc == 0)
		rc = compile_tpls(&tc->tag_tpl, &t->tags, err);
	if (rc == 0 && t->from_tags.n > 0) {
		rc = compile_tpls(&tc->from_tpl, &t->from_tags, err);
		tc->n_from = t->from_tags.n;
	} else if (rc == 0) {
		/* A Dockerfile track's family is the tags it creates. */
		tc->from_tpl = tc->tag_tpl;
		tc->n_from = t->tags.n;
	}
	if (rc == 0 && t->commit != NULL)
		rc = ovm_template_compile(&tc->commit_tpl, t->commit,
		    OVM_TPL_COMMIT, err);
	return rc;
}

static int
gather(struct builder *b, struct tctx *tcs, size_t n, struct tctx *tc,
    enum ovm_need need)
{
	int rc = 0;

	switch (need) {
	case OVM_NEED_CHANGED:
		rc = load_changed(b, tcs, n);
		if (rc == 0)
			rc = fact_changed(b, tc);
		break;
	case OVM_NEED_HEAD_BUMP:
		rc = fact_head_bump(b, tc);
		break;
	case OVM_NEED_RANGE_TOKEN:
		rc = fact_range_token(b, tc);
		break;
	case OVM_NEED_VERSION_ONLY:
		rc = fact_version_only(b, tc);
		break;
	case OVM_NEED_CATCH_UP:
		/*
		 * Only a warning depends on it (unless catch_up): a broken tag
		 * ref must not turn a quiet push into an error.
		 */
		rc = fact_unreleased(b, tc);
		if (rc < 0 && rc != OVM_ENOMEM && !tc->t->catch_up) {
			if (ovm_strv_pushf(&tc->pt->warnings, "cannot check for "
			    "unreleased changes: %s", b->err->msg) < 0)
				return nomem(b->err);
			ovm_err_clear(b->err);
			tc->f.unreleased_changes = 0;
			rc = 0;
		}
		break;
	case OVM_NEED_RELEASED:
		rc = fact_released(b, tc);
		break;
	case OVM_NEED_TAG_STATE:
		rc = fact_tag_state(b, tc);
		break;
	default:
		rc = ovm_err_set(b->err, OVM_EGIT, "internal: unknown need %d",
		    (int)need);
	}
	tc->f.known |= (unsigned)need;
	return rc;
}

static void
init_facts(struct builder *b, struct tctx *tc)
{
	const struct ovm_event *ev = &b->p->ev;
	struct ovm_facts *f = &tc->f;

	memset(f, 0, sizeof(*f));
	f->kind = ev->kind;
	f->ref_is_branch = ev->branch != NULL;
	f->deleted = ev->deleted;
	f->release_branch = ovm_config_is_release_branch(b->cfg, ev->branch);
	f->in_ci = b->o->in_ci;
	f->guard_env = b->o->guard_env;
	f->head_ci_skip = b->head_message != NULL &&
	    ovm_message_has_ci_skip(b->head_message);
	f->no_upstream = ev->kind == OVM_EV_LOCAL && b->before == NULL;
	f->before_zero = b->before != NULL && ovm_oid_is_zero(b->before);
	f->before_missing = b->before != NULL && !f->before_zero &&
	    !ovm_git_has_commit(b->repo, b->before);
	f->has_skip_token = tc->t->skip_token != NULL;
	f->has_commit_template = tc->commit_tpl != NULL;
	f->is_dockerfile = tc->t->from_dockerfile != NULL;
	f->catch_up = tc->t->catch_up;
	f->head_has_skip_token = tc->t->skip_token != NULL &&
	    b->head_message != NULL &&
	    strstr(b->head_message, tc->t->skip_token) != NULL;
	f->check_unreleased = b->o->check_unreleased;
}

static int
decide_track(struct builder *b, struct tctx *tcs, size_t n, struct tctx *tc)
{
	struct ovm_plan_track *pt = tc->pt;
	struct ovm_verdict v;
	int rc, guard = 0;

	init_facts(b, tc);
	for (;;) {
		v = ovm_policy_decide(&tc->f);
		if (v.decision != OVM_DEC_NONE)
			break;
		rc = gather(b, tcs, n, tc, v.need);
		if (rc < 0 && pt->exit_code == 0)
			return rc;
		if (pt->exit_code != 0)
			return 0;	/* a track error, recorded */
		if (++guard > 16)
			return ovm_err_set(b->err, OVM_EGIT,
			    "internal: the policy does not converge");
	}
	pt->decision = v.decision;
	pt->reason = v.reason;
	pt->candidate = v.candidate;
	pt->needs_remote = v.candidate || tc->f.head_is_bump;
	if (v.warn_unreleased && ovm_strv_pushf(&pt->warnings,
	    "%s: trigger files changed since the latest release %s in commits "
	    "no release took (a replaced CI run?); set \"catch_up\": true or "
	    "dispatch a release", pt->cfg->name,
	    pt->previous != NULL ? pt->previous : "") < 0)
		return nomem(b->err);
	if (v.reason == OVM_R_BEFORE_UNAVAILABLE) {
		ovm_err_set(&pt->err, OVM_EENV,
		    "'before' %s is not in this repository (a force-push dropped "
		    "it?)", b->before);
		ovm_err_hint(&pt->err, "fetch it, or pass --before with the commit "
		    "the remote branch was at");
		pt->exit_code = 3;
		return 0;
	}
	if (v.decision == OVM_DEC_REFUSE && v.reason == OVM_R_BRANCH) {
		ovm_err_set(&pt->err, OVM_EREFUSED,
		    "refusing to release from '%s': not a release branch",
		    b->p->ev.branch != NULL ? b->p->ev.branch : "");
		pt->exit_code = 1;
		return 0;
	}
	if (v.compute_version || v.decision == OVM_DEC_RELEASE) {
		rc = compute_version(b, tc);
		if (rc < 0 && pt->exit_code == 0)
			return rc;
		if (pt->exit_code != 0)
			return 0;
	}
	if (v.reason == OVM_R_VERSION_UNCHANGED &&
	    ovm_strv_pushf(&pt->notices, "%s %s is already tagged on an earlier "
	    "commit: the Dockerfile changed but its FROM tag did not",
	    pt->cfg->name, pt->version) < 0)
		return nomem(b->err);
	rc = plan_actions(b, tc);
	if (rc < 0 && pt->exit_code == 0)
		return rc;
	if (v.decision == OVM_DEC_REFUSE && v.reason == OVM_R_CONFLICT) {
		ovm_err_set(&pt->err, OVM_EREFUSED,
		    "%s %s: a tag of this version exists on a commit outside "
		    "%.12s's history", pt->cfg->name, pt->version, b->after);
		ovm_err_hint(&pt->err, "bump the version, or delete the stray tag "
		    "if it was never released");
		pt->exit_code = 1;
	}
	return 0;
}

static int
selected(const struct ovm_plan_opts *o, const char *name)
{
	return o->only == NULL || o->only->n == 0 ||
	    ovm_strv_contains(o->only, name);
}

int
ovm_plan_build(struct ovm_plan *out, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_event *ev,
    const struct ovm_plan_opts *opts, struct ovm_err *err)
{
	struct builder b;
	struct tctx *tcs = NULL;
	size_t i, n = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.repo = repo;
	b.cfg = cfg;
	b.o = opts;
	b.p = out;
	b.err = err;
	out->ev = *ev;	/* shallow: strings are duplicated below */
	out->ev.name = ovm_strdup(ev->name);
	out->ev.before = ovm_strdup(ev->before);
	out->ev.after = ovm_strdup(ev->after);
	out->ev.head_message = ovm_strdup(ev->head_message);
	out->ev.ref = ovm_strdup(ev->ref);
	out->ev.branch = ovm_strdup(ev->branch);
	out->config_path = ovm_strdup(opts->config_path != NULL ?
	    opts->config_path : OVM_CONFIG_FILE);
	out->tags_remote = opts->remote_tags != NULL;
	b.before = out->ev.before;
	b.after = out->ev.after;
	b.head_message = out->ev.head_message;
	for (i = 0; i < cfg->n_tracks; i++)
		if (selected(opts, cfg->tracks[i].name))
			n++;
	out->tracks = calloc(n + 1, sizeof(*out->tracks));
	tcs = calloc(n + 1, sizeof(*tcs));
	if (out->tracks == NULL || tcs == NULL) {
		rc = nomem(err);
		goto done;
	}
	for (i = 0; i < cfg->n_tracks; i++) {
		if (!selected(opts, cfg->tracks[i].name))
			continue;
		rc = tctx_init(&tcs[out->n_tracks], &out->tracks[out->n_tracks],
		    &cfg->tracks[i], err);
		out->n_tracks++;
		if (rc < 0)
			goto done;
	}
	for (i = 0; i < out->n_tracks; i++) {
		rc = decide_track(&b, tcs, out->n_tracks, &tcs[i]);
		if (rc < 0)
			goto done;
	}
done:
	for (i = 0; tcs != NULL && i < out->n_tracks; i++)
		tctx_free(&tcs[i]);
	free(tcs);
	ovm_strv_free(&b.changed);
	if (rc < 0)
		ovm_plan_free(out);
	return rc;
}

static void
track_reset_release(struct ovm_plan_track *t)
{
	size_t j;

	free(t->previous);
	free(t->version);
	free(t->package_version);
	t->previous = t->version = t->package_version = NULL;
	for (j = 0; j < t->n_files; j++) {
		free(t->files[j].path);
		free(t->files[j].from);
		free(t->files[j].to);
		free(t->files[j].content);
	}
	free(t->files);
	t->files = NULL;
	t->n_files = 0;
	free(t->commit_message);
	t->commit_message = NULL;
	t->commit_id.hex[0] = '\0';
	t->commit_parent.hex[0] = '\0';
	for (j = 0; j < t->n_tags; j++)
		free(t->tags[j].name);
	free(t->tags);
	t->tags = NULL;
	t->n_tags = 0;
}

void
ovm_plan_free(struct ovm_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p->tracks != NULL && i < p->n_tracks; i++) {
		struct ovm_plan_track *t = &p->tracks[i];

		track_reset_release(t);
		free(t->image_ref);
		free(t->digest);
		ovm_strv_free(&t->changed);
		ovm_strv_free(&t->warnings);
		ovm_strv_free(&t->notices);
	}
	free(p->tracks);
	ovm_event_free(&p->ev);
	free(p->head_branch);
	free(p->config_path);
	ovm_strv_free(&p->warnings);
	memset(p, 0, sizeof(*p));
}

int
ovm_plan_exit_code(const struct ovm_plan *p)
{
	static const int order[] = { 4, 3, 2, 1 };
	size_t i, k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (i = 0; i < p->n_tracks; i++)
			if (p->tracks[i].exit_code == order[k])
				return order[k];
	return 0;
}

int
ovm_plan_rebase_track(struct ovm_plan_track *pt, struct ovm_repo *repo,
    const struct ovm_config *cfg, const char *new_parent,
    const struct ovm_tagv *remote_tags, struct ovm_err *err)
{
	struct ovm_plan p;
	struct ovm_plan_opts o;
	struct builder b;
	struct tctx tc;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&o, 0, sizeof(o));
	memset(&b, 0, sizeof(b));
	o.remote_tags = remote_tags;
	b.repo = repo;
	b.cfg = cfg;
	b.o = &o;
	b.p = &p;
	b.after = new_parent;
	b.err = err;
	track_reset_release(pt);
	rc = tctx_init(&tc, pt, pt->cfg, err);
	if (rc == 0)
		rc = compute_version(&b, &tc);
	if (rc == 0 && pt->exit_code == 0)
		rc = plan_actions(&b, &tc);
	tctx_free(&tc);
	return rc < 0 ? rc : pt->exit_code != 0 ? pt->err.code : 0;
}
