/*
 * Printing the plan: the human form, --json, the step summary and GitHub
 * annotations ($GITHUB_OUTPUT is plan_ghout.c).  Only formatting: no
 * decisions here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli/out.h"
#include "plan/plan.h"
#include "util/util.h"

const char *
ovm_result_name(enum ovm_result r)
{
	static const char *const names[] = { "", "released", "completed",
	    "partial", "refused", "skipped", "error" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "";
}

const char *
ovm_tag_state_name(enum ovm_tag_state s)
{
	static const char *const names[] = { "create", "exists", "conflict",
	    "missing" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "";
}

const char *
ovm_plan_decision_text(const struct ovm_plan_track *t)
{
	if (t->exit_code != 0 && t->decision != OVM_DEC_REFUSE)
		return "refuse";
	return ovm_decision_name(t->decision);
}

const char *
ovm_plan_reason_text(const struct ovm_plan_track *t)
{
	if (t->exit_code != 0 && t->reason == OVM_R_NONE)
		return "error";
	if (t->exit_code == 2 && t->decision != OVM_DEC_REFUSE)
		return "error";
	return ovm_reason_name(t->reason);
}

static const char *
short_id(const char *hex)
{
	static char buf[4][13];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%.12s", hex != NULL ? hex : "");
	return buf[slot];
}

static const char *
event_words(const struct ovm_plan *p)
{
	switch (p->ev.kind) {
	case OVM_EV_PUSH:
		return "push";
	case OVM_EV_DISPATCH:
		return "workflow_dispatch";
	case OVM_EV_LOCAL:
		return p->merge_prediction ? "on merge" : "on push";
	default:
		return p->ev.name != NULL ? p->ev.name : "event";
	}
}

/*
 * A printable copy of s, kept in arena: control characters (a newline
 * that would start a "::" workflow command, an escape sequence) become
 * \xNN.
 */
static const char *
esc(struct ovm_strv *arena, const char *s)
{
	char *e;

	if (s == NULL)
		return "";
	e = ovm_escape_ctrl(s);
	if (e == NULL || ovm_strv_push(arena, e) < 0) {
		free(e);
		return "?";
	}
	free(e);
	return arena->v[arena->n - 1];
}

