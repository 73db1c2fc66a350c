/*
 * Configuration: the embedded default (SPEC 7) parsed by the same code as a
 * user's file, so the default is validated and self-documenting.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "ovm/config.h"
#include "ovm/json.h"
#include "ovm/pattern.h"
#include "ovm/semver.h"
#include "ovm/util.h"

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

/* Where a validation error points: the key path in both notations. */
struct loc {
	const char *buf;	/* the user's file, NULL for the default */
	size_t len;
	const char *path;	/* file name for messages */
	struct ovm_err *err;
};

/* Key paths are short; a truncated one still names the key's start. */
static void __attribute__((format(printf, 3, 4)))
keyf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static int __attribute__((format(printf, 4, 5)))
bad(const struct loc *l, const char *ptr, const char *key, const char *fmt, ...)
{
	char what[1024];
	va_list ap;
	int line = 0;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->buf != NULL)
		line = ovm_json_line_of(l->buf, l->len, ptr);
	ovm_err_set_at(l->err, OVM_ECONFIG, l->path, line, "'%s': %s", key,
	    what);
	ovm_err_hint(l->err, "see 'ovm-release config' for the expected shape");
	return OVM_ECONFIG;
}

int
ovm_path_is_safe(const char *p)
{
	const char *s = p;

	if (p == NULL || *p == '\0' || *p == '/' || *p == '\\')
		return 0;
	while (*s != '\0') {
		size_t n = strcspn(s, "/");

		if ((n == 2 && s[0] == '.' && s[1] == '.') || n == 0 ||
		    (n == 1 && s[0] == '.'))
			return 0;
		s += n;
		if (*s == '/')
			s++;
	}
	/* A trailing '/' leaves an empty last component. */
	return p[strlen(p) - 1] != '/';
}

