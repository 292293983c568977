/* SPDX-License-Identifier: Apache-2.0 */
/* struct dbus_value to and from sd_bus_message. */
#include <string.h>

#include "helpers.h"
#include "sd.h"

static int append_container(sd_bus_message *m, const struct dbus_value *v) {
  const char *sig = v->signature;
  size_t len = strlen(sig);
  char contents[256];
  if (sig[0] == 'a')
    snprintf(contents, sizeof(contents), "%s", sig + 1);
  else if (len >= 2 && len - 2 < sizeof(contents))
    snprintf(contents, sizeof(contents), "%.*s", (int)(len - 2), sig + 1);
  else
    return -EINVAL;
  int r = sd_bus_message_open_container(m, sig[0] == 'a' ? 'a' : 'r', contents);
  for (size_t i = 0; r >= 0 && i < v->n; i++)
    r = value_append(m, &v->items[i]);
  return r < 0 ? r : sd_bus_message_close_container(m);
}

int value_append(sd_bus_message *m, const struct dbus_value *v) {
  switch (v->signature[0]) {
  case 'a':
  case '(':
    return append_container(m, v);
  case 'b': {
    int b = v->b;
    return sd_bus_message_append_basic(m, 'b', &b);
  }
  case 'y': {
    uint8_t x = (uint8_t)v->u;
    return sd_bus_message_append_basic(m, 'y', &x);
  }
  case 'n': {
    int16_t x = (int16_t)v->i;
    return sd_bus_message_append_basic(m, 'n', &x);
  }
  case 'q': {
    uint16_t x = (uint16_t)v->u;
    return sd_bus_message_append_basic(m, 'q', &x);
  }
  case 'i': {
    int32_t x = (int32_t)v->i;
    return sd_bus_message_append_basic(m, 'i', &x);
  }
  case 'u': {
    uint32_t x = (uint32_t)v->u;
    return sd_bus_message_append_basic(m, 'u', &x);
  }
  case 'x':
    return sd_bus_message_append_basic(m, 'x', &v->i);
  case 't':
    return sd_bus_message_append_basic(m, 't', &v->u);
  case 'd':
    return sd_bus_message_append_basic(m, 'd', &v->d);
  case 's':
  case 'o':
  case 'g':
    return sd_bus_message_append_basic(m, v->signature[0], v->s);
  default:
    return -EINVAL;
  }
}

int props_append(sd_bus_message *m, const struct unit_properties *p) {
  for (size_t i = 0; i < p->n; i++) {
    const struct unit_property *prop = &p->list[i];
    int r = sd_bus_message_open_container(m, 'r', "sv");
    if (r >= 0)
      r = sd_bus_message_append_basic(m, 's', prop->name);
    if (r >= 0)
      r = sd_bus_message_open_container(m, 'v', prop->value.signature);
    if (r >= 0)
      r = value_append(m, &prop->value);
    if (r >= 0)
      r = sd_bus_message_close_container(m);
    if (r >= 0)
      r = sd_bus_message_close_container(m);
    if (r < 0)
      return r;
  }
  return 0;
}

static int read_members(sd_bus_message *m, struct dbus_value *v) {
  int r;
  while ((r = sd_bus_message_at_end(m, false)) == 0) {
    struct dbus_value *item = value_push(v);
    if (item == NULL)
      return -ENOMEM;
    r = value_read(m, item);
    if (r < 0)
      return r;
  }
  return r < 0 ? r : 0;
}

/* type: 'a' or 'r' (a structure, "(...)" in a signature). */
static int read_container(sd_bus_message *m, char type, const char *contents,
                          struct dbus_value *v) {
  char sig[258];
  snprintf(sig, sizeof(sig), type == 'a' ? "a%s" : "(%s)", contents);
  if (!value_container(v, sig))
    return -ENOMEM;
  int r = sd_bus_message_enter_container(m, type, contents);
  if (r >= 0)
    r = read_members(m, v);
  return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int read_basic(sd_bus_message *m, char type, struct dbus_value *v) {
  union {
    int b;
    uint8_t y;
    int16_t n;
    uint16_t q;
    int32_t i;
    uint32_t u;
    int64_t x;
    uint64_t t;
    double d;
    const char *s;
  } x;
  int r = sd_bus_message_read_basic(m, type, &x);
  if (r < 0)
    return r;
  switch (type) {
  case 'b':
    return value_basic(v, 'b', x.b != 0) ? 0 : -ENOMEM;
  case 'y':
    return value_basic(v, 'y', x.y) ? 0 : -ENOMEM;
  case 'n':
    return value_basic(v, 'n', (uint64_t)(int64_t)x.n) ? 0 : -ENOMEM;
  case 'q':
    return value_basic(v, 'q', x.q) ? 0 : -ENOMEM;
  case 'i':
    return value_basic(v, 'i', (uint64_t)(int64_t)x.i) ? 0 : -ENOMEM;
  case 'u':
    return value_basic(v, 'u', x.u) ? 0 : -ENOMEM;
  case 'x':
    return value_basic(v, 'x', (uint64_t)x.x) ? 0 : -ENOMEM;
  case 't':
    return value_basic(v, 't', x.t) ? 0 : -ENOMEM;
  case 'd':
    return value_double(v, x.d) ? 0 : -ENOMEM;
  case 's':
  case 'o':
  case 'g':
    return value_string(v, type, x.s) ? 0 : -ENOMEM;
  default:
    return -EOPNOTSUPP;
  }
}

int value_read(sd_bus_message *m, struct dbus_value *v) {
  char type;
  const char *contents;
  int r = sd_bus_message_peek_type(m, &type, &contents);
  if (r <= 0)
    return r == 0 ? -ENXIO : r;
  switch (type) {
  case 'a':
  case 'r':
    return read_container(m, type, contents, v);
  case 'v':
    r = sd_bus_message_enter_container(m, 'v', contents);
    if (r >= 0)
      r = value_read(m, v);
    return r < 0 ? r : sd_bus_message_exit_container(m);
  case 'e':
    return -EOPNOTSUPP;
  default:
    return read_basic(m, type, v);
  }
}
