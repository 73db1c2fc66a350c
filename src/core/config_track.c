/*
 * A track of the configuration: its keys, their types and the rules that
 * tie them together (exactly one version source, templates, paths inside
 * the repository), with errors that name file:line:key.
 */
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

static int
parse_version_files(struct ovm_track *t, const struct loc *l, const cJSON *v,
    const char *ptr, const char *key)
{
	const cJSON *e, *m;
	char eptr[256], ekey[256], mptr[300], mkey[300];
	size_t k;
	int i = 0;

	/* A repeated key: the last array replaces the first. */
	for (k = 0; k < t->n_version_files; k++)
		free(t->version_files[k].path);
	free(t->version_files);
	t->version_files = NULL;
	t->n_version_files = 0;
	if (!cJSON_IsArray(v))
		return cfg_bad(l, ptr, key, "must be an array of objects");
	t->version_files = calloc((size_t)cJSON_GetArraySize(v) + 1,
	    sizeof(*t->version_files));
	if (t->version_files == NULL)
		return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
	cJSON_ArrayForEach(e, v) {
		struct ovm_version_file *vf = &t->version_files[i];
		int have_format = 0;

		cfg_keyf(eptr, sizeof(eptr), "%s/%d", ptr, i);
		cfg_keyf(ekey, sizeof(ekey), "%s[%d]", key, i);
		i++;
		if (!cJSON_IsObject(e))
			return cfg_bad(l, eptr, ekey,
			    "must be an object {path, format, optional}");
		t->n_version_files++;
		cJSON_ArrayForEach(m, e) {
			cfg_keyf(mptr, sizeof(mptr), "%s/%s", eptr, m->string);
			cfg_keyf(mkey, sizeof(mkey), "%s.%s", ekey, m->string);
			if (strcmp(m->string, "path") == 0) {
				if (cfg_get_string(&vf->path, l, m, mptr, mkey, 0) < 0 ||
				    cfg_check_file_path(l, vf->path, mptr, mkey) < 0)
					return OVM_ECONFIG;
			} else if (strcmp(m->string, "format") == 0) {
				if (!cJSON_IsString(m))
					return cfg_bad(l, mptr, mkey, "must be a string");
				if (strcmp(m->valuestring, "npm-package") == 0)
					vf->format = OVM_VF_NPM_PACKAGE;
				else if (strcmp(m->valuestring, "npm-lock") == 0)
					vf->format = OVM_VF_NPM_LOCK;
				else
					return cfg_bad(l, mptr, mkey,
					    "unknown format '%s' (known: npm-package, npm-lock)",
					    m->valuestring);
				have_format = 1;
			} else if (strcmp(m->string, "optional") == 0) {
				if (cfg_get_bool(&vf->optional, l, m, mptr, mkey) < 0)
					return OVM_ECONFIG;
			} else {
				return cfg_bad(l, mptr, mkey, "unknown key");
			}
		}
		if (vf->path == NULL)
			return cfg_bad(l, eptr, ekey, "'path' is required");
		if (!have_format)
			return cfg_bad(l, eptr, ekey, "'format' is required");
	}
	return 0;
}

