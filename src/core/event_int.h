#ifndef OVM_EVENT_INT_H
#define OVM_EVENT_INT_H

/*
 * Internal to the event module: shared by event.c, event_flags.c and
 * refname.c.
 */

#include <stddef.h>

/*
 * Copies s into buf[0..size) for a message: printable ASCII as is, anything
 * else as \xNN, so a value from a payload cannot break a line (or a
 * "::error::" command); "..." ends a copy cut short.  Returns buf.
 * Defined in event.c.
 */
const char *ovm_event_quote(char *buf, size_t size, const char *s);

#endif
