#ifndef OVM_UTIL_URL_H
#define OVM_UTIL_URL_H

/* Replaces the userinfo of URLs (scheme, "://", user:secret, "@") with "***", in place. */
void ovm_redact_urls(char *s);

#endif