int
ovm_plan_print_human(FILE *f, const struct ovm_plan *p, int color, int utf8)
{
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	const char *green = color ? "\033[32m" : "", *yellow = color ?
	    "\033[33m" : "", *red = color ? "\033[31m" : "";
	const char *arrow = utf8 ? "\u2192" : "->";
	struct ovm_strv arena = { NULL, 0 };
	size_t i, j;
	int rc;

	/* Values from files, payloads and git are shown, never obeyed. */
#define E(s) esc(&arena, (s))

	fprintf(f, "%sovm-release %s%s: %s", bold, p->applied ? "run" : "plan",
	    off, event_words(p));
	if (p->ev.branch != NULL)
		fprintf(f, " %s %s", p->merge_prediction ? "into" : "to",
		    p->ev.branch);
	if (p->ev.before != NULL && p->ev.after != NULL)
		fprintf(f, ", %s..%s", short_id(p->ev.before),
		    short_id(p->ev.after));
	else if (p->ev.after != NULL)
		fprintf(f, ", at %s", short_id(p->ev.after));
	fprintf(f, "%s\n", p->tags_remote ? " (tags from the remote)" :
	    " (tags as of the last fetch)");
	for (i = 0; i < p->warnings.n; i++)
		fprintf(f, "%swarning:%s %s\n", yellow, off, E(p->warnings.v[i]));
	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_plan_track *t = &p->tracks[i];
		const char *dc = t->decision == OVM_DEC_RELEASE ? green :
		    t->exit_code != 0 || t->decision == OVM_DEC_REFUSE ? red : "";

		fprintf(f, "\n%s%s%s: %s%s%s", bold, t->cfg->name, off, dc,
		    ovm_plan_decision_text(t), off);
		if (t->reason != OVM_R_NONE)
			fprintf(f, " (%s: %s)", ovm_reason_name(t->reason),
			    ovm_reason_words(t->reason));
		if (t->result != OVM_RES_NONE)
			fprintf(f, " [%s]", ovm_result_name(t->result));
		fputc('\n', f);
		if (t->exit_code != 0 && E(t->err.msg)[0] != '\0') {
			fprintf(f, "  %serror:%s %s\n", red, off, E(t->err.msg));
			if (E(t->err.hint)[0] != '\0')
				fprintf(f, "  hint: %s\n", E(t->err.hint));
		}
		if (t->version != NULL)
			fprintf(f, "  version   %s %s %s%s\n",
			    t->previous != NULL ? E(t->previous) : "(none)", arrow,
			    E(t->version), t->decision == OVM_DEC_RELEASE ||
			    t->decision == OVM_DEC_REFUSE ? "" :
			    t->reason == OVM_R_ALREADY_RELEASED ||
			    t->reason == OVM_R_VERSION_UNCHANGED ?
			    " (released earlier)" : " (not released)");
		if (t->package_version != NULL)
			fprintf(f, "  package   %s\n", E(t->package_version));
		if (t->image_ref != NULL)
			fprintf(f, "  image     %s%s%s\n", E(t->image_ref),
			    t->digest != NULL ? " digest " : "",
			    t->digest != NULL ? E(t->digest) : "");
		for (j = 0; j < t->changed.n; j++)
			fprintf(f, "  changed   %s\n", E(t->changed.v[j]));
		for (j = 0; j < t->n_files; j++)
			fprintf(f, "  edit      %s: \"version\" %s %s %s\n",
			    E(t->files[j].path), E(t->files[j].from), arrow,
			    E(t->files[j].to));
		if (t->commit_message != NULL) {
			if (t->commit_id.hex[0] != '\0')
				fprintf(f, "  commit    %s \"%s\"\n",
				    short_id(t->commit_id.hex), E(t->commit_message));
			else
				fprintf(f, "  commit    \"%s\" on %s\n",
				    E(t->commit_message), short_id(t->commit_parent.hex));
		}
		for (j = 0; j < t->n_tags; j++)
			fprintf(f, "  tag       %s %s %s (%s)\n", E(t->tags[j].name),
			    arrow, t->tags[j].on_bump && !t->commit_id.hex[0] ?
			    "the bump commit" : short_id(t->tags[j].on_bump ?
			    t->commit_id.hex : t->tags[j].target.hex),
			    t->tags[j].pushed ? "pushed" : t->tags[j].made ?
			    "made locally" : ovm_tag_state_name(t->tags[j].state));
		if (t->result != OVM_RES_NONE && (t->branch_pushed ||
		    t->pushed_refs > 0)) {
			fprintf(f, "  pushed    %d ref%s%s\n", t->pushed_refs,
			    t->pushed_refs == 1 ? "" : "s", t->branch_pushed ?
			    " (the branch, then one tag per push)" :
			    " (one tag per push)");
		} else if (t->decision == OVM_DEC_RELEASE && t->exit_code == 0 &&
		    t->result == OVM_RES_NONE) {
			int first = 1;

			fprintf(f, "  push      ");
			if (t->commit_message != NULL &&
			    t->commit_id.hex[0] == '\0') {
				fprintf(f, "%s", p->ev.branch != NULL ?
				    p->ev.branch : "the branch");
				first = 0;
			}
			for (j = 0; j < t->n_tags; j++) {
				if (t->tags[j].state == OVM_TAG_EXISTS)
					continue;
				fprintf(f, "%s%s", first ? "" : ", then ",
				    E(t->tags[j].name));
				first = 0;
			}
			fprintf(f, "%s\n", first ? "nothing" :
			    " (one ref per push)");
		}
		for (j = 0; j < t->warnings.n; j++)
			fprintf(f, "  %swarning:%s %s\n", yellow, off,
			    E(t->warnings.v[j]));
		for (j = 0; j < t->notices.n; j++)
			fprintf(f, "  notice: %s\n", E(t->notices.v[j]));
	}
	rc = ferror(f) ? OVM_EIO : 0;
#undef E
	ovm_strv_free(&arena);
	return rc;
}

