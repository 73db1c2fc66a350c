#ifndef OVM_DFINSTR_H
#define OVM_DFINSTR_H

/*
 * The words of one Dockerfile instruction (internal to the Dockerfile
 * reader; BuildKit's parser/split_command.go and line_parsers.go): name,
 * --flags and arguments, ARG words, instruction and stage names, and the
 * here-documents a line opens.  Pure.
 */

#include "util/util.h"

struct df_cmd {
	char *name;		/* as written */
	struct ovm_strv flags;	/* --name[=value], quotes removed */
	char *args;		/* after the flags, trimmed */
};

/* Frees c's strings and zeroes it. */
void df_cmd_free(struct df_cmd *c);

/*
 * splitCommand: name, flags and arguments of the instruction line.
 * Allocates c's strings (df_cmd_free, also on error); 0 or OVM_ENOMEM.
 */
int df_split_command(struct df_cmd *c, const char *line, char esc);

/*
 * parseWords: ARG's words, appended to words; quotes and escapes are kept
 * for the lexer.  0 or OVM_ENOMEM.
 */
int df_parse_words(struct ovm_strv *words, const char *s, char esc);

/* Index of name among the instructions (any case), -1 when unknown. */
int df_instruction_index(const char *name);

/* Whether name is the instruction which (lower case), in any case. */
int df_is_instr(const char *name, const char *which);

/* validStageName: ^[a-z][a-z0-9-_.]*$ */
int df_stage_name_ok(const char *s);

/* parseJSON: a JSON array of strings makes RUN/COPY/ADD exec-form. */
int df_is_json_form(const char *args);

/*
 * heredocsFromLine: appends each here-document the line opens as "-NAME"
 * (<<-: leading tabs are stripped) or "+NAME".  0 or OVM_ENOMEM.
 */
int df_heredoc_names(struct ovm_strv *docs, const char *line);

#endif
