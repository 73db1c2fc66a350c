/*
 * .ovm-release.json through ovm_config_load.  Properties when it loads:
 * - every track has a name, one version source, tags;
 * - the effective configuration printed as JSON loads again and prints
 *   the same (config -> JSON -> config is a fixed point).
 */
#include "fuzz.h"

#include "core/config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovm_config cfg, again;
	struct ovm_err err = OVM_ERR_INIT;
	char *json = NULL, *json2 = NULL;
	size_t i;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&again, 0, sizeof(again));
	rc = ovm_config_load(&cfg, (const char *)data, size, ".ovm-release.json",
	    &err);
	FZ_CHECK(rc == 0 || rc == OVM_ECONFIG || rc == OVM_EINPUT ||
	    rc == OVM_ENOMEM, "rc %d", rc);
	if (rc != 0) {
		FZ_CHECK(err.msg[0] != '\0', "error without a message");
		goto done;
	}
	for (i = 0; i < cfg.n_tracks; i++) {
		const struct ovm_track *t = &cfg.tracks[i];

		FZ_CHECK(t->name != NULL && t->name[0] != '\0', "track name");
		FZ_CHECK((t->from_dockerfile != NULL) != (t->from_tags.n > 0),
		    "track '%s': not exactly one version source", t->name);
		FZ_CHECK(ovm_config_track(&cfg, t->name) != NULL, "lookup");
	}
	FZ_CHECK(ovm_config_to_json(&json, &cfg, &err) == 0, "to_json: %s",
	    err.msg);
	rc = ovm_config_load(&again, json, strlen(json), "effective", &err);
	FZ_CHECK(rc == 0, "effective config does not load: %s\n%s", err.msg,
	    json);
	FZ_CHECK(ovm_config_to_json(&json2, &again, &err) == 0, "to_json 2");
	FZ_CHECK(strcmp(json, json2) == 0, "not a fixed point:\n%s\n%s", json,
	    json2);
done:
	free(json);
	free(json2);
	ovm_config_free(&cfg);
	ovm_config_free(&again);
	return 0;
}