static int
get_string(char **out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key, int nullable)
{
	if (nullable && cJSON_IsNull(v)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(l, ptr, key, "must be a string%s",
		    nullable ? " or null" : "");
	if (v->valuestring[0] == '\0')
		return bad(l, ptr, key, "must not be empty");
	*out = strdup(v->valuestring);
	return *out != NULL ? 0 : ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
}

static int
get_bool(int *out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key)
{
	if (!cJSON_IsBool(v))
		return bad(l, ptr, key, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

enum strv_kind { SV_PLAIN, SV_TEMPLATE, SV_PATHS };

static int
get_strv(struct ovm_strv *out, const struct loc *l, const cJSON *v,
    const char *ptr, const char *key, enum strv_kind kind, int nonempty)
{
	const cJSON *e;
	char eptr[256], ekey[256];
	int i = 0;

	ovm_strv_free(out);
	if (!cJSON_IsArray(v))
		return bad(l, ptr, key, "must be an array of strings");
	if (nonempty && cJSON_GetArraySize(v) == 0)
		return bad(l, ptr, key, "must not be empty");
	cJSON_ArrayForEach(e, v) {
		keyf(eptr, sizeof(eptr), "%s/%d", ptr, i);
		keyf(ekey, sizeof(ekey), "%s[%d]", key, i);
		i++;
		if (!cJSON_IsString(e) || e->valuestring[0] == '\0')
			return bad(l, eptr, ekey, "must be a non-empty string");
		if (kind == SV_TEMPLATE) {
			struct ovm_template *t = NULL;
			struct ovm_err terr = OVM_ERR_INIT;

			if (ovm_template_compile(&t, e->valuestring, 0, &terr) < 0)
				return bad(l, eptr, ekey, "%s", terr.msg);
			ovm_template_free(t);
		}
		if (kind == SV_PATHS) {
			const char *p = e->valuestring;

			if (*p == '!')
				p++;
			if (!ovm_path_is_safe(p))
				return bad(l, eptr, ekey,
				    "'%s' leaves the repository (absolute or '..')",
				    e->valuestring);
		}
		if (ovm_strv_push(out, e->valuestring) < 0)
			return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
	}
	if (kind == SV_PATHS) {
		struct ovm_pathfilter *f = NULL;
		struct ovm_err ferr = OVM_ERR_INIT;

		if (ovm_pathfilter_compile(&f, (const char *const *)out->v,
		    out->n, &ferr) < 0)
			return bad(l, ptr, key, "%s", ferr.msg);
		ovm_pathfilter_free(f);
	}
	return 0;
}

/* A file path: literal (no glob) and inside the repository. */
static int
check_file_path(const struct loc *l, const char *p, const char *ptr,
    const char *key)
{
	if (!ovm_path_is_safe(p))
		return bad(l, ptr, key,
		    "'%s' leaves the repository (absolute or '..')", p);
	if (!ovm_pattern_is_literal(p))
		return bad(l, ptr, key, "'%s' is a glob; a file path is required",
		    p);
	return 0;
}

/* ^[a-z][a-z0-9<extra>]*$: track names (extra "-"), stage names ("-_."). */
static int
valid_name(const char *s, const char *extra)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static int
parse_version_files(struct ovm_track *t, const struct loc *l, const cJSON *v,
    const char *ptr, const char *key)
{
	const cJSON *e, *m;
	char eptr[256], ekey[256], mptr[300], mkey[300];
	int i = 0;

	if (!cJSON_IsArray(v))
		return bad(l, ptr, key, "must be an array of objects");
	t->version_files = calloc((size_t)cJSON_GetArraySize(v) + 1,
	    sizeof(*t->version_files));
	if (t->version_files == NULL)
		return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
	cJSON_ArrayForEach(e, v) {
		struct ovm_version_file *vf = &t->version_files[i];
		int have_format = 0;

		keyf(eptr, sizeof(eptr), "%s/%d", ptr, i);
		keyf(ekey, sizeof(ekey), "%s[%d]", key, i);
		i++;
		if (!cJSON_IsObject(e))
			return bad(l, eptr, ekey,
			    "must be an object {path, format, optional}");
		t->n_version_files++;
		cJSON_ArrayForEach(m, e) {
			keyf(mptr, sizeof(mptr), "%s/%s", eptr, m->string);
			keyf(mkey, sizeof(mkey), "%s.%s", ekey, m->string);
			if (strcmp(m->string, "path") == 0) {
				if (get_string(&vf->path, l, m, mptr, mkey, 0) < 0 ||
				    check_file_path(l, vf->path, mptr, mkey) < 0)
					return OVM_ECONFIG;
			} else if (strcmp(m->string, "format") == 0) {
				if (!cJSON_IsString(m))
					return bad(l, mptr, mkey, "must be a string");
				if (strcmp(m->valuestring, "npm-package") == 0)
					vf->format = OVM_VF_NPM_PACKAGE;
				else if (strcmp(m->valuestring, "npm-lock") == 0)
					vf->format = OVM_VF_NPM_LOCK;
				else
					return bad(l, mptr, mkey,
					    "unknown format '%s' (known: npm-package, npm-lock)",
					    m->valuestring);
				have_format = 1;
			} else if (strcmp(m->string, "optional") == 0) {
				if (get_bool(&vf->optional, l, m, mptr, mkey) < 0)
					return OVM_ECONFIG;
			} else {
				return bad(l, mptr, mkey, "unknown key");
			}
		}
		if (vf->path == NULL)
			return bad(l, eptr, ekey, "'path' is required");
		if (!have_format)
			return bad(l, eptr, ekey, "'format' is required");
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
		return bad(l, ptr, key, "must be an object");
	cJSON_ArrayForEach(m, obj) {
		const char *k = m->string;
		int rc = 0;

		keyf(mptr, sizeof(mptr), "%s/%s", ptr, k);
		keyf(mkey, sizeof(mkey), "%s.%s", key, k);
		if (strcmp(k, "name") == 0) {
			rc = get_string(&t->name, l, m, mptr, mkey, 0);
			if (rc == 0 && !valid_name(t->name, "-"))
				rc = bad(l, mptr, mkey,
				    "'%s' does not match ^[a-z][a-z0-9-]*$", t->name);
		} else if (strcmp(k, "from_dockerfile") == 0) {
			rc = get_string(&t->from_dockerfile, l, m, mptr, mkey, 0);
			if (rc == 0)
				rc = check_file_path(l, t->from_dockerfile, mptr,
				    mkey);
		} else if (strcmp(k, "stage") == 0) {
			rc = get_string(&t->stage, l, m, mptr, mkey, 1);
			if (rc == 0 && t->stage != NULL &&
			    !valid_name(t->stage, "-_."))
				rc = bad(l, mptr, mkey,
				    "'%s' is not a valid stage name", t->stage);
		} else if (strcmp(k, "from_tags") == 0) {
			rc = get_strv(&t->from_tags, l, m, mptr, mkey,
			    SV_TEMPLATE, 1);
		} else if (strcmp(k, "bump") == 0) {
			free(t->bump);
			t->bump = NULL;
			rc = get_string(&t->bump, l, m, mptr, mkey, 0);
			if (rc == 0 && ovm_bump_from_name(t->bump) < 0)
				rc = bad(l, mptr, mkey,
				    "must be \"patch\", \"minor\" or \"major\"");
			have_bump = 1;
		} else if (strcmp(k, "initial") == 0) {
			free(t->initial);
			t->initial = NULL;
			rc = get_string(&t->initial, l, m, mptr, mkey, 0);
			if (rc == 0 && !ovm_semver_is_release(t->initial,
			    strlen(t->initial)))
				rc = bad(l, mptr, mkey,
				    "'%s' is not a release version (X.Y.Z)",
				    t->initial);
		} else if (strcmp(k, "version_files") == 0) {
			rc = parse_version_files(t, l, m, mptr, mkey);
		} else if (strcmp(k, "commit") == 0) {
			rc = get_string(&t->commit, l, m, mptr, mkey, 1);
			if (rc == 0 && t->commit != NULL) {
				struct ovm_template *tp = NULL;
				struct ovm_err terr = OVM_ERR_INIT;

				if (ovm_template_compile(&tp, t->commit,
				    OVM_TPL_COMMIT, &terr) < 0)
					rc = bad(l, mptr, mkey, "%s", terr.msg);
				ovm_template_free(tp);
			}
		} else if (strcmp(k, "tags") == 0) {
			rc = get_strv(&t->tags, l, m, mptr, mkey, SV_TEMPLATE, 1);
		} else if (strcmp(k, "paths") == 0) {
			rc = get_strv(&t->paths, l, m, mptr, mkey, SV_PATHS, 1);
		} else if (strcmp(k, "watch") == 0) {
			rc = get_strv(&t->watch, l, m, mptr, mkey, SV_PATHS, 0);
		} else if (strcmp(k, "skip_token") == 0) {
			rc = get_string(&t->skip_token, l, m, mptr, mkey, 1);
		} else if (strcmp(k, "verify_image") == 0) {
			rc = get_bool(&t->verify_image, l, m, mptr, mkey);
		} else if (strcmp(k, "catch_up") == 0) {
			rc = get_bool(&t->catch_up, l, m, mptr, mkey);
		} else {
			rc = bad(l, mptr, mkey, "unknown key");
		}
		if (rc < 0)
			return rc;
	}
	if (t->name == NULL)
		return bad(l, ptr, key, "'name' is required");
	if ((t->from_dockerfile != NULL) == (t->from_tags.n > 0))
		return bad(l, ptr, key,
		    "a track has exactly one version source: 'from_dockerfile' or 'from_tags'");
	if (t->tags.n == 0)
		return bad(l, ptr, key, "'tags' is required");
	if (t->paths.n == 0)
		return bad(l, ptr, key, "'paths' is required");
	if (t->from_dockerfile != NULL) {
		if (t->n_version_files > 0 || t->commit != NULL || have_bump)
			return bad(l, ptr, key,
			    "'version_files', 'commit' and 'bump' are for a 'from_tags' track");
	} else {
		if (t->stage != NULL || t->verify_image)
			return bad(l, ptr, key,
			    "'stage' and 'verify_image' are for a 'from_dockerfile' track");
		if (t->n_version_files > 0 && t->commit == NULL)
			return bad(l, ptr, key,
			    "'version_files' needs a 'commit' template");
	}
	return 0;
}

static void
track_free(struct ovm_track *t)
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

static int
parse_tracks(struct ovm_config *cfg, const struct loc *l, const cJSON *v)
{
	const cJSON *e;
	char eptr[64], ekey[64];
	size_t i, j, n;

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return bad(l, "/tracks", "tracks",
		    "must be a non-empty array of tracks");
	for (i = 0; i < cfg->n_tracks; i++)
		track_free(&cfg->tracks[i]);
	free(cfg->tracks);
	cfg->n_tracks = 0;
	n = (size_t)cJSON_GetArraySize(v);
	cfg->tracks = calloc(n, sizeof(*cfg->tracks));
	if (cfg->tracks == NULL)
		return ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
	i = 0;
	cJSON_ArrayForEach(e, v) {
		struct ovm_track *t = &cfg->tracks[i];

		keyf(eptr, sizeof(eptr), "/tracks/%zu", i);
		keyf(ekey, sizeof(ekey), "tracks[%zu]", i);
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
				keyf(eptr, sizeof(eptr), "/tracks/%zu/name", i);
				keyf(ekey, sizeof(ekey), "tracks[%zu].name", i);
				return bad(l, eptr, ekey,
				    "'%s' is not unique (as an output key, '-' becomes '_')",
				    a);
			}
		}
	}
	return 0;
}

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
		return bad(l, "", "(top level)", "must be a JSON object");
	cJSON_ArrayForEach(m, obj) {
		const char *k = m->string;
		char ptr[128];

		keyf(ptr, sizeof(ptr), "/%s", k);
		if (strcmp(k, "branches") == 0) {
			if (get_strv(&cfg->branches, l, m, ptr, k, SV_PLAIN, 1) < 0)
				return OVM_ECONFIG;
			for (i = 0; i < cfg->branches.n; i++) {
				if (!valid_branch_name(cfg->branches.v[i])) {
					char eptr[160], ekey[64];

					keyf(eptr, sizeof(eptr), "/branches/%zu", i);
					keyf(ekey, sizeof(ekey), "branches[%zu]", i);
					return bad(l, eptr, ekey,
					    "'%s' is not a valid branch name",
					    cfg->branches.v[i]);
				}
			}
		} else if (strcmp(k, "remote") == 0) {
			free(cfg->remote);
			cfg->remote = NULL;
			if (get_string(&cfg->remote, l, m, ptr, k, 0) < 0)
				return OVM_ECONFIG;
		} else if (strcmp(k, "identity") == 0) {
			free(cfg->identity_name);
			free(cfg->identity_email);
			cfg->identity_name = cfg->identity_email = NULL;
			if (cJSON_IsNull(m))
				continue;
			if (!cJSON_IsObject(m))
				return bad(l, ptr, k,
				    "must be null or {\"name\": …, \"email\": …}");
			cJSON_ArrayForEach(h, m) {
				char hptr[160], hkey[64];

				keyf(hptr, sizeof(hptr), "/identity/%s", h->string);
				keyf(hkey, sizeof(hkey), "identity.%s", h->string);
				if (strcmp(h->string, "name") == 0) {
					if (get_string(&cfg->identity_name, l, h,
					    hptr, hkey, 0) < 0)
						return OVM_ECONFIG;
				} else if (strcmp(h->string, "email") == 0) {
					if (get_string(&cfg->identity_email, l, h,
					    hptr, hkey, 0) < 0)
						return OVM_ECONFIG;
				} else {
					return bad(l, hptr, hkey, "unknown key");
				}
			}
			if (cfg->identity_name == NULL ||
			    cfg->identity_email == NULL)
				return bad(l, ptr, k,
				    "needs both 'name' and 'email'");
		} else if (strcmp(k, "hook") == 0) {
			if (!cJSON_IsObject(m))
				return bad(l, ptr, k, "must be an object {\"mode\": …}");
			cJSON_ArrayForEach(h, m) {
				char hptr[160], hkey[64];

				keyf(hptr, sizeof(hptr), "/hook/%s", h->string);
				keyf(hkey, sizeof(hkey), "hook.%s", h->string);
				if (strcmp(h->string, "mode") != 0)
					return bad(l, hptr, hkey, "unknown key");
				if (!cJSON_IsString(h) ||
				    (strcmp(h->valuestring, "notify") != 0 &&
				    strcmp(h->valuestring, "tag") != 0))
					return bad(l, hptr, hkey,
					    "must be \"notify\" or \"tag\"");
				free(cfg->hook_mode);
				cfg->hook_mode = strdup(h->valuestring);
				if (cfg->hook_mode == NULL)
					return ovm_err_set(l->err, OVM_ENOMEM,
					    "out of memory");
			}
		} else if (strcmp(k, "tracks") == 0) {
			if (parse_tracks(cfg, l, m) < 0)
				return OVM_ECONFIG;
		} else {
			return bad(l, ptr, k, "unknown key");
		}
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
		rc = apply(out, &l, user);
		if (rc < 0)
			goto done;
		out->source = strdup(path);
		if (out->source == NULL)
			rc = ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
		track_free(&cfg->tracks[i]);
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
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
		return ovm_err_set(err, OVM_ENOMEM, "out of memory");
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
