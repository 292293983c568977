/* SPDX-License-Identifier: Apache-2.0 */
/* Unit properties as plain data: built by the translation (pure, so the tests check it
 * directly), appended to a D-Bus message in one place (message.c), and shown as text in the
 * debug log and the tests. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "sd.h"

static bool is_string_type(const char *signature) {
  return signature != NULL && signature[1] == '\0' && strchr("sog", signature[0]) != NULL;
}

void value_clear(struct dbus_value *v) {
  if (is_string_type(v->signature))
    free(v->s);
  for (size_t i = 0; i < v->n; i++)
    value_clear(&v->items[i]);
  free(v->items);
  free(v->signature);
  memset(v, 0, sizeof(*v));
}

void props_clear(struct unit_properties *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->list[i].name);
    value_clear(&p->list[i].value);
  }
  free(p->list);
  memset(p, 0, sizeof(*p));
}

bool value_basic(struct dbus_value *v, char type, uint64_t bits) {
  memset(v, 0, sizeof(*v));
  char sig[2] = {type, '\0'};
  v->signature = strdup(sig);
  if (type == 'b')
    v->b = bits != 0;
  else if (strchr("nix", type) != NULL)
    v->i = (int64_t)bits;
  else
    v->u = bits;
  return v->signature != NULL;
}

bool value_string(struct dbus_value *v, char type, const char *s) {
  memset(v, 0, sizeof(*v));
  char sig[2] = {type, '\0'};
  v->signature = strdup(sig);
  v->s = strdup(s);
  if (v->signature == NULL || v->s == NULL) {
    free(v->s);
    free(v->signature);
    memset(v, 0, sizeof(*v));
    return false;
  }
  return true;
}

bool value_double(struct dbus_value *v, double d) {
  memset(v, 0, sizeof(*v));
  v->signature = strdup("d");
  v->d = d;
  return v->signature != NULL;
}

bool value_container(struct dbus_value *v, const char *signature) {
  memset(v, 0, sizeof(*v));
  v->signature = strdup(signature);
  return v->signature != NULL;
}

struct dbus_value *value_push(struct dbus_value *container) {
  struct dbus_value *items = realloc(container->items, (container->n + 1) * sizeof(*items));
  if (items == NULL)
    return NULL;
  container->items = items;
  memset(&items[container->n], 0, sizeof(*items));
  return &items[container->n++];
}

bool props_add(struct unit_properties *p, const char *name, struct dbus_value *value) {
  if (value->signature == NULL)
    return false; /* a constructor ran out of memory */
  if (p->n == p->cap) {
    size_t cap = p->cap == 0 ? 16 : p->cap * 2;
    struct unit_property *list = realloc(p->list, cap * sizeof(*list));
    if (list == NULL) {
      value_clear(value);
      return false;
    }
    p->list = list;
    p->cap = cap;
  }
  char *copy = strdup(name);
  if (copy == NULL) {
    value_clear(value);
    return false;
  }
  p->list[p->n].name = copy;
  p->list[p->n].value = *value;
  memset(value, 0, sizeof(*value));
  p->n++;
  return true;
}

bool props_add_u64(struct unit_properties *p, const char *name, uint64_t u) {
  struct dbus_value v;
  return value_basic(&v, 't', u) && props_add(p, name, &v);
}

bool props_add_bool(struct unit_properties *p, const char *name, bool b) {
  struct dbus_value v;
  return value_basic(&v, 'b', b) && props_add(p, name, &v);
}

bool props_add_string(struct unit_properties *p, const char *name, const char *s) {
  struct dbus_value v;
  return value_string(&v, 's', s) && props_add(p, name, &v);
}

bool props_move(struct unit_properties *to, struct unit_properties *from) {
  for (size_t i = 0; i < from->n; i++)
    if (!props_add(to, from->list[i].name, &from->list[i].value))
      return false;
  props_clear(from);
  return true;
}

bool props_has(const struct unit_properties *p, const char *name) {
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->list[i].name, name) == 0)
      return true;
  return false;
}

static void format_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      fprintf(f, "\\x%02x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static void format_value(FILE *f, const struct dbus_value *v) {
  char type = v->signature[0];
  if (type == 'a' || type == '(') {
    fputc(type == 'a' ? '[' : '(', f);
    for (size_t i = 0; i < v->n; i++) {
      if (i > 0)
        fputs(", ", f);
      format_value(f, &v->items[i]);
    }
    fputc(type == 'a' ? ']' : ')', f);
  } else if (type == 'b')
    fputs(v->b ? "true" : "false", f);
  else if (type == 'y')
    fprintf(f, "0x%02llx", (unsigned long long)v->u);
  else if (strchr("nix", type) != NULL)
    fprintf(f, "%lld", (long long)v->i);
  else if (type == 'd')
    fprintf(f, "%g", v->d);
  else if (is_string_type(v->signature))
    format_string(f, v->s);
  else
    fprintf(f, "%llu", (unsigned long long)v->u);
}

char *value_format(const struct dbus_value *v) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (f == NULL)
    return NULL;
  fprintf(f, "%s ", v->signature);
  format_value(f, v);
  return fclose(f) == 0 ? text : (free(text), NULL);
}

char *props_format(const struct unit_properties *p) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (f == NULL)
    return NULL;
  for (size_t i = 0; i < p->n; i++) {
    fprintf(f, "%s=%s ", p->list[i].name, p->list[i].value.signature);
    format_value(f, &p->list[i].value);
    fputc('\n', f);
  }
  return fclose(f) == 0 ? text : (free(text), NULL);
}
