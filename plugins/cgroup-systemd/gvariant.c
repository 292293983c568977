/* SPDX-License-Identifier: Apache-2.0 */
/* The part of GVariant's text format that org.systemd.property.* annotations use (runc reads
 * them with godbus's ParseVariant): true/false, numbers with an optional type keyword ("uint64
 * 5") or "@t 5", quoted strings, [arrays] and (structures), "@as []" for a typed empty array. */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

#define MAX_DEPTH 16

struct parser {
  const char *p;
  const char *why;
  char int_type; /* an integer with nothing to say its type */
};

static int fail(struct parser *ps, const char *why) {
  if (ps->why == NULL)
    ps->why = why;
  return -EINVAL;
}

static void skip_space(struct parser *ps) {
  while (isspace((unsigned char)*ps->p))
    ps->p++;
}

static bool is_integer_type(char c) {
  return c != '\0' && strchr("ynqiuxt", c) != NULL;
}

/* Length of the first complete type in sig (of the types this parser knows), 0 if none. */
static size_t complete_type_len(const char *sig) {
  if (*sig == '\0')
    return 0;
  if (strchr("bynqiuxtdsog", *sig) != NULL)
    return 1;
  if (*sig == 'a') {
    size_t n = complete_type_len(sig + 1);
    return n == 0 ? 0 : n + 1;
  }
  if (*sig == '(') {
    size_t len = 1;
    while (sig[len] != ')') {
      size_t n = complete_type_len(sig + len);
      if (n == 0)
        return 0;
      len += n;
    }
    return len > 1 ? len + 1 : 0;
  }
  return 0;
}

static bool single_complete_type(const char *sig) {
  size_t n = complete_type_len(sig);
  return n > 0 && sig[n] == '\0';
}

static const struct {
  const char *word;
  const char *sig;
} keywords[] = {
    {"boolean", "b"}, {"byte", "y"},   {"int16", "n"},      {"uint16", "q"},
    {"int32", "i"},   {"uint32", "u"}, {"int64", "x"},      {"uint64", "t"},
    {"double", "d"},  {"string", "s"}, {"objectpath", "o"}, {"signature", "g"},
};

/* "@SIG " or "keyword ": the type the next item must have; *sig stays NULL otherwise. */
static int type_annotation(struct parser *ps, char *buf, size_t size, const char **sig) {
  if (*ps->p == '@') {
    const char *start = ++ps->p;
    while (*ps->p != '\0' && !isspace((unsigned char)*ps->p) && *ps->p != '[')
      ps->p++;
    if ((size_t)(ps->p - start) >= size)
      return fail(ps, "type annotation too long");
    snprintf(buf, size, "%.*s", (int)(ps->p - start), start);
    if (!single_complete_type(buf))
      return fail(ps, "unsupported type after '@'");
    *sig = buf;
    return 0;
  }
  for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
    size_t n = strlen(keywords[i].word);
    if (strncmp(ps->p, keywords[i].word, n) == 0 && isspace((unsigned char)ps->p[n])) {
      ps->p += n;
      *sig = keywords[i].sig;
      return 0;
    }
  }
  return 0;
}

static int parse_value(struct parser *ps, const char *expected, int depth, struct dbus_value *out);

static int parse_string(struct parser *ps, const char *expected, struct dbus_value *out) {
  char type = expected != NULL ? expected[0] : 's';
  if (strchr("sog", type) == NULL)
    return fail(ps, "a string where another type is expected");
  char quote = *ps->p++;
  size_t len = strlen(ps->p);
  _cleanup_free_ char *s = malloc(len + 1);
  if (s == NULL)
    return fail(ps, "out of memory");
  size_t n = 0;
  for (; *ps->p != quote; ps->p++) {
    char c = *ps->p;
    if (c == '\0')
      return fail(ps, "unterminated string");
    if (c == '\\') {
      c = *++ps->p;
      const char *from = "\\'\"ntr", *to = "\\'\"\n\t\r";
      const char *at = c != '\0' ? strchr(from, c) : NULL;
      if (at == NULL)
        return fail(ps, "unsupported escape in a string");
      c = to[at - from];
    }
    s[n++] = c;
  }
  ps->p++;
  s[n] = '\0';
  return value_string(out, type, s) ? 0 : fail(ps, "out of memory");
}

