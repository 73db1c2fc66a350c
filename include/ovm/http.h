#ifndef OVM_HTTP_H
#define OVM_HTTP_H

/* HTTP through libcurl: the only module that includes <curl/curl.h>. */

/* The linked libcurl's version text (borrowed). */
const char *ovm_http_curl_version(void);

#endif
