/*
 * Lists of tags and the commits they point at: appended, moved, sorted
 * by name and searched.
 */
#include <stdlib.h>
#include <string.h>

#include "core/tagv.h"
#include "util/err.h"

static int tag_name_cmp(const void *a, const void *b);

void
ovm_tagv_free(struct ovm_tagv *tv)
{
	size_t i;

	if (tv == NULL)
		return;
	for (i = 0; i < tv->n; i++)
		free(tv->v[i].name);
	free(tv->v);
	tv->v = NULL;
	tv->n = 0;
}

/* Appends name[0..nlen) and target[0..tlen) (a hex id or ""). */
int
ovm_tagv_pushn(struct ovm_tagv *tv, const char *name, size_t nlen,
    const char *target, size_t tlen)
{
	struct ovm_tag *v, *t;

	/* Grow geometrically: a family can hold 100k tags. */
	if ((tv->n & (tv->n - 1)) == 0) {
		v = realloc(tv->v, (tv->n ? tv->n * 2 : 16) * sizeof(*v));
		if (v == NULL)
			return OVM_ENOMEM;
		tv->v = v;
	}
	t = &tv->v[tv->n];
	t->name = malloc(nlen + 1);
	if (t->name == NULL)
		return OVM_ENOMEM;
	memcpy(t->name, name, nlen);
	t->name[nlen] = '\0';
	if (tlen >= sizeof(t->target.hex))
		tlen = 0;
	memcpy(t->target.hex, target, tlen);
	t->target.hex[tlen] = '\0';
	tv->sorted = 0;
	tv->n++;
	return 0;
}

int
ovm_tagv_take(struct ovm_tagv *dst, struct ovm_tagv *src)
{
	struct ovm_tag *v;
	size_t cap = 16;

	if (src->n == 0) {
		ovm_tagv_free(src);
		return 0;
	}
	if (dst->n == 0) {
		ovm_tagv_free(dst);
		*dst = *src;
		src->v = NULL;
		src->n = 0;
		return 0;
	}
	/* Keep ovm_tagv_pushn's invariant: the capacity is a power of two. */
	while (cap < dst->n + src->n)
		cap *= 2;
	v = realloc(dst->v, cap * sizeof(*v));
	if (v == NULL)
		return OVM_ENOMEM;
	dst->v = v;
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*v));
	dst->n += src->n;
	dst->sorted = 0;
	free(src->v);
	src->v = NULL;
	src->n = 0;
	return 0;
}

int
ovm_tagv_push(struct ovm_tagv *tv, const char *name, const char *target)
{
	if (target == NULL)
		target = "";
	return ovm_tagv_pushn(tv, name, strlen(name), target, strlen(target));
}

const struct ovm_tag *
ovm_tagv_find(const struct ovm_tagv *tv, const char *name)
{
	size_t i;

	if (tv->sorted) {
		struct ovm_tag key;

		key.name = (char *)name;
		return bsearch(&key, tv->v, tv->n, sizeof(*tv->v), tag_name_cmp);
	}
	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].name, name) == 0)
			return &tv->v[i];
	return NULL;
}

static int
tag_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ovm_tag *)a)->name,
	    ((const struct ovm_tag *)b)->name);
}

void
ovm_tagv_sort_unique(struct ovm_tagv *tv)
{
	size_t i, o = 0;

	if (tv->n < 2) {
		tv->sorted = 1;
		return;
	}
	qsort(tv->v, tv->n, sizeof(*tv->v), tag_name_cmp);
	for (i = 0; i < tv->n; i++) {
		if (o > 0 && strcmp(tv->v[o - 1].name, tv->v[i].name) == 0) {
			free(tv->v[i].name);
			continue;
		}
		tv->v[o++] = tv->v[i];
	}
	tv->n = o;
	tv->sorted = 1;
}
