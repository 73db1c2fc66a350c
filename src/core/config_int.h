#ifndef OVM_CONFIG_INT_H
#define OVM_CONFIG_INT_H

/*
 * Internal to the configuration, in its one direction: config.c (the
 * document: top-level keys, loading, printing) above config_track.c (a
 * track's keys) above config_keys.c (where an error points, the typed
 * getters).  Not a public interface.
 */

#include <stddef.h>

#include <cJSON.h>

#include "core/config.h"
#include "util/err.h"
#include "util/util.h"

/* Where a validation error points: the key path in both notations. */
struct loc {
	const char *buf;	/* the user's file, NULL for the default */
	size_t len;
	const char *path;	/* file name for messages */
	struct ovm_err *err;
};

/* What the strings of an array must be. */
enum strv_kind { SV_PLAIN, SV_TEMPLATE, SV_PATHS };

void cfg_keyf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cfg_bad(const struct loc *l, const char *ptr, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int cfg_get_string(char **out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key, int nullable);
int cfg_get_bool(int *out, const struct loc *l, const cJSON *v, const char *ptr,
    const char *key);
int cfg_get_strv(struct ovm_strv *out, const struct loc *l, const cJSON *v,
    const char *ptr, const char *key, enum strv_kind kind, int nonempty);
int cfg_check_file_path(const struct loc *l, const char *p, const char *ptr,
    const char *key);
int cfg_valid_name(const char *s, const char *extra);
void cfg_track_free(struct ovm_track *t);
int cfg_parse_tracks(struct ovm_config *cfg, const struct loc *l, const cJSON *v);

#endif
