#include <string.h>

#include "core/versions.h"

int
ovm_family_release_of(struct ovm_semver *out, struct ovm_template *const *tpl, size_t n,
    const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < n; i++)
		if (ovm_template_match_version(tpl[i], name, len, out) &&
		    out->pre[0] == '\0')
			return 1;
	return 0;
}

int
ovm_family_highest(struct ovm_semver *out, struct ovm_template *const *tpl,
    size_t n, const struct ovm_tagv *tags)
{
	struct ovm_semver v;
	size_t i;
	int have = 0;

	for (i = 0; i < tags->n; i++) {
		if (!ovm_family_release_of(&v, tpl, n, tags->v[i].name))
			continue;
		if (!have || ovm_semver_cmp(&v, out) > 0) {
			*out = v;
			have = 1;
		}
	}
	if (have)
		out->build[0] = '\0';
	return have;
}

int
ovm_family_highest_text(char *buf, size_t size,
    struct ovm_template *const *tpl, size_t n, const struct ovm_tagv *tags)
{
	struct ovm_semver v;

	buf[0] = '\0';
	if (!ovm_family_highest(&v, tpl, n, tags))
		return 0;
	return ovm_semver_format(buf, size, &v) == 0;
}
