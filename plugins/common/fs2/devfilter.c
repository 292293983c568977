/* SPDX-License-Identifier: Apache-2.0 */
/* Emits the device filter with raw struct bpf_insn. Registers once the prologue ran:
 * r2 device type, r3 requested access, r4 major, r5 minor (struct bpf_cgroup_dev_ctx).
 * Comparisons use the 32-bit jump class (kernel >= 5.1) so that a major or minor above
 * INT32_MAX compares as the u32 the kernel passes. */
#include "devfilter.h"

#include <errno.h>
#include <stdlib.h>

#define INSN(c, d, s, o, i)                                                                        \
  ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LOAD_U32(dst, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_1, off, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define JMP32_IMM(op, dst, imm, off) INSN(BPF_JMP32 | (op) | BPF_K, dst, 0, off, imm)
#define JUMP(off) INSN(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define RETURN(v) ALU32_IMM(BPF_MOV, BPF_REG_0, v), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct program {
  struct bpf_insn *insns;
  size_t n, cap;
};

static int emit(struct program *p, struct bpf_insn insn) {
  if (p->n == p->cap) {
    size_t cap = p->cap != 0 ? p->cap * 2 : 64;
    struct bpf_insn *bigger = realloc(p->insns, cap * sizeof(*bigger));
    if (bigger == NULL)
      return -ENOMEM;
    p->insns = bigger;
    p->cap = cap;
  }
  p->insns[p->n++] = insn;
  return 0;
}

static bool any_device(const struct dev_rule *r) {
  return r->type == 'a' && r->major == DEV_ANY && r->minor == DEV_ANY;
}

/* One rule for one access bit: fall through to the next rule unless type, major and minor
 * match; then an allow jumps to the section's end (this bit is granted), a deny returns 0.
 * *jump is the index of that jump, to patch once the end is known, or SIZE_MAX. */
static int emit_rule(struct program *p, const struct dev_rule *r, size_t *jump) {
  int n_checks = (r->type != 'a') + (r->major != DEV_ANY) + (r->minor != DEV_ANY);
  int len = n_checks + (r->allow ? 1 : 2);
  size_t end = p->n + (size_t)len;
  int err = 0;
  *jump = SIZE_MAX;
  if (r->type != 'a')
    err |= emit(p, JMP32_IMM(BPF_JNE, BPF_REG_2,
                             r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR,
                             (int16_t)(end - p->n - 1)));
  if (r->major != DEV_ANY)
    err |= emit(
        p, JMP32_IMM(BPF_JNE, BPF_REG_4, (int32_t)(uint32_t)r->major, (int16_t)(end - p->n - 1)));
  if (r->minor != DEV_ANY)
    err |= emit(
        p, JMP32_IMM(BPF_JNE, BPF_REG_5, (int32_t)(uint32_t)r->minor, (int16_t)(end - p->n - 1)));
  if (r->allow) {
    *jump = p->n;
    err |= emit(p, JUMP(0));
  } else {
    struct bpf_insn deny[] = {RETURN(0)};
    err |= emit(p, deny[0]);
    err |= emit(p, deny[1]);
  }
  return err != 0 ? -ENOMEM : 0;
}

/* The rules speaking of one access bit, last first. An unconditional rule (a *:*) ends
 * the section: nothing after it could run, and the verifier refuses unreachable code. */
static int emit_section(struct program *p, const struct dev_rule *rules, size_t n, uint32_t bit) {
  size_t *jumps = calloc(n + 2, sizeof(*jumps)), n_jumps = 0;
  if (jumps == NULL)
    return -ENOMEM;
  int err = emit(p, JMP32_IMM(BPF_JSET, BPF_REG_3, (int32_t)bit, 1));
  jumps[n_jumps++] = p->n;
  err |= emit(p, JUMP(0)); /* bit not requested: skip the section */
  bool ended = false;
  for (size_t i = n; i-- > 0 && !ended && err == 0;) {
    const struct dev_rule *r = &rules[i];
    if (!(r->access & bit))
      continue;
    ended = any_device(r);
    if (ended && r->allow)
      break; /* falls through to the end: granted */
    size_t jump;
    err |= emit_rule(p, r, &jump);
    if (jump != SIZE_MAX)
      jumps[n_jumps++] = jump;
  }
  if (!ended && err == 0) {
    struct bpf_insn deny[] = {RETURN(0)}; /* no rule grants this bit */
    err |= emit(p, deny[0]);
    err |= emit(p, deny[1]);
  }
  /* Jump offsets are 16 bits: a section longer than that cannot be expressed. */
  bool too_long = err == 0 && n_jumps > 0 && p->n - jumps[0] > INT16_MAX;
  for (size_t i = 0; i < n_jumps && err == 0 && !too_long; i++)
    p->insns[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
  free(jumps);
  return err != 0 ? -ENOMEM : too_long ? -E2BIG : 0;
}

int fs2_devfilter_build(const struct dev_rule *rules, size_t n, struct bpf_insn **insns,
                        size_t *count) {
  static const uint32_t bits[] = {BPF_DEVCG_ACC_READ, BPF_DEVCG_ACC_WRITE, BPF_DEVCG_ACC_MKNOD};
  struct program p = {0};
  struct bpf_insn prologue[] = {
      LOAD_U32(BPF_REG_2, 0), ALU32_IMM(BPF_AND, BPF_REG_2, 0xFFFF),
      LOAD_U32(BPF_REG_3, 0), ALU32_IMM(BPF_RSH, BPF_REG_3, 16),
      LOAD_U32(BPF_REG_4, 4), LOAD_U32(BPF_REG_5, 8),
  };
  int err = 0;
  for (size_t i = 0; i < sizeof(prologue) / sizeof(prologue[0]); i++)
    err |= emit(&p, prologue[i]);
  for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]) && err == 0; b++)
    err = emit_section(&p, rules, n, bits[b]);
  struct bpf_insn allow[] = {RETURN(1)}; /* every requested bit was granted */
  if (err == 0)
    err |= emit(&p, allow[0]) | emit(&p, allow[1]);
  if (err != 0) {
    free(p.insns);
    return err < 0 ? err : -ENOMEM;
  }
  *insns = p.insns;
  *count = p.n;
  return 0;
}