static bool in_range(char type, bool negative, uint64_t magnitude) {
  static const struct {
    char type;
    uint64_t max_pos, max_neg;
  } limits[] = {
      {'y', UINT8_MAX, 0},  {'n', INT16_MAX, 32768ull},
      {'q', UINT16_MAX, 0}, {'i', INT32_MAX, 2147483648ull},
      {'u', UINT32_MAX, 0}, {'x', INT64_MAX, 9223372036854775808ull},
      {'t', UINT64_MAX, 0},
  };
  for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
    if (limits[i].type == type)
      return negative ? magnitude <= limits[i].max_neg : magnitude <= limits[i].max_pos;
  return false;
}

static int parse_number(struct parser *ps, const char *expected, struct dbus_value *out) {
  const char *start = ps->p;
  bool negative = *ps->p == '-';
  if (*ps->p == '-' || *ps->p == '+')
    ps->p++;
  bool hex = ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X');
  const char *end = ps->p + (hex ? 2 : 0);
  while (isalnum((unsigned char)*end) || *end == '.' ||
         ((*end == '-' || *end == '+') && (end[-1] == 'e' || end[-1] == 'E') && !hex))
    end++;
  bool floating = !hex && strpbrk(start, ".eE") != NULL && strpbrk(start, ".eE") < end;
  char type = expected != NULL ? expected[0] : floating ? 'd' : ps->int_type;
  if (type == 'd') {
    char *stop = NULL;
    double d = strtod(start, &stop);
    if (stop != end || !isfinite(d))
      return fail(ps, "not a number");
    ps->p = end;
    return value_double(out, d) ? 0 : fail(ps, "out of memory");
  }
  if (!is_integer_type(type))
    return fail(ps, "a number where another type is expected");
  if (floating)
    return fail(ps, "a fraction where an integer is expected");
  char *stop = NULL;
  errno = 0;
  uint64_t magnitude = strtoull(ps->p, &stop, hex ? 16 : 10);
  if (stop != end || stop == ps->p || errno == ERANGE || !in_range(type, negative, magnitude))
    return fail(ps, negative && strchr("yqut", type) != NULL ? "negative value for an unsigned type"
                                                             : "integer out of range for its type");
  ps->p = end;
  uint64_t bits = negative ? (uint64_t)0 - magnitude : magnitude;
  return value_basic(out, type, bits) ? 0 : fail(ps, "out of memory");
}

static int parse_members(struct parser *ps, const char *expected, char close, int depth,
                         struct dbus_value *out) {
  /* Arrays: every element has the type of the first (or the annotated one). Structures: each
   * member its own. */
  bool array = close == ']';
  char elem_sig[256] = "";
  const char *member_sig = NULL;
  if (expected != NULL)
    snprintf(elem_sig, sizeof(elem_sig), "%s", expected + 1); /* "a(ss)" or "(st)" */
  const char *next = elem_sig; /* structure: walks the member types of expected */
  ps->p++;
  for (size_t i = 0;; i++) {
    skip_space(ps);
    if (*ps->p == close)
      break;
    if (i > 0) {
      if (*ps->p != ',')
        return fail(ps, array ? "expected ',' or ']' in an array" : "expected ',' or ')'");
      ps->p++;
      skip_space(ps);
    }
    char sig_buf[256];
    member_sig = NULL;
    if (array && elem_sig[0] != '\0')
      member_sig = elem_sig;
    if (!array && expected != NULL) {
      size_t n = complete_type_len(next);
      if (n == 0)
        return fail(ps, "more members than the structure's type has");
      snprintf(sig_buf, sizeof(sig_buf), "%.*s", (int)n, next);
      next += n;
      member_sig = sig_buf;
    }
    struct dbus_value *item = value_push(out);
    if (item == NULL)
      return fail(ps, "out of memory");
    int r = parse_value(ps, member_sig, depth + 1, item);
    if (r < 0)
      return r;
    if (array && elem_sig[0] == '\0')
      snprintf(elem_sig, sizeof(elem_sig), "%s", item->signature);
    else if (array && strcmp(elem_sig, item->signature) != 0)
      return fail(ps, "array elements of different types");
  }
  ps->p++;
  if (array && elem_sig[0] == '\0')
    return fail(ps, "an empty array needs its type, e.g. \"@as []\"");
  if (!array && out->n == 0)
    return fail(ps, "an empty structure");
  if (!array && expected != NULL && *next != ')')
    return fail(ps, "fewer members than the structure's type has");
  return 0;
}

