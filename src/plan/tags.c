/*
 * The plan's view of tags: the families' tags and their release versions
 * (parsed once), B1 (a tag of the track on after, or the bump on the
 * remote), B2/B3 (where the version's tags are) and previous.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dockerfile.h"
#include "core/pattern.h"
#include "core/pkgjson.h"
#include "plan/plan.h"
#include "plan/build.h"
#include "core/semver.h"
#include "util/util.h"
#include "core/versions.h"

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
		return plan_nomem(b->err);
	for (i = 0; i < n; i++)
		prefix[i] = ovm_template_prefix(tpl[i]);
	if (src != NULL) {
		for (j = 0; rc == 0 && j < src->n; j++)
			if (matches_any(tpl, prefix, n, src->v[j].name) &&
			    ovm_tagv_push(out, src->v[j].name,
			    src->v[j].target.hex) < 0)
				rc = plan_nomem(b->err);
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
		rc = plan_nomem(b->err);
done:
	ovm_tagv_free(&local);
	free(prefix);
	return rc;
}

int
plan_relver_cmp(const struct relver *a, const struct relver *b)
{
	return ovm_semver_cmp_numbers(a->num, b->num);
}

void
plan_relver_of(struct relver *out, const struct ovm_semver *v)
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
	return tc->pt->previous != NULL ? 0 : plan_nomem(b->err);
}

/*
 * The family's tags, each one's release version parsed once (every later
 * question - the highest, the one below V, the one equal to previous - is
 * then a comparison of numbers), and previous = the highest.
 */
int
plan_load_family(struct builder *b, struct tctx *tc)
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
		return plan_nomem(b->err);
	tc->family_loaded = 1;
	for (i = 0; i < tc->family.n; i++) {
		if (!ovm_family_release_of(&v, tc->from_tpl, tc->n_from,
		    tc->family.v[i].name))
			continue;
		plan_relver_of(&tc->rel[i], &v);
		if (best == NULL || plan_relver_cmp(&tc->rel[i], best) > 0)
			best = &tc->rel[i];
	}
	return best != NULL ? set_previous(b, tc, best) : 0;
}

/* Looks a tag up by exact name: 1 found (target set), 0 not. */
int
plan_tag_lookup(struct builder *b, const char *name, struct ovm_oid *target)
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
			line = plan_first_line(msg);
			free(msg);
			if (line == NULL)
				return plan_nomem(b->err);
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
	return -plan_relver_cmp(&((const struct vtag *)a)->v,
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
			return plan_nomem(b->err);
		if (rel != NULL && rel[i].ok) {
			vt[n].v = rel[i];
			vt[n++].t = &tags->v[i];
		} else if ((rel == NULL && ovm_family_release_of(&v,
		    tc->from_tpl, tc->n_from, tags->v[i].name)) ||
		    ovm_family_release_of(&v, tc->tag_tpl, tc->t->tags.n,
		    tags->v[i].name)) {
			plan_relver_of(&vt[n].v, &v);
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
			rc = plan_nomem(b->err);
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

int
plan_fact_released(struct builder *b, struct tctx *tc)
{
	struct ovm_tagv created = { NULL, 0, 0 };
	size_t i;
	int rc, all = 1;

	rc = plan_load_family(b, tc);
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
			return plan_nomem(b->err);
		if (!plan_tag_lookup(b, name, &target))
			all = 0;
		free(name);
	}
	tc->f.released_complete = all;
	return 0;
}

/* ---- B2, B3: where the version's tags already are ---------------------- */

int
plan_fact_tag_state(struct builder *b, struct tctx *tc)
{
	size_t i;
	int rc;

	rc = plan_compute_version(b, tc);
	if (rc < 0 || tc->pt->exit_code != 0)
		return rc;
	for (i = 0; i < tc->t->tags.n; i++) {
		struct ovm_oid target;
		char *name = NULL;

		if (ovm_template_format(&name, tc->tag_tpl[i], tc->pt->version) < 0)
			return plan_nomem(b->err);
		if (plan_tag_lookup(b, name, &target)) {
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

/* previous = the highest release of the family below version. */
int
plan_previous_below(struct builder *b, struct tctx *tc, const char *version)
{
	const struct relver *best = NULL;
	struct ovm_semver sv;
	struct relver w;
	size_t i;

	if (ovm_semver_parse(&sv, version, strlen(version), NULL) < 0)
		return 0;
	/* A release is above the pre-releases of its numbers: compare those. */
	plan_relver_of(&w, &sv);
	for (i = 0; i < tc->family.n; i++) {
		if (!tc->rel[i].ok || plan_relver_cmp(&tc->rel[i], &w) >= 0)
			continue;
		if (best == NULL || plan_relver_cmp(&tc->rel[i], best) > 0)
			best = &tc->rel[i];
	}
	return set_previous(b, tc, best);
}
