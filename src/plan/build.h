#ifndef OVM_PLAN_BUILD_H
#define OVM_PLAN_BUILD_H

/*
 * Internal to the plan builder (the files of plan/ but inputs.c, load.c, remote.c):
 * the per-track context, the builder, and the functions its files share.
 * Not a public interface.
 */

#include <stdint.h>

#include "core/config.h"
#include "core/pathfilter.h"
#include "core/pattern.h"
#include "core/policy.h"
#include "core/semver.h"
#include "core/template.h"
#include "git/git.h"
#include "plan/plan.h"
#include "util/util.h"

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

/*
 * The builder's files, lowest first; each calls only the ones above it
 * in this list (doc/architecture.md).
 */

/* vfile.c: version files, the regular-blob check, a track's input error */
int plan_track_error(struct tctx *tc, const struct ovm_err *e);
int plan_vf_version(char **out, const struct ovm_version_file *vf, const char *buf,
    size_t len, struct ovm_err *err);
int plan_vf_set(char **out, size_t *out_len, const struct ovm_version_file *vf,
    const char *buf, size_t len, const char *v, struct ovm_err *err);
const struct ovm_version_file *plan_find_vf(const struct ovm_track *t,
    const char *path);
int plan_is_regular(unsigned mode);

/* family.c: the tag families, their release versions, previous */
int plan_load_tags(struct ovm_tagv *out, struct builder *b,
    struct ovm_template **tpl, size_t n);
int plan_relver_cmp(const struct relver *a, const struct relver *b);
void plan_relver_of(struct relver *out, const struct ovm_semver *v);
int plan_load_family(struct builder *b, struct tctx *tc);
int plan_tag_lookup(struct builder *b, const char *name, struct ovm_oid *target);
int plan_previous_below(struct builder *b, struct tctx *tc, const char *version);

/* version.c: the version of a track */
int plan_compute_version(struct builder *b, struct tctx *tc);

/* facts.c: stage A's facts */
int plan_load_changed(struct builder *b, struct tctx *tcs, size_t n);
int plan_fact_changed(struct builder *b, struct tctx *tc);
int plan_fact_head_bump(struct builder *b, struct tctx *tc);
int plan_fact_range_token(struct builder *b, struct tctx *tc);
int plan_fact_version_only(struct builder *b, struct tctx *tc);
int plan_fact_unreleased(struct builder *b, struct tctx *tc);

/* released.c: stage B's facts */
int plan_fact_released(struct builder *b, struct tctx *tc);
int plan_fact_tag_state(struct builder *b, struct tctx *tc);

/* actions.c: the file edits, the commit and the tags of a decided track */
int plan_track_actions(struct builder *b, struct tctx *tc);

#endif