static int parse_container(struct parser *ps, const char *expected, int depth,
                           struct dbus_value *out) {
  bool array = *ps->p == '[';
  if (depth >= MAX_DEPTH)
    return fail(ps, "nested too deeply");
  if (expected != NULL && expected[0] != (array ? 'a' : '('))
    return fail(ps, array ? "an array where another type is expected"
                          : "a structure where another type is expected");
  if (!value_container(out, expected != NULL ? expected : array ? "a" : "()"))
    return fail(ps, "out of memory");
  int r = parse_members(ps, expected, array ? ']' : ')', depth, out);
  if (r < 0 || expected != NULL)
    return r;
  /* The signature follows from the members. */
  size_t len = array ? 2 : 3;
  for (size_t i = 0; i < out->n && !array; i++)
    len += strlen(out->items[i].signature);
  if (array)
    len += strlen(out->items[0].signature);
  char *sig = malloc(len);
  if (sig == NULL)
    return fail(ps, "out of memory");
  if (array)
    snprintf(sig, len, "a%s", out->items[0].signature);
  else {
    size_t at = 0;
    sig[at++] = '(';
    for (size_t i = 0; i < out->n; i++)
      at += (size_t)snprintf(sig + at, len - at, "%s", out->items[i].signature);
    snprintf(sig + at, len - at, ")");
  }
  free(out->signature);
  out->signature = sig;
  return 0;
}

static int parse_value(struct parser *ps, const char *expected, int depth, struct dbus_value *out) {
  skip_space(ps);
  char buf[256];
  const char *annotated = NULL;
  int r = type_annotation(ps, buf, sizeof(buf), &annotated);
  if (r < 0)
    return r;
  if (annotated != NULL) {
    if (expected != NULL && strcmp(expected, annotated) != 0)
      return fail(ps, "type annotation contradicts the expected type");
    expected = annotated;
    skip_space(ps);
  }
  char c = *ps->p;
  if (c == '[' || c == '(')
    return parse_container(ps, expected, depth, out);
  if (c == '\'' || c == '"')
    return parse_string(ps, expected, out);
  if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
    if (expected != NULL && expected[0] != 'b')
      return fail(ps, "a boolean where another type is expected");
    bool b = c == 't';
    ps->p += b ? 4 : 5;
    return value_basic(out, 'b', b) ? 0 : fail(ps, "out of memory");
  }
  if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.')
    return parse_number(ps, expected, out);
  return fail(ps, c == '\0' ? "no value" : "unexpected character");
}

int parse_gvariant(const char *text, char int_type, struct dbus_value *out, const char **why) {
  struct parser ps = {.p = text, .int_type = is_integer_type(int_type) ? int_type : 'i'};
  memset(out, 0, sizeof(*out));
  int r = parse_value(&ps, NULL, 0, out);
  if (r == 0) {
    skip_space(&ps);
    if (*ps.p != '\0')
      r = fail(&ps, "trailing text after the value");
  }
  if (r < 0) {
    value_clear(out);
    *why = ps.why;
  }
  return r;
}