static int
parse_track(struct ovm_track *t, const struct loc *l, const cJSON *obj,
    const char *ptr, const char *key)
{
	const cJSON *m;
	char mptr[256], mkey[256];
	int have_bump = 0;

	if (!cJSON_IsObject(obj))
		return cfg_bad(l, ptr, key, "must be an object");
	cJSON_ArrayForEach(m, obj) {
		const char *k = m->string;
		int rc = 0;

		cfg_keyf(mptr, sizeof(mptr), "%s/%s", ptr, k);
		cfg_keyf(mkey, sizeof(mkey), "%s.%s", key, k);
		if (strcmp(k, "name") == 0) {
			rc = cfg_get_string(&t->name, l, m, mptr, mkey, 0);
			if (rc == 0 && !cfg_valid_name(t->name, "-"))
				rc = cfg_bad(l, mptr, mkey,
				    "'%s' does not match ^[a-z][a-z0-9-]*$", t->name);
		} else if (strcmp(k, "from_dockerfile") == 0) {
			rc = cfg_get_string(&t->from_dockerfile, l, m, mptr, mkey, 0);
			if (rc == 0)
				rc = cfg_check_file_path(l, t->from_dockerfile, mptr,
				    mkey);
		} else if (strcmp(k, "stage") == 0) {
			rc = cfg_get_string(&t->stage, l, m, mptr, mkey, 1);
			if (rc == 0 && t->stage != NULL &&
			    !cfg_valid_name(t->stage, "-_."))
				rc = cfg_bad(l, mptr, mkey,
				    "'%s' is not a valid stage name", t->stage);
		} else if (strcmp(k, "from_tags") == 0) {
			rc = cfg_get_strv(&t->from_tags, l, m, mptr, mkey,
			    SV_TEMPLATE, 1);
		} else if (strcmp(k, "bump") == 0) {
			free(t->bump);
			t->bump = NULL;
			rc = cfg_get_string(&t->bump, l, m, mptr, mkey, 0);
			if (rc == 0 && ovm_bump_from_name(t->bump) < 0)
				rc = cfg_bad(l, mptr, mkey,
				    "must be \"patch\", \"minor\" or \"major\"");
			have_bump = 1;
		} else if (strcmp(k, "initial") == 0) {
			free(t->initial);
			t->initial = NULL;
			rc = cfg_get_string(&t->initial, l, m, mptr, mkey, 0);
			if (rc == 0 && !ovm_semver_is_release(t->initial,
			    strlen(t->initial)))
				rc = cfg_bad(l, mptr, mkey,
				    "'%s' is not a release version (X.Y.Z)",
				    t->initial);
		} else if (strcmp(k, "version_files") == 0) {
			rc = parse_version_files(t, l, m, mptr, mkey);
		} else if (strcmp(k, "commit") == 0) {
			rc = cfg_get_string(&t->commit, l, m, mptr, mkey, 1);
			if (rc == 0 && t->commit != NULL) {
				struct ovm_template *tp = NULL;
				struct ovm_err terr = OVM_ERR_INIT;

				if (ovm_template_compile(&tp, t->commit,
				    OVM_TPL_COMMIT, &terr) < 0)
					rc = cfg_bad(l, mptr, mkey, "%s", terr.msg);
				ovm_template_free(tp);
			}
		} else if (strcmp(k, "tags") == 0) {
			rc = cfg_get_strv(&t->tags, l, m, mptr, mkey, SV_TEMPLATE, 1);
		} else if (strcmp(k, "paths") == 0) {
			rc = cfg_get_strv(&t->paths, l, m, mptr, mkey, SV_PATHS, 1);
		} else if (strcmp(k, "watch") == 0) {
			rc = cfg_get_strv(&t->watch, l, m, mptr, mkey, SV_PATHS, 0);
		} else if (strcmp(k, "skip_token") == 0) {
			rc = cfg_get_string(&t->skip_token, l, m, mptr, mkey, 1);
		} else if (strcmp(k, "verify_image") == 0) {
			rc = cfg_get_bool(&t->verify_image, l, m, mptr, mkey);
		} else if (strcmp(k, "catch_up") == 0) {
			rc = cfg_get_bool(&t->catch_up, l, m, mptr, mkey);
		} else {
			rc = cfg_bad(l, mptr, mkey, "unknown key");
		}
		if (rc < 0)
			return rc;
	}
	if (t->name == NULL)
		return cfg_bad(l, ptr, key, "'name' is required");
	if ((t->from_dockerfile != NULL) == (t->from_tags.n > 0))
		return cfg_bad(l, ptr, key,
		    "a track has exactly one version source: 'from_dockerfile' or 'from_tags'");
	if (t->tags.n == 0)
		return cfg_bad(l, ptr, key, "'tags' is required");
	if (t->paths.n == 0)
		return cfg_bad(l, ptr, key, "'paths' is required");
	if (t->from_dockerfile != NULL) {
		if (t->n_version_files > 0 || t->commit != NULL || have_bump)
			return cfg_bad(l, ptr, key,
			    "'version_files', 'commit' and 'bump' are for a 'from_tags' track");
	} else {
		if (t->stage != NULL || t->verify_image)
			return cfg_bad(l, ptr, key,
			    "'stage' and 'verify_image' are for a 'from_dockerfile' track");
		if (t->n_version_files > 0 && t->commit == NULL)
			return cfg_bad(l, ptr, key,
			    "'version_files' needs a 'commit' template");
	}
	return 0;
}

void
cfg_track_free(struct ovm_track *t)
{
	size_t i;

	free(t->name);
	free(t->from_dockerfile);
	free(t->stage);
	ovm_strv_free(&t->from_tags);
	free(t->bump);
	free(t->initial);
	for (i = 0; i < t->n_version_files; i++)
		free(t->version_files[i].path);
	free(t->version_files);
	free(t->commit);
	ovm_strv_free(&t->tags);
	ovm_strv_free(&t->paths);
	ovm_strv_free(&t->watch);
	free(t->skip_token);
	memset(t, 0, sizeof(*t));
}

int
cfg_parse_tracks(struct ovm_config *cfg, const struct loc *l, const cJSON *v)
{
	const cJSON *e;
	char eptr[64], ekey[64];
	size_t i, j, n;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return cfg_bad(l, "/tracks", "tracks",
		    "must be a non-empty array of tracks");
	for (i = 0; i < cfg->n_tracks; i++)
		cfg_track_free(&cfg->tracks[i]);
	free(cfg->tracks);
	cfg->n_tracks = 0;
	n = (size_t)cJSON_GetArraySize(v);
	cfg->tracks = calloc(n, sizeof(*cfg->tracks));
	if (cfg->tracks == NULL)
		return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
	i = 0;
	cJSON_ArrayForEach(e, v) {
		struct ovm_track *t = &cfg->tracks[i];

		cfg_keyf(eptr, sizeof(eptr), "/tracks/%zu", i);
		cfg_keyf(ekey, sizeof(ekey), "tracks[%zu]", i);
		cfg->n_tracks = ++i;
		t->bump = strdup("patch");
		t->initial = strdup("0.1.0");
		if (t->bump == NULL || t->initial == NULL)
			return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
		if (parse_track(t, l, e, eptr, ekey) < 0)
			return OVM_ECONFIG;
	}
	/* Names stay unique after '-' -> '_' (GITHUB_OUTPUT keys). */
	for (i = 0; i < cfg->n_tracks; i++) {
		for (j = 0; j < i; j++) {
			const char *a = cfg->tracks[i].name, *b = cfg->tracks[j].name;
			size_t k;

			if (strlen(a) != strlen(b))
				continue;
			for (k = 0; a[k] != '\0'; k++)
				if (a[k] != b[k] && !((a[k] == '-' || a[k] == '_') &&
				    (b[k] == '-' || b[k] == '_')))
					break;
			if (a[k] == '\0') {
				cfg_keyf(eptr, sizeof(eptr), "/tracks/%zu/name", i);
				cfg_keyf(ekey, sizeof(ekey), "tracks[%zu].name", i);
				return cfg_bad(l, eptr, ekey,
				    "'%s' is not unique (as an output key, '-' becomes '_')",
				    a);
			}
		}
	}
	return 0;
}
