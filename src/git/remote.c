/*
 * Remotes: their URL, the refs they list, fetch and push, with the
 * credential and progress callbacks and errors that never show a token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "git/git_int.h"
#include "util/url.h"

struct cb_state {
	const struct ovm_remote_opts *ro;
	int cred_calls;
	int auth_failed;
	int is_tag;
	struct ovm_push_status *st;
};

static int
is_http_url(const char *url)
{
	return url != NULL && (strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0);
}

/*
 * One answer per connection: libgit2 asks again and again (15 times over
 * HTTP, forever over SSH) when an answer is refused.
 */
static int
cred_cb(git_credential **out, const char *url, const char *user, unsigned int allowed,
    void *payload)
{
	struct cb_state *cs = payload;

	if (++cs->cred_calls > 1 || cs->ro->extraheader != NULL) {
		cs->auth_failed = 1;
		git_error_set_str(GIT_ERROR_NET, "authentication failed");
		return GIT_EUSER;
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) &&
	    cs->ro->token != NULL && is_http_url(url))
		return git_credential_userpass_plaintext_new(out,
		    "x-access-token", cs->ro->token);
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
		    user != NULL ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user != NULL ? user : "git");
	cs->auth_failed = 1;
	git_error_set_str(GIT_ERROR_NET, "authentication required and no "
	    "credentials available");
	return GIT_EUSER;
}

static int
negotiation_cb(const git_push_update **updates, size_t len, void *payload)
{
	struct cb_state *cs = payload;
	size_t i;

	for (i = 0; i < len; i++) {
		/*
		 * libgit2 would fast-forward an existing remote tag: a tag
		 * that is already there is never sent.
		 */
		if (cs->is_tag && !git_oid_is_zero(&updates[i]->src)) {
			cs->st->exists = 1;
			snprintf(cs->st->status, sizeof(cs->st->status),
			    "already exists on the remote");
			git_error_set_str(GIT_ERROR_REFERENCE,
			    "tag already exists on the remote");
			return GIT_EUSER;
		}
	}
	return 0;
}

static int
update_ref_cb(const char *refname, const char *status, void *payload)
{
	struct cb_state *cs = payload;

	(void)refname;
	if (status == NULL) {
		cs->st->accepted = 1;
		return 0;
	}
	cs->st->accepted = 0;
	snprintf(cs->st->status, sizeof(cs->st->status), "%s", status);
	if (strstr(status, "non-fast-forward") != NULL ||
	    strstr(status, "fetch first") != NULL ||
	    strstr(status, "stale info") != NULL)
		cs->st->nonff = 1;
	return 0;
}

static void
set_callbacks(git_remote_callbacks *cb, struct cb_state *cs)
{
	cb->credentials = cred_cb;
	cb->push_negotiation = negotiation_cb;
	cb->push_update_reference = update_ref_cb;
	cb->payload = cs;
}

static void
set_headers(git_strarray *h, const struct ovm_remote_opts *ro, char **one)
{
	one[0] = (char *)ro->extraheader;
	h->strings = ro->extraheader != NULL ? one : NULL;
	h->count = ro->extraheader != NULL ? 1 : 0;
}

static int
remote_fail(struct ovm_err *err, const struct cb_state *cs, const char *what,
    const char *remote)
{
	const git_error *e = git_error_last();
	int ssh = e != NULL && e->klass == GIT_ERROR_SSH;

	if (cs->auth_failed)
		og_fail(err, OVM_EENV, "%s '%s': authentication failed", what,
		    remote);
	else
		og_fail(err, OVM_EENV, "%s '%s'", what, remote);
	/* The token hint means nothing to an SSH remote. */
	if (ssh)
		ovm_err_hint(err, "an SSH remote needs its host key in "
		    "~/.ssh/known_hosts (ssh-keyscan -p PORT HOST >> "
		    "~/.ssh/known_hosts) and a key in ssh-agent; or use an "
		    "https:// remote with a token");
	else if (cs->auth_failed)
		ovm_err_hint(err, "check the token (OVM_RELEASE_TOKEN, "
		    "the checkout's extraheader, GITHUB_TOKEN) and its "
		    "permissions");
	return OVM_EENV;
}

