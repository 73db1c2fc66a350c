#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>

#include "net/github.h"
#include "net/http.h"
#include "util/util.h"

#define MAX_PAGES 100

char *
ovm_link_next(const char *link)
{
	const char *p = link;

	while (p != NULL && *p != '\0') {
		const char *lt = strchr(p, '<'), *gt, *end;

		if (lt == NULL)
			return NULL;
		gt = strchr(lt, '>');
		if (gt == NULL)
			return NULL;
		end = strchr(gt, ',');
		if (end == NULL)
			end = gt + strlen(gt);
		/* rel="next" (or rel=next) among this link's parameters. */
		{
			const char *r = gt;

			while ((r = strstr(r, "rel=")) != NULL && r < end) {
				r += 4;
				if (*r == '"')
					r++;
				if (strncmp(r, "next", 4) == 0 &&
				    (r[4] == '"' || r[4] == ';' || r[4] == ',' ||
				    r[4] == ' ' || r[4] == '\0'))
					return strndup(lt + 1, (size_t)(gt - lt - 1));
			}
		}
		p = *end != '\0' ? end + 1 : end;
	}
	return NULL;
}

static int
rate_limited(const struct ovm_http_resp *r, const char *url, struct ovm_err *err)
{
	const char *rem = ovm_http_header(r, "x-ratelimit-remaining");
	const char *reset = ovm_http_header(r, "x-ratelimit-reset");
	char when[64] = "unknown";

	if (!((r->status == 403 || r->status == 429) &&
	    ((rem != NULL && strcmp(rem, "0") == 0) ||
	    ovm_http_header(r, "retry-after") != NULL)))
		return 0;
	if (reset != NULL) {
		time_t t = (time_t)strtoll(reset, NULL, 10);
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	ovm_err_set(err, OVM_EENV, "%s: GitHub API rate limit exceeded "
	    "(resets at %s)", url, when);
	ovm_err_hint(err, "set GITHUB_TOKEN for a higher limit, or retry after "
	    "the reset");
	return 1;
}

int
ovm_github_release_tags(struct ovm_tagv *out, const char *api_url,
    const char *owner_repo, const char *token, struct ovm_err *err)
{
	struct ovm_http_resp resp = OVM_HTTP_RESP_INIT;
	char *url = NULL, *auth = NULL, *safe = NULL;
	const char *hdrs[4] = { "Accept: application/vnd.github+json",
	    "X-GitHub-Api-Version: 2022-11-28", NULL, NULL };
	int rc = 0, pages = 0;

	if (asprintf(&url, "%s/repos/%s/releases?per_page=100", api_url,
	    owner_repo) < 0)
		return ovm_err_nomem(err);
	if (token != NULL && token[0] != '\0') {
		if (asprintf(&auth, "Authorization: Bearer %s", token) < 0) {
			free(url);
			return ovm_err_nomem(err);
		}
		hdrs[2] = auth;
	}
	while (url != NULL && rc == 0) {
		struct ovm_http_req req;
		cJSON *root = NULL;
		const cJSON *rel;
		char *next;

		if (++pages > MAX_PAGES) {
			rc = ovm_err_set(err, OVM_EENV, "more than %d pages of "
			    "releases: giving up", MAX_PAGES);
			break;
		}
		free(safe);
		safe = ovm_http_redact(url);
		memset(&req, 0, sizeof(req));
		req.url = url;
		req.headers = hdrs;
		req.follow_redirects = 1;
		rc = ovm_http_request(&resp, &req, err);
		if (rc < 0)
			break;
		if (rate_limited(&resp, safe, err)) {
			rc = OVM_EENV;
			break;
		}
		if (resp.status != 200) {
			rc = ovm_err_set(err, OVM_EENV, "%s answered %ld%s", safe,
			    resp.status, resp.status == 404 ?
			    " (no such repository, or no access)" : "");
			break;
		}
		root = cJSON_ParseWithLength(resp.body.ptr != NULL ?
		    resp.body.ptr : "", resp.body.len);
		if (!cJSON_IsArray(root)) {
			cJSON_Delete(root);
			rc = ovm_err_set(err, OVM_EENV, "%s: not a JSON array of "
			    "releases", safe);
			break;
		}
		cJSON_ArrayForEach(rel, root) {
			const cJSON *tag = cJSON_GetObjectItemCaseSensitive(rel,
			    "tag_name");

			if (!cJSON_IsString(tag) || cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(rel, "draft")) ||
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rel,
			    "prerelease")))
				continue;
			if (ovm_tagv_push(out, tag->valuestring, "") < 0) {
				rc = ovm_err_nomem(err);
				break;
			}
		}
		cJSON_Delete(root);
		next = ovm_link_next(ovm_http_header(&resp, "link"));
		free(url);
		url = next;
		ovm_http_resp_free(&resp);
	}
	ovm_http_resp_free(&resp);
	free(url);
	free(auth);
	free(safe);
	return rc;
}
