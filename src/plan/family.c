/*
 * A track's tag families: their tags (local or the remote's) with release
 * versions parsed once, lookups by name, and previous.
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
int
plan_load_tags(struct ovm_tagv *out, struct builder *b, struct ovm_template **tpl,
    size_t n)
{
	const struct ovm_tagv *src = b->o->remote_tags;
	struct ovm_tagv local = { NULL, 0, 0 };
	const char **prefix = calloc(n + 1, sizeof(*prefix));
	size_t i, j, o;
	int rc = 0;

	if (prefix == NULL)
		return ovm_err_nomem(b->err);
	for (i = 0; i < n; i++)
		prefix[i] = ovm_template_prefix(tpl[i]);
	if (src != NULL) {
		for (j = 0; rc == 0 && j < src->n; j++)
			if (matches_any(tpl, prefix, n, src->v[j].name) &&
			    ovm_tagv_push(out, src->v[j].name,
			    src->v[j].target.hex) < 0)
				rc = ovm_err_nomem(b->err);
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
		rc = ovm_err_nomem(b->err);
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
	return tc->pt->previous != NULL ? 0 : ovm_err_nomem(b->err);
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
	rc = plan_load_tags(&tc->family, b, tc->from_tpl, tc->n_from);
	if (rc < 0)
		return rc;
	tc->rel = calloc(tc->family.n + 1, sizeof(*tc->rel));
	if (tc->rel == NULL)
		return ovm_err_nomem(b->err);
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