/* The remote called name: 0, or OVM_EINPUT naming it once. */
static int
remote_lookup(git_remote **out, struct ovm_repo *r, const char *name,
    struct ovm_err *err)
{
	int rc = git_remote_lookup(out, r->repo, name);

	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		return ovm_err_set(err, OVM_EINPUT, "no remote '%s'", name);
	}
	if (rc < 0)
		return og_fail(err, OVM_EINPUT, "cannot read remote '%s'", name);
	return 0;
}

int
ovm_git_remote_url(char **out, struct ovm_repo *r, const char *remote,
    int push, struct ovm_err *err)
{
	git_remote *rem = NULL;
	const char *url;

	*out = NULL;
	if (remote_lookup(&rem, r, remote, err) < 0)
		return OVM_EINPUT;
	url = push && git_remote_pushurl(rem) != NULL ? git_remote_pushurl(rem) :
	    git_remote_url(rem);
	*out = strdup(url != NULL ? url : "");
	git_remote_free(rem);
	if (*out == NULL)
		return ovm_err_nomem(err);
	ovm_redact_urls(*out);
	return 0;
}

/*
 * A remote that is a repository on this machine (a path or file:// URL)
 * is read directly: its packed-refs by binary search and its loose tags
 * by name, as for the local repository.  libgit2's local transport would
 * look every ref up on its own (a stat and a packed-refs search each) and
 * peel every tag: with 100k tags that is most of a run.  1 when url is
 * not such a repository (the transport is used), 0 when read.
 */
