/*
 * URLs in messages: the userinfo of each (a token in
 * https://x-access-token:TOKEN@host/...) replaced by "***".
 */
#include <string.h>

#include "util/url.h"

void
ovm_redact_urls(char *s)
{
	char *p = s;

	while ((p = strstr(p, "://")) != NULL) {
		char *start = p + 3, *end = start, *at = NULL;

		while (*end != '\0' && *end != '/' && *end != ' ' && *end != '\'' &&
		    *end != '"' && *end != '\n') {
			if (*end == '@')
				at = end;
			end++;
		}
		if (at != NULL && at - start >= 3 &&
		    !(at - start == 3 && memcmp(start, "***", 3) == 0)) {
			memcpy(start, "***", 3);
			memmove(start + 3, at, strlen(at) + 1);
		}
		p = start;
	}
}
