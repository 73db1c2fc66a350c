/*
 * Configuration: the embedded default (doc/config.md) parsed by the same code as a
 * user's file, so the default is validated and self-documenting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/config.h"
#include "core/config_int.h"
#include "core/json.h"
#include "core/pattern.h"
#include "core/semver.h"
#include "util/util.h"

static const char default_json[] =
"{\"branches\": [\"main\"], \"remote\": \"origin\",\n"
" \"identity\": null,\n"
" \"hook\": {\"mode\": \"notify\"},\n"
" \"tracks\": [\n"
"  {\"name\": \"server-base\",\n"
"   \"from_dockerfile\": \"dockerfiles/server-base.dockerfile\",\n"
"   \"tags\": [\"server-base@{version}\"],\n"
"   \"paths\": [\"dockerfiles/server-base.dockerfile\"],\n"
"   \"watch\": [\".github/workflows/tag-server-base.yml\"],\n"
"   \"verify_image\": false, \"catch_up\": false},\n"
"  {\"name\": \"executor-layer\",\n"
"   \"from_tags\": [\"executor-layer@{version}\", \"cloud-executor-layer@{version}\"],\n"
"   \"bump\": \"patch\", \"initial\": \"0.1.0\",\n"
"   \"version_files\": [{\"path\": \"package.json\", \"format\": \"npm-package\"},\n"
"                     {\"path\": \"package-lock.json\", \"format\": \"npm-lock\", \"optional\": true}],\n"
"   \"commit\": \"chore(release): bump executor layer version to {version}\",\n"
"   \"tags\": [\"executor-layer@{version}\", \"cloud-executor-layer@{version}\"],\n"
"   \"paths\": [\"package.json\", \"requirements.txt\"],\n"
"   \"watch\": [\".github/workflows/tag-executor-layer.yml\"],\n"
"   \"skip_token\": \"[skip executor-layer-tag]\", \"catch_up\": false}]}\n";


static int
valid_branch_name(const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (n == 0 || s[0] == '-' || s[0] == '/' || s[n - 1] == '/' ||
	    s[n - 1] == '.' || strstr(s, "..") != NULL ||
	    strstr(s, "//") != NULL || strstr(s, "@{") != NULL ||
	    strcmp(s, "@") == 0)
		return 0;
	if (n >= 5 && strcmp(s + n - 5, ".lock") == 0)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    strchr(" ~^:?*[\\", *p) != NULL)
			return 0;
	return 1;
}

/* Merges obj's keys over cfg; every key replaces the default's. */
static int
apply(struct ovm_config *cfg, const struct loc *l, const cJSON *obj)
{
	const cJSON *m, *h;
	size_t i;

	if (!cJSON_IsObject(obj))
		return cfg_bad(l, "", "(top level)", "must be a JSON object");
	cJSON_ArrayForEach(m, obj) {
		const char *k = m->string;
		char ptr[128];

		cfg_keyf(ptr, sizeof(ptr), "/%s", k);
		if (strcmp(k, "branches") == 0) {
			if (cfg_get_strv(&cfg->branches, l, m, ptr, k, SV_PLAIN, 1) < 0)
				return OVM_ECONFIG;
			for (i = 0; i < cfg->branches.n; i++) {
				if (!valid_branch_name(cfg->branches.v[i])) {
					char eptr[160], ekey[64];

					cfg_keyf(eptr, sizeof(eptr), "/branches/%zu", i);
					cfg_keyf(ekey, sizeof(ekey), "branches[%zu]", i);
					return cfg_bad(l, eptr, ekey,
					    "'%s' is not a valid branch name",
					    cfg->branches.v[i]);
				}
			}
		} else if (strcmp(k, "remote") == 0) {
			free(cfg->remote);
			cfg->remote = NULL;
			if (cfg_get_string(&cfg->remote, l, m, ptr, k, 0) < 0)
				return OVM_ECONFIG;
		} else if (strcmp(k, "identity") == 0) {
			free(cfg->identity_name);
			free(cfg->identity_email);
			cfg->identity_name = cfg->identity_email = NULL;
			if (cJSON_IsNull(m))
				continue;
			if (!cJSON_IsObject(m))
				return cfg_bad(l, ptr, k,
				    "must be null or {\"name\": …, \"email\": …}");
			cJSON_ArrayForEach(h, m) {
				char hptr[160], hkey[64];

				cfg_keyf(hptr, sizeof(hptr), "/identity/%s", h->string);
				cfg_keyf(hkey, sizeof(hkey), "identity.%s", h->string);
				if (strcmp(h->string, "name") == 0) {
					if (cfg_get_string(&cfg->identity_name, l, h,
					    hptr, hkey, 0) < 0)
						return OVM_ECONFIG;
				} else if (strcmp(h->string, "email") == 0) {
					if (cfg_get_string(&cfg->identity_email, l, h,
					    hptr, hkey, 0) < 0)
						return OVM_ECONFIG;
				} else {
					return cfg_bad(l, hptr, hkey, "unknown key");
				}
			}
			if (cfg->identity_name == NULL ||
			    cfg->identity_email == NULL)
				return cfg_bad(l, ptr, k,
				    "needs both 'name' and 'email'");
		} else if (strcmp(k, "hook") == 0) {
			if (!cJSON_IsObject(m))
				return cfg_bad(l, ptr, k, "must be an object {\"mode\": …}");
			cJSON_ArrayForEach(h, m) {
				char hptr[160], hkey[64];

				cfg_keyf(hptr, sizeof(hptr), "/hook/%s", h->string);
				cfg_keyf(hkey, sizeof(hkey), "hook.%s", h->string);
				if (strcmp(h->string, "mode") != 0)
					return cfg_bad(l, hptr, hkey, "unknown key");
				if (!cJSON_IsString(h) ||
				    (strcmp(h->valuestring, "notify") != 0 &&
				    strcmp(h->valuestring, "tag") != 0))
					return cfg_bad(l, hptr, hkey,
					    "must be \"notify\" or \"tag\"");
				free(cfg->hook_mode);
				cfg->hook_mode = strdup(h->valuestring);
				if (cfg->hook_mode == NULL)
					return ovm_err_set(l->err, OVM_ENOMEM,
					    "out of memory");
			}
		} else if (strcmp(k, "tracks") == 0) {
			if (cfg_parse_tracks(cfg, l, m) < 0)
				return OVM_ECONFIG;
		} else {
			return cfg_bad(l, ptr, k, "unknown key");
		}
	}
	return 0;
}

