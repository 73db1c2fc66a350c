/* ovm-release version: its own version and the linked libraries'. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/pattern.h"
#include "git/git.h"
#include "net/http.h"

#include <cJSON.h>

int
cmd_version(const struct ovm_opts *o)
{
	char git[32], pcre[64];

	ovm_git_version(git, sizeof(git));
	ovm_pattern_pcre2_version(pcre, sizeof(pcre));
	if (o->json) {
		printf("{\"ovm-release\":\"%s\",\"libgit2\":\"%s\","
		    "\"libcurl\":\"%s\",\"pcre2\":\"%s\",\"cjson\":\"%s\"}\n",
		    OVM_VERSION, git, ovm_http_curl_version(), pcre,
		    cJSON_Version());
		return 0;
	}
	printf("ovm-release %s\n", OVM_VERSION);
	printf("libgit2 %s, libcurl %s, PCRE2 %s, cJSON %s\n", git,
	    ovm_http_curl_version(), pcre, cJSON_Version());
	return 0;
}