static int
ls_local(struct ovm_tagv *tags_out, struct ovm_oid *tip_out, const char *url,
    const char *want, struct ovm_err *err)
{
	struct ovm_repo rr;
	const char *path = url, *all = "";
	size_t i;
	int rc;

	memset(&rr, 0, sizeof(rr));
	if (strncmp(url, "file://", 7) == 0)
		path = url + 7;
	else if (strstr(url, "://") != NULL ||
	    (strchr(url, ':') != NULL && url[0] != '/' && url[0] != '.'))
		return 1;			/* a URL or scp-like host:path */
	if (git_repository_open_ext(&rr.repo, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		git_error_clear();
		return 1;
	}
	rc = ovm_git_tags_with_prefix(tags_out, &rr, &all, 1, err);
	for (i = 0; rc == 0 && i < tags_out->n; i++)
		if (tags_out->v[i].target.hex[0] == '\0')
			ovm_git_tag_target(&tags_out->v[i].target, &rr,
			    &tags_out->v[i]);
	if (rc == 0)
		ovm_git_ref_commit(tip_out, &rr, want, NULL);
	git_repository_free(rr.repo);
	return rc;
}

int
ovm_git_ls_remote(struct ovm_tagv *tags_out, struct ovm_oid *tip_out,
    struct ovm_repo *r, const struct ovm_remote_opts *ro, const char *branch,
    struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_remote_connect_options co;
	const git_remote_head **heads = NULL;
	struct ovm_push_status dummy;
	struct cb_state cs = { ro, 0, 0, 0, &dummy };
	char *hdr[1], want[1024];
	size_t n = 0, i;
	int rc;

	tip_out->hex[0] = '\0';
	snprintf(want, sizeof(want), "refs/heads/%s", branch != NULL ? branch : "");
	if (remote_lookup(&rem, r, ro->remote, err) < 0)
		return OVM_EINPUT;
	if (git_remote_url(rem) != NULL) {
		rc = ls_local(tags_out, tip_out, git_remote_url(rem), want, err);
		if (rc <= 0)
			goto sort;
	}
	git_remote_connect_options_init(&co, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	set_callbacks(&co.callbacks, &cs);
	set_headers(&co.custom_headers, ro, hdr);
	co.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	if (git_remote_connect_ext(rem, GIT_DIRECTION_FETCH, &co) < 0) {
		rc = remote_fail(err, &cs, "cannot connect to", ro->remote);
		goto done;
	}
	if (git_remote_ls(&heads, &n, rem) < 0) {
		rc = remote_fail(err, &cs, "cannot list the refs of", ro->remote);
		goto done;
	}
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = heads[i]->name;
		struct ovm_oid hex;
		size_t len = strlen(name);

		og_oid_hex(&hex, &heads[i]->oid);
		if (strcmp(name, want) == 0)
			*tip_out = hex;
		if (strncmp(name, "refs/tags/", 10) != 0)
			continue;
		if (len > 3 && strcmp(name + len - 3, "^{}") == 0) {
			/* The peeled target of the annotated tag before it. */
			char *base = strndup(name + 10, len - 13);
			struct ovm_tag *t;

			if (base == NULL) {
				rc = ovm_err_nomem(err);
				break;
			}
			/* It follows its tag: look there first. */
			t = tags_out->n > 0 &&
			    strcmp(tags_out->v[tags_out->n - 1].name, base) == 0 ?
			    &tags_out->v[tags_out->n - 1] :
			    (struct ovm_tag *)ovm_tagv_find(tags_out, base);
			if (t != NULL)
				t->target = hex;
			free(base);
			continue;
		}
		if (ovm_tagv_push(tags_out, name + 10, hex.hex) < 0)
			rc = ovm_err_nomem(err);
	}
sort:
	/* 100k tags are looked up by name: sorted, a binary search. */
	if (rc == 0)
		ovm_tagv_sort_unique(tags_out);
done:
	if (rem != NULL)
		git_remote_disconnect(rem);
	git_remote_free(rem);
	return rc;
}

int
ovm_git_fetch(struct ovm_repo *r, const struct ovm_remote_opts *ro,
    const char *const *refspecs, size_t n, struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_fetch_options fo;
	git_strarray specs = { (char **)refspecs, n };
	struct ovm_push_status dummy;
	struct cb_state cs = { ro, 0, 0, 0, &dummy };
	char *hdr[1];
	int rc = 0;

	if (remote_lookup(&rem, r, ro->remote, err) < 0)
		return OVM_EINPUT;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	set_callbacks(&fo.callbacks, &cs);
	set_headers(&fo.custom_headers, ro, hdr);
	fo.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_fetch(rem, &specs, &fo, "ovm-release: fetch") < 0)
		rc = remote_fail(err, &cs, "cannot fetch from", ro->remote);
	git_remote_free(rem);
	return rc;
}

int
ovm_git_push_ref(struct ovm_push_status *st, struct ovm_repo *r,
    const struct ovm_remote_opts *ro, const char *src, const char *dst,
    struct ovm_err *err)
{
	git_remote *rem = NULL;
	git_push_options po;
	char *spec = NULL, *hdr[1];
	git_strarray specs;
	struct cb_state cs = { ro, 0, 0, 0, st };
	int rc;

	memset(st, 0, sizeof(*st));
	cs.is_tag = strncmp(dst, "refs/tags/", 10) == 0;
	if (asprintf(&spec, "%s:%s", src, dst) < 0)
		return ovm_err_nomem(err);
	specs.strings = &spec;
	specs.count = 1;
	if (remote_lookup(&rem, r, ro->remote, err) < 0) {
		free(spec);
		return OVM_EINPUT;
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	set_callbacks(&po.callbacks, &cs);
	set_headers(&po.custom_headers, ro, hdr);
	po.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
	rc = git_remote_push(rem, &specs, &po);
	if (rc == GIT_ENONFASTFORWARD) {
		st->nonff = 1;
		snprintf(st->status, sizeof(st->status), "non-fast-forward");
		git_error_clear();
		rc = 0;
	} else if (rc < 0 && st->exists) {
		git_error_clear();
		rc = 0;
	} else if (rc < 0) {
		rc = remote_fail(err, &cs, "cannot push to", ro->remote);
	} else if (!st->accepted && st->status[0] == '\0') {
		snprintf(st->status, sizeof(st->status), "no status from the server");
	}
	git_remote_free(rem);
	free(spec);
	return rc;
}
