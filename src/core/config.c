/*
 * Configuration: the embedded default (SPEC 7) parsed by the same code as a
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


/* Key paths are short; a truncated one still names the key's start. */
void __attribute__((format(printf, 3, 4)))
cfg_keyf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

int __attribute__((format(printf, 4, 5)))
cfg_bad(const struct loc *l, const char *ptr, const char *key, const char *fmt, ...)
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

int
cfg_get_string(char **out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key, int nullable)
{
	/* A repeated key (valid JSON): the last one counts, none leaks. */
	free(*out);
	*out = NULL;
	if (nullable && cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return cfg_bad(l, ptr, key, "must be a string%s",
		    nullable ? " or null" : "");
	if (v->valuestring[0] == '\0')
		return cfg_bad(l, ptr, key, "must not be empty");
	*out = strdup(v->valuestring);
	return *out != NULL ? 0 : ovm_err_set(l->err, OVM_ENOMEM, "out of memory");
}

int
cfg_get_bool(int *out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key)
{
	if (!cJSON_IsBool(v))
		return cfg_bad(l, ptr, key, "must be true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

int
cfg_get_strv(struct ovm_strv *out, const struct loc *l, const cJSON *v,
    const char *ptr, const char *key, enum strv_kind kind, int nonempty)
{
	const cJSON *e;
	char eptr[256], ekey[256];
	int i = 0;

	ovm_strv_free(out);
	if (!cJSON_IsArray(v))
		return cfg_bad(l, ptr, key, "must be an array of strings");
	if (nonempty && cJSON_GetArraySize(v) == 0)
		return cfg_bad(l, ptr, key, "must not be empty");
	cJSON_ArrayForEach(e, v) {
		cfg_keyf(eptr, sizeof(eptr), "%s/%d", ptr, i);
		cfg_keyf(ekey, sizeof(ekey), "%s[%d]", key, i);
		i++;
		if (!cJSON_IsString(e) || e->valuestring[0] == '\0')
			return cfg_bad(l, eptr, ekey, "must be a non-empty string");
		if (kind == SV_TEMPLATE) {
			struct ovm_template *t = NULL;
			struct ovm_err terr = OVM_ERR_INIT;

			if (ovm_template_compile(&t, e->valuestring, 0, &terr) < 0)
				return cfg_bad(l, eptr, ekey, "%s", terr.msg);
			ovm_template_free(t);
		}
		if (kind == SV_PATHS) {
			const char *p = e->valuestring;

			if (*p == '!')
				p++;
			if (!ovm_path_is_safe(p))
				return cfg_bad(l, eptr, ekey,
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
			return cfg_bad(l, ptr, key, "%s", ferr.msg);
		ovm_pathfilter_free(f);
	}
	return 0;
}

/* A file path: literal (no glob) and inside the repository. */
int
cfg_check_file_path(const struct loc *l, const char *p, const char *ptr,
    const char *key)
{
	if (!ovm_path_is_safe(p))
		return cfg_bad(l, ptr, key,
		    "'%s' leaves the repository (absolute or '..')", p);
	if (!ovm_pattern_is_literal(p))
		return cfg_bad(l, ptr, key, "'%s' is a glob; a file path is required",
		    p);
	return 0;
}

/* ^[a-z][a-z0-9<extra>]*$: track names (extra "-"), stage names ("-_."). */
int
cfg_valid_name(const char *s, const char *extra)
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
