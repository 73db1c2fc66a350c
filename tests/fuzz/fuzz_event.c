/*
 * The GitHub event payload through ovm_event_from_github with a fixed
 * environment (GITHUB_ACTIONS=true, GITHUB_SHA, GITHUB_REF), once per
 * event name.  Properties when it succeeds: before/after are NULL or
 * valid lower-case object ids; ref is NULL or a valid full ref; branch is
 * set exactly when ref is refs/heads/<branch>; the kind matches the name.
 */
#include "fuzz.h"

#include "ovm/event.h"

static const char *const names[] = { "push", "workflow_dispatch",
    "schedule", "delete" };

static void
check_oid(const char *what, const char *hex)
{
	const char *p;

	if (hex == NULL)
		return;
	FZ_CHECK(ovm_oid_is_valid(hex), "%s '%s' not an object id", what, hex);
	for (p = hex; *p != '\0'; p++)
		FZ_CHECK(!(*p >= 'A' && *p <= 'F'), "%s '%s' not lower-case",
		    what, hex);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovm_gh_env env = { "true", NULL, "/github/workflow/event.json",
	    "0123456789abcdef0123456789abcdef01234567", "refs/heads/main",
	    "main" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ovm_event ev = OVM_EVENT_INIT;
		struct ovm_err err = OVM_ERR_INIT;
		int rc;

		env.event_name = names[i];
		rc = ovm_event_from_github(&ev, &env, (const char *)data, size,
		    &err);
		FZ_CHECK(rc == 0 || rc == OVM_EINPUT || rc == OVM_ENOMEM,
		    "rc %d", rc);
		if (rc != 0) {
			FZ_CHECK(err.msg[0] != '\0', "error without a message");
			FZ_CHECK(ev.after == NULL && ev.ref == NULL,
			    "out not left empty on error");
			continue;
		}
		FZ_CHECK(ev.from_github == 1, "from_github");
		FZ_CHECK(ev.name != NULL && strcmp(ev.name, names[i]) == 0,
		    "name");
		FZ_CHECK(ev.kind == (i == 0 ? OVM_EV_PUSH : i == 1 ?
		    OVM_EV_DISPATCH : OVM_EV_OTHER), "kind %d", ev.kind);
		check_oid("before", ev.before);
		check_oid("after", ev.after);
		if (ev.ref != NULL)
			FZ_CHECK(ovm_refname_is_valid(ev.ref), "ref '%s'", ev.ref);
		if (ev.branch != NULL) {
			FZ_CHECK(ev.ref != NULL &&
			    strncmp(ev.ref, "refs/heads/", 11) == 0 &&
			    strcmp(ev.ref + 11, ev.branch) == 0,
			    "branch '%s' ref '%s'", ev.branch,
			    ev.ref ? ev.ref : "(null)");
		} else if (ev.ref != NULL) {
			FZ_CHECK(strncmp(ev.ref, "refs/heads/", 11) != 0,
			    "ref '%s' without branch", ev.ref);
		}
		ovm_event_free(&ev);
	}
	return 0;
}
