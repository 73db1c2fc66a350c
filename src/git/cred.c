/*
 * The http.<url>.extraheader credential (doc/decisions.md#credentials): the configuration
 * entry whose URL matches the remote, the way git matches it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "git/git_int.h"

/*
 * git's urlmatch, reduced to what http.<url>.* needs: the config URL's
 * scheme, host and port equal the remote's (case-insensitively) and its
 * path is a prefix of the remote's at a '/' boundary.  Returns the length
 * of the matched config URL (specificity), or -1.
 */
static int
url_matches(const char *cfg_url, const char *url)
{
	const char *cs = strstr(cfg_url, "://"), *us = strstr(url, "://");
	size_t chost, uhost, cpath;

	if (cs == NULL || us == NULL || cs - cfg_url != us - url ||
	    strncasecmp(cfg_url, url, (size_t)(cs - cfg_url)) != 0)
		return -1;
	cs += 3;
	us += 3;
	/* The remote URL's userinfo does not take part. */
	if (strchr(us, '@') != NULL && strchr(us, '@') < us + strcspn(us, "/"))
		us = strchr(us, '@') + 1;
	chost = strcspn(cs, "/");
	uhost = strcspn(us, "/");
	if (chost != uhost || strncasecmp(cs, us, chost) != 0)
		return -1;
	cs += chost;
	us += uhost;
	cpath = strlen(cs);
	while (cpath > 0 && cs[cpath - 1] == '/')
		cpath--;
	if (strncmp(cs, us, cpath) != 0 || (us[cpath] != '\0' &&
	    us[cpath] != '/'))
		return -1;
	return (int)(cs - cfg_url + cpath);
}

int
ovm_git_extraheader(char **out, char **source_out, struct ovm_repo *r,
    const char *url, struct ovm_err *err)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int best = -2, rc;

	*out = NULL;
	*source_out = NULL;
	if (git_repository_config_snapshot(&cfg, r->repo) < 0)
		return og_fail(err, OVM_EGIT, "cannot read git configuration");
	if (git_config_iterator_glob_new(&it, cfg, "^http\\..*extraheader$") < 0) {
		git_config_free(cfg);
		return og_fail(err, OVM_EGIT, "cannot read git configuration");
	}
	while ((rc = git_config_next(&e, it)) == 0) {
		const char *name = e->name;
		size_t len = strlen(name);
		int score;

		if (len == strlen("http.extraheader") &&
		    strcasecmp(name, "http.extraheader") == 0) {
			score = 0;
		} else {
			/* http.<url>.extraheader */
			char *u = strndup(name + 5, len - 5 - strlen(".extraheader"));

			if (u == NULL) {
				rc = ovm_err_nomem(err);
				goto done;
			}
			score = url_matches(u, url);
			free(u);
			if (score < 0)
				continue;
			score += 1;
		}
		if (score < best)
			continue;
		best = score;
		free(*out);
		free(*source_out);
		*out = NULL;
		*source_out = NULL;
		/* An empty value resets the headers collected so far. */
		if (e->value == NULL || e->value[0] == '\0')
			continue;
		*out = strdup(e->value);
		if (asprintf(source_out, "%s (%s)", name,
		    e->level == GIT_CONFIG_LEVEL_LOCAL ? ".git/config" :
		    e->level == GIT_CONFIG_LEVEL_GLOBAL ? "global config" :
		    e->level == GIT_CONFIG_LEVEL_APP ? "included config" :
		    "git config") < 0)
			*source_out = NULL;
		if (*out == NULL || *source_out == NULL) {
			rc = ovm_err_nomem(err);
			goto done;
		}
	}
	rc = 0;
done:
	git_error_clear();
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (rc < 0) {
		free(*out);
		free(*source_out);
		*out = *source_out = NULL;
	}
	return rc;
}