static cJSON *
str_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
strv_json(const struct ovm_strv *sv)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a != NULL && i < sv->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(sv->v[i]));
	return a;
}

static cJSON *
track_json(const struct ovm_plan_track *t, int run)
{
	cJSON *o = cJSON_CreateObject(), *a, *warn;
	size_t j;

	cJSON_AddStringToObject(o, "name", t->cfg->name);
	cJSON_AddStringToObject(o, "decision", ovm_plan_decision_text(t));
	cJSON_AddStringToObject(o, "reason", ovm_plan_reason_text(t));
	if (run)
		cJSON_AddStringToObject(o, "result", ovm_result_name(t->result));
	else
		cJSON_AddNullToObject(o, "result");
	cJSON_AddItemToObject(o, "previous_version", str_or_null(t->previous));
	cJSON_AddItemToObject(o, "version", str_or_null(t->version));
	cJSON_AddItemToObject(o, "package_version",
	    str_or_null(t->package_version));
	cJSON_AddItemToObject(o, "image_ref", str_or_null(t->image_ref));
	cJSON_AddItemToObject(o, "changed_files", strv_json(&t->changed));
	a = cJSON_AddArrayToObject(o, "version_files");
	for (j = 0; j < t->n_files; j++) {
		cJSON *vf = cJSON_CreateObject();

		cJSON_AddStringToObject(vf, "path", t->files[j].path);
		cJSON_AddStringToObject(vf, "from", t->files[j].from);
		cJSON_AddStringToObject(vf, "to", t->files[j].to);
		cJSON_AddItemToArray(a, vf);
	}
	if (t->commit_message != NULL) {
		cJSON *c = cJSON_AddObjectToObject(o, "commit");

		cJSON_AddStringToObject(c, "message", t->commit_message);
		cJSON_AddItemToObject(c, "id", str_or_null(t->commit_id.hex[0] ?
		    t->commit_id.hex : NULL));
	} else {
		cJSON_AddNullToObject(o, "commit");
	}
	a = cJSON_AddArrayToObject(o, "tags");
	for (j = 0; j < t->n_tags; j++) {
		cJSON *tg = cJSON_CreateObject();
		const char *target = t->tags[j].target.hex[0] ?
		    t->tags[j].target.hex : t->commit_id.hex[0] ?
		    t->commit_id.hex : NULL;

		cJSON_AddStringToObject(tg, "name", t->tags[j].name);
		cJSON_AddItemToObject(tg, "target", str_or_null(target));
		cJSON_AddStringToObject(tg, "state",
		    ovm_tag_state_name(t->tags[j].state));
		if (run)
			cJSON_AddBoolToObject(tg, "pushed", t->tags[j].pushed);
		cJSON_AddItemToArray(a, tg);
	}
	warn = strv_json(&t->warnings);
	for (j = 0; j < t->notices.n; j++)
		cJSON_AddItemToArray(warn, cJSON_CreateString(t->notices.v[j]));
	if (t->exit_code != 0 && t->err.msg[0] != '\0')
		cJSON_AddItemToArray(warn, cJSON_CreateString(t->err.msg));
	cJSON_AddItemToObject(o, "warnings", warn);
	if (t->exit_code != 0) {
		cJSON *e = cJSON_AddObjectToObject(o, "error");

		cJSON_AddStringToObject(e, "message", t->err.msg);
		cJSON_AddNumberToObject(e, "exit_code", t->exit_code);
		cJSON_AddItemToObject(e, "file", str_or_null(t->err.file[0] ?
		    t->err.file : NULL));
		if (t->err.line > 0)
			cJSON_AddNumberToObject(e, "line", t->err.line);
		else
			cJSON_AddNullToObject(e, "line");
	}
	return o;
}

