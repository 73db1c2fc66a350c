#ifndef OVM_CORE_TAGV_H
#define OVM_CORE_TAGV_H

/* Commit ids and lists of tags, as every layer above git/ sees them. */

#include <stddef.h>

/* A commit id in hex (SHA-1 or SHA-256). */
struct ovm_oid {
	char hex[65];	/* "" when none */
};

/* A tag and the commit it points at (annotated tags peeled). */
struct ovm_tag {
	char *name;		/* "executor-layer@0.1.3", without refs/tags/ */
	struct ovm_oid target;	/* peeled commit, "" when not a commit */
};

struct ovm_tagv {
	struct ovm_tag *v;
	size_t n;
	int sorted;		/* by name, unique: lookups are a binary search */
};

void ovm_tagv_free(struct ovm_tagv *tv);
/* Appends name[0..nlen) and target[0..tlen) (a hex id or ""). */
int ovm_tagv_pushn(struct ovm_tagv *tv, const char *name, size_t nlen,
    const char *target, size_t tlen);
/* Appends a copy; 0 or OVM_ENOMEM. */
int ovm_tagv_push(struct ovm_tagv *tv, const char *name, const char *target);
/* Moves src's tags to the end of dst (src ends empty); 0 or OVM_ENOMEM. */
int ovm_tagv_take(struct ovm_tagv *dst, struct ovm_tagv *src);
/* Sorts by name and drops repeated names. */
void ovm_tagv_sort_unique(struct ovm_tagv *tv);

/* The tag named name, or NULL. */
const struct ovm_tag *ovm_tagv_find(const struct ovm_tagv *tv, const char *name);

#endif
