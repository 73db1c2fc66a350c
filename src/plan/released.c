/*
 * Stage B's facts: B1 (a tag of the track on after, or the bump on the
 * remote branch) and B2/B3 (where the version's tags already are).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dockerfile/dockerfile.h"
#include "core/pattern.h"
#include "core/pkgjson.h"
#include "core/semver.h"
#include "core/versions.h"
#include "plan/build.h"
#include "plan/plan.h"
#include "util/util.h"

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
			line = ovm_first_line(msg);
			free(msg);
			if (line == NULL)
				return ovm_err_nomem(b->err);
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
			return ovm_err_nomem(b->err);
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
			rc = ovm_err_nomem(b->err);
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
		rc = plan_load_tags(&created, b, tc->tag_tpl, tc->t->tags.n);
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
			return ovm_err_nomem(b->err);
		if (!plan_tag_lookup(b, name, &target))
			all = 0;
		free(name);
	}
	tc->f.released_complete = all;
	return 0;
}

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
			return ovm_err_nomem(b->err);
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