int
ovm_plan_print_json(FILE *f, const struct ovm_plan *p, int run)
{
	cJSON *root = cJSON_CreateObject(), *tracks;
	char *s;
	size_t i;

	if (root == NULL)
		return OVM_ENOMEM;
	cJSON_AddNumberToObject(root, "schema", 1);
	cJSON_AddStringToObject(root, "event", p->ev.kind == OVM_EV_LOCAL ?
	    "local" : p->ev.name != NULL ? p->ev.name : "");
	cJSON_AddItemToObject(root, "before", str_or_null(p->ev.before));
	cJSON_AddItemToObject(root, "after", str_or_null(p->ev.after));
	cJSON_AddItemToObject(root, "branch", str_or_null(p->ev.branch));
	cJSON_AddBoolToObject(root, "merge_prediction", p->merge_prediction);
	cJSON_AddStringToObject(root, "tags_source", p->tags_remote ? "remote" :
	    "local");
	tracks = cJSON_AddArrayToObject(root, "tracks");
	for (i = 0; i < p->n_tracks; i++)
		cJSON_AddItemToArray(tracks, track_json(&p->tracks[i], run));
	cJSON_AddItemToObject(root, "warnings", strv_json(&p->warnings));
	s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (s == NULL)
		return OVM_ENOMEM;
	fprintf(f, "%s\n", s);
	free(s);
	return ferror(f) ? OVM_EIO : 0;
}

/* Markdown table cells: no '|' or newline can break the table. */
static void
md_cell(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else if (*s == '<')
			fputs("&lt;", f);
		else
			fputc(*s, f);
	}
}

int
ovm_plan_write_step_summary(FILE *f, const struct ovm_plan *p)
{
	size_t i, j;

	fputs("### ovm-release\n\n| track | decision | reason | version | "
	    "tags | result |\n| --- | --- | --- | --- | --- | --- |\n", f);
	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_plan_track *t = &p->tracks[i];

		fputs("| ", f);
		md_cell(f, t->cfg->name);
		fprintf(f, " | %s | %s | ", ovm_plan_decision_text(t), ovm_plan_reason_text(t));
		if (t->version != NULL) {
			md_cell(f, t->previous != NULL ? t->previous : "none");
			fputs(" → ", f);
			md_cell(f, t->version);
		}
		fputs(" | ", f);
		for (j = 0; j < t->n_tags; j++) {
			fputs(j ? ", `" : "`", f);
			md_cell(f, t->tags[j].name);
			fputc('`', f);
		}
		fprintf(f, " | %s |\n", t->result != OVM_RES_NONE ?
		    ovm_result_name(t->result) : "planned");
	}
	return ferror(f) ? OVM_EIO : 0;
}

/* Workflow-command escaping: no value can end the command or add one. */
static void
gh_escape(FILE *f, const char *s, int property)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '%': fputs("%25", f); break;
		case '\r': fputs("%0D", f); break;
		case '\n': fputs("%0A", f); break;
		case ':': if (property) fputs("%3A", f); else fputc(*s, f); break;
		case ',': if (property) fputs("%2C", f); else fputc(*s, f); break;
		default: fputc(*s, f);
		}
	}
}

void
ovm_plan_print_annotations(FILE *f, const struct ovm_plan *p)
{
	size_t i, j;

	for (i = 0; i < p->warnings.n; i++) {
		fputs("::warning::", f);
		gh_escape(f, p->warnings.v[i], 0);
		fputc('\n', f);
	}
	for (i = 0; i < p->n_tracks; i++) {
		const struct ovm_plan_track *t = &p->tracks[i];

		if (t->exit_code != 0) {
			fputs("::error", f);
			if (t->err.file[0] != '\0') {
				fputs(" file=", f);
				gh_escape(f, t->err.file, 1);
				if (t->err.line > 0)
					fprintf(f, ",line=%d", t->err.line);
			}
			fputs("::", f);
			gh_escape(f, t->err.msg, 0);
			fputc('\n', f);
		}
		for (j = 0; j < t->warnings.n; j++) {
			fputs("::warning::", f);
			gh_escape(f, t->warnings.v[j], 0);
			fputc('\n', f);
		}
		for (j = 0; j < t->notices.n; j++) {
			fputs("::notice::", f);
			gh_escape(f, t->notices.v[j], 0);
			fputc('\n', f);
		}
		if (t->decision == OVM_DEC_SKIP && t->exit_code == 0) {
			fprintf(f, "::notice::%s: skip (", t->cfg->name);
			gh_escape(f, ovm_reason_name(t->reason), 0);
			fputs(")\n", f);
		}
	}
}
