/*
 * ovm_dockerfile_from, with and without OVM_DF_STRICT, first FROM and a
 * named stage.  Properties: no crash or sanitizer report; on success every
 * documented out field is set; strict success implies lax success with the
 * same reference (strict only adds errors).
 */
#include "fuzz.h"

#include "core/dockerfile/dockerfile.h"

static void
check_ok(const struct ovm_dockerfile_from *f)
{
	FZ_CHECK(f->image_ref != NULL, "no image_ref");
	FZ_CHECK(f->tag != NULL && f->tag[0] != '\0', "no tag");
	FZ_CHECK(f->version != NULL, "no version");
	FZ_CHECK(f->line >= 1, "line %d", f->line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovm_dockerfile_from lax, strict, staged;
	struct ovm_err err = OVM_ERR_INIT;
	const char *buf = (const char *)data;
	int rl, rs, rg;

	memset(&lax, 0, sizeof(lax));
	memset(&strict, 0, sizeof(strict));
	memset(&staged, 0, sizeof(staged));
	rl = ovm_dockerfile_from(&lax, buf, size, "Dockerfile", NULL, 0, &err);
	FZ_CHECK(rl == 0 || rl == OVM_EINPUT || rl == OVM_ENOMEM, "rc %d", rl);
	if (rl < 0)
		FZ_CHECK(err.msg[0] != '\0', "error without a message");
	if (rl == 0)
		check_ok(&lax);

	ovm_err_clear(&err);
	rs = ovm_dockerfile_from(&strict, buf, size, "Dockerfile", NULL,
	    OVM_DF_STRICT, &err);
	FZ_CHECK(rs == 0 || rs == OVM_EINPUT || rs == OVM_ENOMEM, "rc %d", rs);
	if (rs == 0) {
		check_ok(&strict);
		FZ_CHECK(rl == 0, "strict accepts what lax refuses");
		FZ_CHECK(strcmp(strict.image_ref, lax.image_ref) == 0,
		    "strict '%s' lax '%s'", strict.image_ref, lax.image_ref);
	}

	ovm_err_clear(&err);
	rg = ovm_dockerfile_from(&staged, buf, size, "Dockerfile", "builder",
	    OVM_DF_STRICT, &err);
	FZ_CHECK(rg == 0 || rg == OVM_EINPUT || rg == OVM_ENOMEM, "rc %d", rg);
	if (rg == 0)
		check_ok(&staged);

	ovm_dockerfile_from_free(&lax);
	ovm_dockerfile_from_free(&strict);
	ovm_dockerfile_from_free(&staged);
	return 0;
}
