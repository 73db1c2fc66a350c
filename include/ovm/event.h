#ifndef OVM_EVENT_H
#define OVM_EVENT_H

/*
 * The event of SPEC section 3.1: what was pushed (or dispatched), read from
 * GitHub Actions (GITHUB_* environment + the payload at GITHUB_EVENT_PATH)
 * and overridden by the --event/--before/--after/--branch flags.
 *
 * Everything here is pure except ovm_event_load_github(), which reads the
 * environment and the payload file.
 */

#include <stddef.h>

#include "ovm/err.h"

enum ovm_event_kind { OVM_EV_OTHER = 0, OVM_EV_PUSH, OVM_EV_DISPATCH, OVM_EV_LOCAL };

struct ovm_event {
	enum ovm_event_kind kind;
	char *name;		/* raw event name ("push", "schedule", ...) */
	char *before;		/* 40/64 lower-case hex or NULL when unknown */
	char *after;		/* lower-case hex or NULL when unknown */
	char *head_message;	/* head_commit.message, NULL when absent */
	char *ref;		/* full ref "refs/heads/main", NULL when unknown */
	char *branch;		/* short branch name when ref is refs/heads/..., else NULL */
	int created, deleted, forced;
	int from_github;	/* 1 when read from GitHub Actions */
};

#define OVM_EVENT_INIT { OVM_EV_OTHER, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0 }

/* The environment as read by the caller (pointers borrowed; NULL = unset). */
struct ovm_gh_env {
	const char *actions;	/* GITHUB_ACTIONS */
	const char *event_name;	/* GITHUB_EVENT_NAME */
	const char *event_path;	/* GITHUB_EVENT_PATH (used only in messages) */
	const char *sha;	/* GITHUB_SHA */
	const char *ref;	/* GITHUB_REF */
	const char *ref_name;	/* GITHUB_REF_NAME (not used: it does not say branch or tag) */
};

/*
 * Builds the event from the environment and the payload bytes (pure).
 * Allocates out's strings (free with ovm_event_free); out is left empty on
 * error.
 *
 * - GITHUB_ACTIONS not "true": a "local" event (kind OVM_EV_LOCAL,
 *   from_github 0, every field unknown); the payload is not looked at.
 * - payload NULL: there is no payload file; fields come from the env.
 *   A payload that is present must be one JSON object (empty = error).
 * - push: before, after, head_commit.message, created, deleted, forced and
 *   ref from the payload; GITHUB_SHA / GITHUB_REF when after / ref are absent.
 * - workflow_dispatch: after = GITHUB_SHA; ref = payload "ref", else
 *   GITHUB_REF.
 * - anything else (schedule, delete, ...): kind OVM_EV_OTHER, after and ref
 *   from GITHUB_SHA / GITHUB_REF.
 * JSON null counts as absent.  Errors (OVM_EINPUT, message naming the file
 * or variable, the field and, for payload fields, the line): invalid JSON
 * ("path:line:col: ..."), a field of the wrong type, an object id that is
 * not 40/64 hex digits (super-linter's "push-after" placeholder), a ref that
 * is not a valid full ref name, GITHUB_EVENT_NAME unset.
 */
int ovm_event_from_github(struct ovm_event *out, const struct ovm_gh_env *env,
    const char *payload, size_t len, struct ovm_err *err);

/*
 * Reads GITHUB_* with getenv and the payload file named by GITHUB_EVENT_PATH
 * (I/O), then ovm_event_from_github().  GITHUB_EVENT_PATH set (non-empty)
 * but unreadable: OVM_EINPUT naming it.  Allocates out.
 */
int ovm_event_load_github(struct ovm_event *out, struct ovm_err *err);

/* Command-line overrides; NULL = not given. */
struct ovm_event_flags {
	const char *event;	/* push | workflow_dispatch | local */
	const char *before;	/* full object id (40/64 hex) */
	const char *after;	/* full object id (40/64 hex) */
	const char *branch;	/* short name; a leading "refs/heads/" is accepted */
};

/*
 * Applies the flags to ev, all or nothing: every value is validated before
 * ev changes (OVM_EINPUT naming the flag).  Rules:
 * - --event different from ev's kind drops the payload-only facts (before,
 *   created, deleted, forced); --event local also drops after, the head
 *   message, ref and branch, which then come from the repository.
 * - --before sets before and created (= before is all zeros), clears forced.
 * - --after sets after and deleted (= after is all zeros); the head message
 *   is dropped when after changes (it described the old after).
 * - --branch sets branch and ref = "refs/heads/<branch>"; the name must pass
 *   git check-ref-format --branch (no leading '-', not "HEAD").
 */
int ovm_event_apply_flags(struct ovm_event *ev, const struct ovm_event_flags *fl,
    struct ovm_err *err);

/*
 * 1 when msg carries a GitHub skip marker (SPEC A4), else 0:
 * "[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"
 * anywhere in the message, ASCII case-insensitive, exactly one space inside;
 * or a "skip-checks:true" / "skip-checks: true" trailer that is the last
 * line of the message's final paragraph, every line of that paragraph being
 * a trailer ("Token: value") and the paragraph preceded by at least two
 * empty lines (GitHub's "Skipping workflow runs").  NULL: 0.
 */
int ovm_message_has_ci_skip(const char *msg);

/* 1 when hex is the all-zero object id (40 or 64 '0'), else 0. */
int ovm_oid_is_zero(const char *hex);

/* 1 when hex is a full object id: 40 or 64 hex digits (either case). */
int ovm_oid_is_valid(const char *hex);

/*
 * 0 when name is a valid branch name, i.e. "refs/heads/<name>" passes
 * git's check-ref-format rules and name does not start with '-' and is not
 * "HEAD"; OVM_EINPUT (naming it) otherwise.
 */
int ovm_branch_name_check(const char *name, struct ovm_err *err);

/*
 * 1 when refname (a full ref such as "refs/heads/main") passes git's
 * check-ref-format rules with at least two components, else 0.
 */
int ovm_refname_is_valid(const char *refname);

/* Frees the strings and resets ev to OVM_EVENT_INIT; NULL is a no-op. */
void ovm_event_free(struct ovm_event *ev);

/* "push", "workflow_dispatch", "local" or "other". */
const char *ovm_event_kind_name(enum ovm_event_kind kind);

#endif
