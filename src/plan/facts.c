/*
 * Stage A facts of the plan: changed paths, version files, A10 (the head
 * is the bump), A11 (the skip token in the range), A13 (only the version
 * changed) and the unreleased-changes check.
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
int
plan_load_changed(struct builder *b, struct tctx *tcs, size_t n)
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
			return ovm_err_nomem(b->err);
		}
	}
	if (b->p->config_path != NULL &&
	    !ovm_strv_contains(&specs, b->p->config_path) &&
	    ovm_strv_push(&specs, b->p->config_path) < 0) {
		ovm_strv_free(&specs);
		return ovm_err_nomem(b->err);
	}
	rc = ovm_git_changed_paths(&b->changed, b->repo, b->before, b->after,
	    all ? NULL : (const char *const *)specs.v, all ? 0 : specs.n, b->err);
	ovm_strv_free(&specs);
	if (rc < 0)
		return rc;
	b->changed_loaded = 1;
	return 0;
}

int
plan_fact_changed(struct builder *b, struct tctx *tc)
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
			return ovm_err_nomem(b->err);
	}
	return 0;
}

/* ---- version files --------------------------------------------------- */

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
	if (plan_vf_set(&want, &wlen, vf, a, alen, v, NULL) < 0) {
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
			return ovm_err_nomem(b->err);
		found = plan_tag_lookup(b, name, &target);
		free(name);
		if (found)
			return 1;
	}
	return 0;
}

int
plan_fact_head_bump(struct builder *b, struct tctx *tc)
{
	struct ovm_strv paths = { NULL, 0 };
	struct ovm_oid parents[2];
	size_t np = 0, i;
	const char *ver;
	size_t vlen;
	char *line = ovm_first_line(b->head_message);
	int rc = 0, own = 1;

	if (line == NULL)
		return ovm_err_nomem(b->err);
	if (!ovm_template_match(tc->commit_tpl, line, strlen(line), &ver, &vlen)) {
		free(line);
		return 0;
	}
	tc->f.head_is_bump = 1;
	tc->head_bump_version = strndup(ver, vlen);
	free(line);
	if (tc->head_bump_version == NULL)
		return ovm_err_nomem(b->err);
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
		const struct ovm_version_file *vf = plan_find_vf(tc->t, paths.v[i]);

		own = vf != NULL && only_version_differs(b, vf, parents[0].hex,
		    b->after, tc->head_bump_version) == 1;
	}
	ovm_strv_free(&paths);
	if (!own || np == 0)
		return 0;
	rc = plan_load_family(b, tc);
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

int
plan_fact_range_token(struct builder *b, struct tctx *tc)
{
	int rc = ovm_git_walk_range(b->repo, b->before, b->after, has_token_cb,
	    tc->t->skip_token, b->err);

	if (rc < 0)
		return rc;
	tc->f.range_has_skip_token = rc > 0;
	return 0;
}

/* ---- A13: only the version value changed, to a released version -------- */

int
plan_fact_version_only(struct builder *b, struct tctx *tc)
{
	size_t i;
	int rc;

	rc = plan_load_family(b, tc);
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
		vf = plan_find_vf(tc->t, path);
		if (vf == NULL)
			return 0;
		if (ovm_git_blob_at(&buf, &len, &mode, b->repo, b->after, path,
		    NULL) < 0 || buf == NULL) {
			free(buf);
			return 0;
		}
		rc = plan_vf_version(&v, vf, buf, len, NULL);
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
	line = ovm_first_line(msg);
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

int
plan_fact_unreleased(struct builder *b, struct tctx *tc)
{
	struct unreleased_ctx u = { b, tc, { NULL, 0 }, 0, 0 };
	struct ovm_strv changed = { NULL, 0 };
	struct ovm_oid target = { "" };
	struct ovm_semver v;
	struct relver prev;
	size_t i;
	int rc, all = 0, any = 0;

	rc = plan_load_family(b, tc);
	if (rc < 0)
		return rc;
	if (tc->pt->previous == NULL || ovm_semver_parse(&v, tc->pt->previous,
	    strlen(tc->pt->previous), NULL) < 0)
		return 0;
	plan_relver_of(&prev, &v);
	for (i = 0; i < tc->family.n && target.hex[0] == '\0'; i++)
		if (tc->rel[i].ok && plan_relver_cmp(&tc->rel[i], &prev) == 0)
			ovm_git_tag_target(&target, b->repo, &tc->family.v[i]);
	if (target.hex[0] == '\0' || strcmp(target.hex, b->after) == 0 ||
	    !ovm_git_has_commit(b->repo, target.hex))
		return 0;
	if (add_prefixes(&u.specs, &all, tc->paths) < 0)
		return ovm_err_nomem(b->err);
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
		return ovm_err_nomem(b->err);
	tc->f.unreleased_changes = u.found;
	return 0;
}
