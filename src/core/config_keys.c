/*
 * The configuration's typed getters and error locations, shared by
 * config.c (the document) and config_track.c (a track's keys), which
 * both sit above this file.
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
#include "util/util.h"

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
