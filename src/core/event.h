#ifndef OVM_EVENT_H
#define OVM_EVENT_H

/*
 * The event (doc/decisions.md#the-event): what was pushed (or dispatched), read from
 * GitHub Actions (GITHUB_* environment + the payload at GITHUB_EVENT_PATH)
 * and overridden by the --event/--before/--after/--branch flags.
 *
 * Everything here is pure except ovm_event_load_github(), which reads the
 * environment and the payload file.  The flags (event_flags.h), object-id
 * and ref-name checks (refname.h) and skip markers (skipmark.h) are modules
 * of their own, included here for the callers of the event.
 */

#include <stddef.h>

#include "core/event_flags.h"	/* the overrides: ovm_event_apply_flags */
#include "core/refname.h"	/* object ids and ref names */
#include "core/skipmark.h"	/* skip markers of the head message */
#include "util/err.h"

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

/* Frees the strings and resets ev to OVM_EVENT_INIT; NULL is a no-op. */
void ovm_event_free(struct ovm_event *ev);

/* "push", "workflow_dispatch", "local" or "other". */
const char *ovm_event_kind_name(enum ovm_event_kind kind);

#endif
