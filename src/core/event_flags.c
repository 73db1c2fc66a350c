/*
 * The --event/--before/--after/--branch overrides of the event: validated
 * all first, then applied, so a bad flag leaves the event as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "util/util.h"

static enum ovm_event_kind
kind_of(const char *name)
{
	if (strcmp(name, "push") == 0)
		return OVM_EV_PUSH;
	if (strcmp(name, "workflow_dispatch") == 0)
		return OVM_EV_DISPATCH;
	if (strcmp(name, "local") == 0)
		return OVM_EV_LOCAL;
	return OVM_EV_OTHER;
}

static int
flag_oid(const char *flag, const char *v, struct ovm_err *err)
{
	char q[160];

	if (v == NULL || ovm_oid_is_valid(v))
		return 0;
	ovm_err_set(err, OVM_EINPUT, "%s '%s' is not a full object id", flag,
	    ovm_quote(q, sizeof(q), v));
	return ovm_err_hint(err, "give all 40 (SHA-1) or 64 (SHA-256) hex "
	    "digits, e.g. from 'git rev-parse'");
}

static void
replace(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

int
ovm_event_apply_flags(struct ovm_event *ev, const struct ovm_event_flags *fl,
    struct ovm_err *err)
{
	char *name = NULL, *before = NULL, *after = NULL, *branch = NULL;
	char *ref = NULL;
	const char *b = fl->branch;
	enum ovm_event_kind kind = ev->kind;
	char q[160];
	int rc = 0;

	/* Validate everything first: a bad flag leaves ev as it was. */
	if (fl->event != NULL) {
		kind = kind_of(fl->event);
		if (kind == OVM_EV_OTHER) {
			ovm_err_set(err, OVM_EINPUT, "unknown --event '%s'",
			    ovm_quote(q, sizeof(q), fl->event));
			return ovm_err_hint(err, "use push, workflow_dispatch "
			    "or local");
		}
	}
	rc = flag_oid("--before", fl->before, err);
	if (rc == 0)
		rc = flag_oid("--after", fl->after, err);
	if (rc < 0)
		return rc;
	if (b != NULL) {
		if (strncmp(b, "refs/heads/", 11) == 0)
			b += 11;
		rc = ovm_branch_name_check(b, err);
		if (rc < 0)
			return ovm_err_prefix(err, "--branch");
	}

	if (fl->event != NULL)
		name = strdup(fl->event);
	if (fl->before != NULL)
		before = ovm_oid_dup(fl->before);
	if (fl->after != NULL)
		after = ovm_oid_dup(fl->after);
	if (b != NULL) {
		branch = strdup(b);
		ref = malloc(strlen(b) + sizeof("refs/heads/"));
		if (ref != NULL)
			snprintf(ref, strlen(b) + sizeof("refs/heads/"),
			    "refs/heads/%s", b);
	}
	if ((fl->event != NULL && name == NULL) ||
	    (fl->before != NULL && before == NULL) ||
	    (fl->after != NULL && after == NULL) ||
	    (b != NULL && (branch == NULL || ref == NULL))) {
		rc = ovm_err_nomem(err);
		goto done;
	}

	if (name != NULL) {
		if (kind != ev->kind) {
			/* The payload's push facts belong to another event. */
			replace(&ev->before, NULL);
			ev->created = ev->deleted = ev->forced = 0;
		}
		if (kind == OVM_EV_LOCAL && ev->kind != OVM_EV_LOCAL) {
			/* local takes HEAD and its branch from the repository. */
			replace(&ev->after, NULL);
			replace(&ev->head_message, NULL);
			replace(&ev->ref, NULL);
			replace(&ev->branch, NULL);
		}
		ev->kind = kind;
		replace(&ev->name, name);
		name = NULL;
	}
	if (before != NULL) {
		ev->created = ovm_oid_is_zero(before);
		ev->forced = 0;
		replace(&ev->before, before);
		before = NULL;
	}
	if (after != NULL) {
		if (ev->after == NULL || strcmp(ev->after, after) != 0)
			replace(&ev->head_message, NULL);
		ev->deleted = ovm_oid_is_zero(after);
		replace(&ev->after, after);
		after = NULL;
	}
	if (branch != NULL) {
		replace(&ev->branch, branch);
		replace(&ev->ref, ref);
		branch = ref = NULL;
	}
done:
	free(name);
	free(before);
	free(after);
	free(branch);
	free(ref);
	return rc;
}