/*
 * A key twice in one object is valid JSON, and cJSON keeps both: one
 * would count and the other be ignored without a word.  In a release
 * configuration that is a mistake to point at (file:line), not a guess.
 */
static int
no_repeated_keys(const struct loc *l, const cJSON *v, const char *ptr,
    const char *key)
{
	const cJSON *c, *d;
	char cptr[512], ckey[512];
	int i = 0, rc;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	for (c = v->child; c != NULL; c = c->next, i++) {
		if (cJSON_IsObject(v)) {
			for (d = v->child; d != c; d = d->next)
				if (strcmp(d->string, c->string) == 0)
					break;
			cfg_keyf(cptr, sizeof(cptr), "%s/%s", ptr, c->string);
			cfg_keyf(ckey, sizeof(ckey), "%s%s%s", key,
			    key[0] != '\0' ? "." : "", c->string);
			if (d != c)
				return cfg_bad(l, cptr, ckey, "appears twice in "
				    "the same object (here and again below), "
				    "and only one would count: keep one");
		} else {
			cfg_keyf(cptr, sizeof(cptr), "%s/%d", ptr, i);
			cfg_keyf(ckey, sizeof(ckey), "%s[%d]", key, i);
		}
		rc = no_repeated_keys(l, c, cptr, ckey);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
ovm_config_load(struct ovm_config *out, const char *buf, size_t len,
    const char *path, struct ovm_err *err)
{
	struct loc l = { NULL, 0, "(embedded default)", err };
	cJSON *def = NULL, *user = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	def = cJSON_Parse(default_json);
	if (def == NULL) {
		rc = ovm_err_set(err, OVM_ENOMEM, "cannot parse the embedded default");
		goto done;
	}
	rc = apply(out, &l, def);
	if (rc < 0)
		goto done;
	if (buf != NULL) {
		rc = ovm_json_parse(&user, buf, len, path, err);
		if (rc < 0) {
			err->code = rc = OVM_ECONFIG;
			goto done;
		}
		l.buf = buf;
		l.len = len;
		l.path = path;
		rc = no_repeated_keys(&l, user, "", "");
		if (rc == 0)
			rc = apply(out, &l, user);
		if (rc < 0)
			goto done;
		out->source = strdup(path);
		if (out->source == NULL)
			rc = ovm_err_nomem(err);
	}
done:
	cJSON_Delete(def);
	cJSON_Delete(user);
	if (rc < 0)
		ovm_config_free(out);
	return rc;
}

void
ovm_config_free(struct ovm_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	ovm_strv_free(&cfg->branches);
	free(cfg->remote);
	free(cfg->identity_name);
	free(cfg->identity_email);
	free(cfg->hook_mode);
	for (i = 0; i < cfg->n_tracks; i++)
		cfg_track_free(&cfg->tracks[i]);
	free(cfg->tracks);
	free(cfg->source);
	memset(cfg, 0, sizeof(*cfg));
}

static cJSON *
strv_json(const struct ovm_strv *sv)
{
	return cJSON_CreateStringArray((const char *const *)sv->v, (int)sv->n);
}

static cJSON *
str_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
track_json(const struct ovm_track *t)
{
	cJSON *o = cJSON_CreateObject(), *vfs;
	size_t i;

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "name", t->name);
	if (t->from_dockerfile != NULL) {
		cJSON_AddStringToObject(o, "from_dockerfile", t->from_dockerfile);
		cJSON_AddItemToObject(o, "stage", str_or_null(t->stage));
	} else {
		cJSON_AddItemToObject(o, "from_tags", strv_json(&t->from_tags));
		cJSON_AddStringToObject(o, "bump", t->bump);
		cJSON_AddStringToObject(o, "initial", t->initial);
		vfs = cJSON_AddArrayToObject(o, "version_files");
		for (i = 0; vfs != NULL && i < t->n_version_files; i++) {
			cJSON *vf = cJSON_CreateObject();

			cJSON_AddStringToObject(vf, "path", t->version_files[i].path);
			cJSON_AddStringToObject(vf, "format",
			    t->version_files[i].format == OVM_VF_NPM_LOCK ?
			    "npm-lock" : "npm-package");
			cJSON_AddBoolToObject(vf, "optional",
			    t->version_files[i].optional);
			cJSON_AddItemToArray(vfs, vf);
		}
		cJSON_AddItemToObject(o, "commit", str_or_null(t->commit));
	}
	cJSON_AddItemToObject(o, "tags", strv_json(&t->tags));
	cJSON_AddItemToObject(o, "paths", strv_json(&t->paths));
	cJSON_AddItemToObject(o, "watch", strv_json(&t->watch));
	cJSON_AddItemToObject(o, "skip_token", str_or_null(t->skip_token));
	if (t->from_dockerfile != NULL)
		cJSON_AddBoolToObject(o, "verify_image", t->verify_image);
	cJSON_AddBoolToObject(o, "catch_up", t->catch_up);
	return o;
}

int
ovm_config_to_json(char **out, const struct ovm_config *cfg,
    struct ovm_err *err)
{
	cJSON *root = cJSON_CreateObject(), *id, *hook, *tracks;
	size_t i;

	*out = NULL;
	if (root == NULL)
		return ovm_err_nomem(err);
	cJSON_AddItemToObject(root, "branches", strv_json(&cfg->branches));
	cJSON_AddStringToObject(root, "remote", cfg->remote);
	if (cfg->identity_name != NULL) {
		id = cJSON_AddObjectToObject(root, "identity");
		cJSON_AddStringToObject(id, "name", cfg->identity_name);
		cJSON_AddStringToObject(id, "email", cfg->identity_email);
	} else {
		cJSON_AddNullToObject(root, "identity");
	}
	hook = cJSON_AddObjectToObject(root, "hook");
	cJSON_AddStringToObject(hook, "mode", cfg->hook_mode);
	tracks = cJSON_AddArrayToObject(root, "tracks");
	for (i = 0; i < cfg->n_tracks; i++)
		cJSON_AddItemToArray(tracks, track_json(&cfg->tracks[i]));
	*out = cJSON_Print(root);
	cJSON_Delete(root);
	if (*out == NULL)
		return ovm_err_nomem(err);
	return 0;
}

const struct ovm_track *
ovm_config_track(const struct ovm_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_tracks; i++)
		if (strcmp(cfg->tracks[i].name, name) == 0)
			return &cfg->tracks[i];
	return NULL;
}

int
ovm_config_is_release_branch(const struct ovm_config *cfg, const char *branch)
{
	return branch != NULL && ovm_strv_contains(&cfg->branches, branch);
}
