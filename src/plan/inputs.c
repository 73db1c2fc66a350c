#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/inputs.h"
#include "util/util.h"

/* A revision flag to a full id; all zeros and full ids pass as they are. */
static int
resolve_rev(char **out, struct ovm_repo *repo, const char *flag,
    const char *rev, struct ovm_err *err)
{
	struct ovm_oid oid;
	int rc;

	*out = NULL;
	if (rev == NULL)
		return 0;
	if (ovm_oid_is_valid(rev)) {
		*out = strdup(rev);
		return *out != NULL ? 0 : ovm_err_set(err, OVM_ENOMEM,
		    "out of memory");
	}
	rc = ovm_git_resolve(&oid, repo, rev, err);
	if (rc < 0) {
		err->code = OVM_EUSAGE;
		return ovm_err_prefix(err, "%s", flag);
	}
	*out = strdup(oid.hex);
	return *out != NULL ? 0 : ovm_err_nomem(err);
}

static int
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = ovm_strdup(src);
	return src == NULL || *dst != NULL ? 0 : OVM_ENOMEM;
}

/* The local prediction: upstream..HEAD, or the merge into main. */
static int
resolve_local(struct ovm_inputs *in, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_input_flags *fl,
    struct ovm_err *err)
{
	struct ovm_event *ev = &in->ev;
	struct ovm_head head;
	int rc;

	rc = ovm_git_head(&head, repo, err);
	if (rc < 0)
		return rc;
	if (head.oid.hex[0] == '\0' && ev->after == NULL) {
		ovm_head_free(&head);
		return ovm_err_set(err, OVM_EINPUT,
		    "HEAD has no commit yet: nothing to release");
	}
	in->head_branch = ovm_strdup(head.branch);
	if (ev->after == NULL && set_str(&ev->after, head.oid.hex) < 0)
		goto nomem;
	if (ev->branch == NULL && head.branch != NULL) {
		if (set_str(&ev->branch, head.branch) < 0)
			goto nomem;
	}
	if (ev->branch != NULL && ev->ref == NULL) {
		free(ev->ref);
		if (asprintf(&ev->ref, "refs/heads/%s", ev->branch) < 0) {
			ev->ref = NULL;
			goto nomem;
		}
	}
	if (ev->branch != NULL && ev->before == NULL && fl->before == NULL) {
		if (ovm_config_is_release_branch(cfg, ev->branch)) {
			/* The next push: its upstream's tip. */
			if (head.upstream_oid.hex[0] != '\0' &&
			    head.branch != NULL &&
			    strcmp(head.branch, ev->branch) == 0 &&
			    set_str(&ev->before, head.upstream_oid.hex) < 0)
				goto nomem;
		} else {
			/* A feature branch: predict the merge into main. */
			char *ref = NULL;
			struct ovm_oid tip, base;

			if (asprintf(&ref, "refs/remotes/%s/%s", in->remote,
			    cfg->branches.v[0]) < 0)
				goto nomem;
			if (ovm_git_ref_commit(&tip, repo, ref, NULL) == 0 &&
			    ovm_git_merge_base(&base, repo, ev->after, tip.hex,
			    NULL) == 0) {
				if (set_str(&ev->before, base.hex) < 0 ||
				    set_str(&ev->branch, cfg->branches.v[0]) < 0) {
					free(ref);
					goto nomem;
				}
				free(ev->ref);
				ev->ref = NULL;
				if (asprintf(&ev->ref, "refs/heads/%s",
				    ev->branch) < 0) {
					ev->ref = NULL;
					free(ref);
					goto nomem;
				}
				in->merge_prediction = 1;
			}
			free(ref);
		}
	}
	ovm_head_free(&head);
	return 0;
nomem:
	ovm_head_free(&head);
	return ovm_err_nomem(err);
}

