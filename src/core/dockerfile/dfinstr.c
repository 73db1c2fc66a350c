/*
 * The words of one Dockerfile instruction, as BuildKit's
 * parser/split_command.go and line_parsers.go split them: name, --flags,
 * arguments, ARG words, and the here-documents a RUN/COPY/ADD line opens.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "core/dockerfile/dfinstr.h"
#include "core/dockerfile/dftext.h"
#include "util/util.h"

/* ---- instructions (split_command.go, line_parsers.go) --------------- */

static const char *const instructions[] = {
	"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from",
	"healthcheck", "label", "maintainer", "onbuild", "run", "shell",
	"stopsignal", "user", "volume", "workdir",
};

/* The length of s[0..n) without trailing white space. */
static size_t
trim_space_end(const char *s, size_t n)
{
	for (;;) {
		if (n >= 1 && df_uspace(s + n - 1, 1) == 1)
			n -= 1;
		else if (n >= 2 && df_uspace(s + n - 2, 2) == 2)
			n -= 2;
		else if (n >= 3 && df_uspace(s + n - 3, 3) == 3)
			n -= 3;
		else
			return n;
	}
}

/* unicode.IsSpace(rune(b)) on one byte, as extractBuilderFlags tests it */
static int
is_byte_space(int c)
{
	return df_is_blank(c) || c == '\n' || c == 0x85 || c == 0xA0;
}

void
df_cmd_free(struct df_cmd *c)
{
	free(c->name);
	ovm_strv_free(&c->flags);
	free(c->args);
	memset(c, 0, sizeof(*c));
}

static int
push_word(struct ovm_strv *sv, const struct ovm_buf *w)
{
	return df_push_n(sv, w->ptr != NULL ? w->ptr : "", w->len);
}

static int
word_is_dashes(const struct ovm_buf *w)
{
	return w->len == 2 && memcmp(w->ptr, "--", 2) == 0;
}

/*
 * extractBuilderFlags: the leading words that start with "--" (a bare "--"
 * ends them).  It tests blanks byte by byte, as BuildKit does.  Sets *rest
 * to the offset of what follows.
 */
static int
extract_flags(struct ovm_strv *flags, const char *s, size_t n, char esc,
    size_t *rest)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct ovm_buf w = OVM_BUF_INIT;
	int blank_ok = 0, rc = 0;
	char quote = 0, ch = 0;
	size_t pos;

	*rest = n;
	for (pos = 0; rc == 0 && pos <= n; pos++) {
		if (pos != n)
			ch = s[pos];
		if (phase == SPACES) {
			if (pos == n)
				break;
			if (is_byte_space((unsigned char)ch))
				continue;
			if (ch != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*rest = pos;
				break;
			}
			phase = WORD;
		}
		if (pos == n) {
			if (!word_is_dashes(&w) && (blank_ok || w.len > 0))
				rc = push_word(flags, &w);
			break;
		}
		if (phase == WORD && is_byte_space((unsigned char)ch)) {
			phase = SPACES;
			if (word_is_dashes(&w)) {
				*rest = pos;
				break;
			}
			if (blank_ok || w.len > 0)
				rc = push_word(flags, &w);
			w.len = 0;
			blank_ok = 0;
			continue;
		}
		if (phase == WORD && (ch == '\'' || ch == '"')) {
			quote = ch;
			blank_ok = 1;
			phase = QUOTE;
			continue;
		}
		if (phase == QUOTE && ch == quote) {
			phase = WORD;
			continue;
		}
		if (ch == esc) {
			if (pos + 1 == n) {
				phase = WORD;
				continue;
			}
			ch = s[++pos];
		}
		if (ovm_buf_add(&w, &ch, 1) < 0)
			rc = OVM_ENOMEM;
	}
	ovm_buf_free(&w);
	return rc;
}

/* splitCommand: name, flags and arguments of one instruction. */
int
df_split_command(struct df_cmd *c, const char *line, char esc)
{
	size_t n = strlen(line), i = df_skip_space(line, n), j, rest, k;
	const char *s = line + i, *a;
	int rc;

	memset(c, 0, sizeof(*c));
	n = trim_space_end(s, n - i);
	for (j = 0; j < n && !df_is_blank((unsigned char)s[j]); j++)
		;
	c->name = df_dup_n(s, j);
	if (c->name == NULL)
		return OVM_ENOMEM;
	while (j < n && df_is_blank((unsigned char)s[j]))
		j++;
	rc = extract_flags(&c->flags, s + j, n - j, esc, &rest);
	if (rc < 0)
		return rc;
	a = s + j + rest;
	n -= j + rest;
	k = df_skip_space(a, n);
	n = trim_space_end(a + k, n - k);
	c->args = df_dup_n(a + k, n);
	return c->args != NULL ? 0 : OVM_ENOMEM;
}

