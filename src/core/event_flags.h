#ifndef OVM_EVENT_FLAGS_H
#define OVM_EVENT_FLAGS_H

/*
 * The --event/--before/--after/--branch overrides of the event (doc/decisions.md#the-event).
 * Pure.  Included by event.h.
 */

#include "util/err.h"

struct ovm_event;

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

#endif