int
ovm_inputs_resolve(struct ovm_inputs *out, struct ovm_repo *repo,
    const struct ovm_config *cfg, const struct ovm_input_flags *fl,
    struct ovm_err *err)
{
	struct ovm_event_flags ef = { fl->event, NULL, NULL, fl->branch };
	char *before = NULL, *after = NULL;
	const char *actions = getenv("GITHUB_ACTIONS");
	char *msg = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->in_ci = actions != NULL && strcmp(actions, "true") == 0;
	out->remote = strdup(fl->remote != NULL ? fl->remote : cfg->remote);
	if (out->remote == NULL)
		return ovm_err_nomem(err);
	if (out->in_ci) {
		rc = ovm_event_load_github(&out->ev, err);
		if (rc < 0)
			goto done;
	} else {
		out->ev.kind = OVM_EV_LOCAL;
	}
	rc = resolve_rev(&before, repo, "--before", fl->before, err);
	if (rc == 0)
		rc = resolve_rev(&after, repo, "--after", fl->after, err);
	if (rc < 0)
		goto done;
	ef.before = before;
	ef.after = after;
	rc = ovm_event_apply_flags(&out->ev, &ef, err);
	if (rc < 0)
		goto done;
	if (out->ev.name == NULL || out->ev.kind == OVM_EV_LOCAL) {
		rc = set_str(&out->ev.name, ovm_event_kind_name(out->ev.kind));
		if (rc < 0)
			goto nomem;
	}
	if (out->ev.kind == OVM_EV_LOCAL) {
		rc = resolve_local(out, repo, cfg, fl, err);
		if (rc < 0)
			goto done;
	} else if (!out->in_ci && (out->ev.after == NULL ||
	    out->ev.branch == NULL)) {
		/* A simulated event outside CI: HEAD fills what flags left. */
		struct ovm_head head;

		rc = ovm_git_head(&head, repo, err);
		if (rc < 0)
			goto done;
		if (out->ev.after == NULL && head.oid.hex[0] != '\0')
			rc = set_str(&out->ev.after, head.oid.hex);
		if (rc == 0 && out->ev.branch == NULL && head.branch != NULL) {
			rc = set_str(&out->ev.branch, head.branch);
			free(out->ev.ref);
			out->ev.ref = NULL;
			if (rc == 0 && asprintf(&out->ev.ref, "refs/heads/%s",
			    head.branch) < 0) {
				out->ev.ref = NULL;
				rc = OVM_ENOMEM;
			}
		}
		ovm_head_free(&head);
		if (rc < 0)
			goto nomem;
	}
	if (out->ev.after != NULL && !ovm_oid_is_zero(out->ev.after)) {
		if (!ovm_git_has_commit(repo, out->ev.after)) {
			rc = ovm_err_set(err, OVM_EINPUT,
			    "'after' %s is not a commit in this repository",
			    out->ev.after);
			ovm_err_hint(err, "check out the pushed commit, or pass "
			    "--after");
			goto done;
		}
		/* The commit's own message is the truth; a payload's may lag. */
		rc = ovm_git_commit_info(&msg, NULL, NULL, repo, out->ev.after,
		    err);
		if (rc < 0)
			goto done;
		free(out->ev.head_message);
		out->ev.head_message = msg;
	}
	if (out->ev.branch != NULL &&
	    asprintf(&out->remote_branch_ref, "refs/remotes/%s/%s", out->remote,
	    out->ev.branch) < 0) {
		out->remote_branch_ref = NULL;
		goto nomem;
	}
	rc = 0;
	goto done;
nomem:
	rc = ovm_err_nomem(err);
done:
	free(before);
	free(after);
	if (rc < 0)
		ovm_inputs_free(out);
	return rc;
}

void
ovm_inputs_free(struct ovm_inputs *in)
{
	if (in == NULL)
		return;
	ovm_event_free(&in->ev);
	free(in->head_branch);
	free(in->remote);
	free(in->remote_branch_ref);
	memset(in, 0, sizeof(*in));
}
