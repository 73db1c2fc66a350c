/* The libcurl seam: the only file that includes <curl/curl.h>. */
#include <curl/curl.h>

#include "ovm/http.h"

const char *
ovm_http_curl_version(void)
{
	const curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);

	return d != NULL && d->version != NULL ? d->version : "unknown";
}