/* parseWords: ARG's words; quotes and escapes are kept for the lexer. */
int
df_parse_words(struct ovm_strv *words, const char *s, char esc)
{
	enum { SPACES, WORD, QUOTE } phase = SPACES;
	struct ovm_buf w = OVM_BUF_INIT;
	size_t n = strlen(s), pos = 0, l = 0, sp = 0;
	int blank_ok = 0, rc = 0;
	char quote = 0;

	while (rc == 0) {
		if (pos < n) {
			l = df_rune_len(s + pos, n - pos);
			sp = df_uspace(s + pos, n - pos);
		}
		if (phase == SPACES) {
			if (pos >= n)
				break;
			if (sp > 0) {
				pos += l;
				continue;
			}
			phase = WORD;
		}
		if (pos >= n) {
			if (blank_ok || w.len > 0)
				rc = push_word(words, &w);
			break;
		}
		if (phase == WORD && sp > 0) {
			phase = SPACES;
			if (blank_ok || w.len > 0)
				rc = push_word(words, &w);
			w.len = 0;
			blank_ok = 0;
			pos += l;
			continue;
		}
		if (phase == WORD && (s[pos] == '\'' || s[pos] == '"')) {
			quote = s[pos];
			blank_ok = 1;
			phase = QUOTE;
		} else if (phase == QUOTE && s[pos] == quote) {
			phase = WORD;
		} else if (s[pos] == esc && (phase == WORD || quote != '\'')) {
			if (pos + l == n) {
				phase = WORD;
				pos += l;
				continue;
			}
			rc = ovm_buf_add(&w, s + pos, l);
			pos += l;
			l = df_rune_len(s + pos, n - pos);
		}
		if (rc == 0)
			rc = ovm_buf_add(&w, s + pos, l);
		pos += l;
	}
	ovm_buf_free(&w);
	return rc < 0 ? OVM_ENOMEM : 0;
}

int
df_instruction_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(instructions) / sizeof(instructions[0]); i++)
		if (strcasecmp(name, instructions[i]) == 0)
			return (int)i;
	return -1;
}

int
df_is_instr(const char *name, const char *which)
{
	return strcasecmp(name, which) == 0;
}

/* validStageName: ^[a-z][a-z0-9-_.]*$ */
int
df_stage_name_ok(const char *s)
{
	if (*s < 'a' || *s > 'z')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!(*s >= 'a' && *s <= 'z') &&
		    !df_is_digit((unsigned char)*s) &&
		    strchr("-_.", *s) == NULL)
			return 0;
	return 1;
}

/* ---- here-documents, only met after the first FROM ------------------ */

/* parseJSON: a JSON array of strings makes RUN/COPY/ADD exec-form. */
int
df_is_json_form(const char *args)
{
	cJSON *j, *e;
	int ok;

	args += df_skip_space(args, strlen(args));
	if (*args != '[')
		return 0;
	j = cJSON_ParseWithOpts(args, NULL, 1);
	ok = cJSON_IsArray(j);
	cJSON_ArrayForEach(e, j)
		if (!cJSON_IsString(e))
			ok = 0;
	cJSON_Delete(j);
	return ok;
}

/*
 * heredocFromMatch: ^[0-9]*<<-?\s*WORD$ where WORD, once unquoted, is one
 * word.  Appends "-NAME" (leading tabs are stripped: <<-) or "+NAME".
 */
static int
heredoc_word(struct ovm_strv *docs, const char *w, size_t n)
{
	struct ovm_buf name = OVM_BUF_INIT;
	size_t i = 0;
	char chomp = '+', q;
	int rc = 0;

	while (i < n && df_is_digit((unsigned char)w[i]))
		i++;
	if (n - i < 2 || w[i] != '<' || w[i + 1] != '<')
		return 0;
	i += 2;
	if (i < n && w[i] == '-') {
		chomp = '-';
		i++;
	}
	while (i < n && df_is_re_space((unsigned char)w[i]))
		i++;
	if (i == n || memchr(w + i, '<', n - i) != NULL)
		return 0;
	rc = ovm_buf_add(&name, &chomp, 1);
	while (rc == 0 && i < n) {
		if (df_uspace(w + i, n - i) > 0) {
			name.len = 1;	/* two words: no here-document */
			break;
		}
		if (w[i] == '\'' || w[i] == '"') {
			for (q = w[i++]; rc == 0 && i < n && w[i] != q; i++) {
				if (q == '"' && w[i] == '\\' && i + 1 < n)
					i++;
				rc = ovm_buf_add(&name, w + i, 1);
			}
			i++;
			continue;
		}
		if (w[i] == '\\' && i + 1 < n)
			i++;
		rc = ovm_buf_add(&name, w + i++, 1);
	}
	if (rc == 0 && name.len > 1)
		rc = push_word(docs, &name);
	ovm_buf_free(&name);
	return rc;
}

/* heredocsFromLine: the line's words, quotes kept, "<< " kept whole. */
int
df_heredoc_names(struct ovm_strv *docs, const char *line)
{
	size_t n = strlen(line), i = 0, start, j;
	int rc = 0;

	while (rc == 0 && i < n) {
		i += df_skip_space(line + i, n - i);
		start = i;
		while (i < n && df_uspace(line + i, n - i) == 0) {
			if (line[i] == '\'' || line[i] == '"') {
				for (j = i + 1; j < n && line[j] != line[i];
				    j++)
					if (line[i] == '"' && line[j] == '\\' &&
					    j + 1 < n)
						j++;
				i = j < n ? j + 1 : n;
			} else if (line[i] == '\\') {
				i = i + 2 < n ? i + 2 : n;
			} else if (line[i] == '<' && i + 1 < n &&
			    line[i + 1] == '<') {
				for (i += 2; i < n && (line[i] == ' ' ||
				    line[i] == '\t' || line[i] == '\r'); i++)
					;
			} else {
				i++;
			}
		}
		if (i > start)
			rc = heredoc_word(docs, line + start, i - start);
	}
	return rc;
}
