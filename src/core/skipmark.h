#ifndef OVM_SKIPMARK_H
#define OVM_SKIPMARK_H

/* The skip markers of a commit message (doc/decisions.md#stage-a, A4).  Pure. */

/*
 * 1 when msg carries a GitHub skip marker (doc/decisions.md#stage-a, A4), else 0:
 * "[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"
 * anywhere in the message, ASCII case-insensitive, exactly one space inside;
 * or a "skip-checks:true" / "skip-checks: true" trailer that is the last
 * line of the message's final paragraph, every line of that paragraph being
 * a trailer ("Token: value") and the paragraph preceded by at least two
 * empty lines (GitHub's "Skipping workflow runs").  NULL: 0.
 */
int ovm_message_has_ci_skip(const char *msg);

#endif
