#!/usr/bin/env python3
"""Timing driver for bench/compare.sh (not meant to be run on its own).

  bench.py measure --group G --out FILE   run the cases of group G, write JSON results
  bench.py report FILE...                 print the table; exit 1 if any case failed

Each runtime command is run by bench/timeexec (a tiny static C helper, built by compare.sh):
it times exactly one fork+exec+wait4 and reports the ru_maxrss wait4 returns: the runtime
process and every descendant it reaped itself (runc's `runc init`, crun's forked init, the
container's /bin/true in `run`), in KiB.  Spawning from python directly would report python's
own RSS (the child's pre-exec image counts).
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time

def env(name, default=None):
    v = os.environ.get(name)
    return default if v is None or v == "" else v


# ---------------------------------------------------------------------------------------------
# cases

class Case:
    def __init__(self, key, label, argv_base, scenarios, extra_env=None):
        self.key = key            # "berth", "crun", ...
        self.label = label        # what is printed in the table
        self.base = argv_base     # runtime binary + global options (incl. --root)
        self.scenarios = scenarios
        self.env = extra_env


def have_plugin(name):
    dirs = [d for d in env("BERTH_PLUGIN_PATH", "").split(":") if d]
    return any(os.path.exists(os.path.join(d, name + ".so")) for d in dirs)


def cases_for(group, tmp, prefix, notes):
    berth = env("BERTH")
    runc = env("RUNC", "/usr/sbin/runc")
    crun = env("CRUN", "/usr/bin/crun")
    unshare = env("UNSHARE", "/usr/bin/unshare")
    chroot = env("CHROOT", "/usr/sbin/chroot")
    want = env("BENCH_RUNTIMES", "berth crun runc").split()
    extra = env("BENCH_EXTRA", "1") == "1"
    benv = {"BERTH_PLUGIN_PATH": env("BERTH_PLUGIN_PATH", "")}
    out = []

    def root(name):
        return os.path.join(tmp, "root-%s-%s" % (group, name))

    if group == "nocg":
        out.append(Case("floor", "floor: unshare -pmnuif --fork chroot",
                        [unshare, "-pmnuif", "--fork", chroot, os.path.join(tmp, "bundle", "rootfs")],
                        ["run"]))
        if "berth" in want:
            out.append(Case("berth", "berth --cgroup-driver=none",
                            [berth, "--root", root("berth"), "--cgroup-driver=none"],
                            ["run", "csd", "exec", "par"], benv))
        if "crun" in want:
            out.append(Case("crun", "crun --cgroup-manager=disabled",
                            [crun, "--root", root("crun"), "--cgroup-manager=disabled"],
                            ["run", "csd", "exec", "par"]))
        if "runc" in want:
            out.append(Case("runc", "runc (cgroupfs on cgroup2: pays for cgroups)",
                            [runc, "--root", root("runc")], ["run", "csd", "exec", "par"]))
        podman = env("BENCH_PODMAN")   # the wrapper compare.sh wrote, when podman is set up
        for key in ("berth", "crun"):
            if podman and key in want:
                out.append(Case("podman-" + key, "podman run --rm --runtime %s (no cgroups)" % key,
                                [podman, key], ["podman"]))
        if extra and "berth" in want and not have_plugin("cgroup-v2"):
            notes.append("berth --cgroup-driver=v2 skipped: no cgroup-v2.so in BERTH_PLUGIN_PATH")
        elif extra and "berth" in want:
            out.append(Case("berth-v2", "berth --cgroup-driver=v2 (same cgroups as runc)",
                            [berth, "--root", root("berth-v2"), "--cgroup-driver=v2"],
                            ["run", "csd"], benv))
    elif group == "host":
        if "berth" in want and not have_plugin("cgroup-v1"):
            notes.append("berth --cgroup-driver=v1 skipped: no cgroup-v1.so in BERTH_PLUGIN_PATH")
        elif "berth" in want:
            out.append(Case("berth-v1", "berth --cgroup-driver=v1",
                            [berth, "--root", root("berth-v1"), "--cgroup-driver=v1"],
                            ["run", "csd"], benv))
        if "runc" in want:
            out.append(Case("runc", "runc (cgroupfs, v1 on the hybrid host)",
                            [runc, "--root", root("runc")], ["run", "csd"]))
    else:
        raise SystemExit("bench.py: unknown group %r" % group)
    return out


# ---------------------------------------------------------------------------------------------
# running one command

class Failed(Exception):
    pass


def spawn_wait(argv, errfile, extra_env, timeout):
    """Run argv once through timeexec; return (wall ns, maxrss KiB). Raise Failed on a
    non-zero exit.  The wall time is timeexec's fork+exec+wait4 of argv, nothing of python."""
    e = dict(os.environ)
    if extra_env:
        e.update(extra_env)
    helper = os.environ["BENCH_TIMEEXEC"]
    with open(errfile, "w") as err:
        p = subprocess.run([helper, str(max(1, int(timeout)))] + argv, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=err, env=e, timeout=timeout + 10)
    try:
        ns, rss, status = (int(x) for x in p.stdout.split())
    except ValueError:
        status, ns, rss = None, 0, 0
    if p.returncode != 0 or status is None or status != 0:
        try:
            with open(errfile, errors="replace") as f:
                msg = f.read().strip().splitlines()[-3:]
        except OSError:
            msg = []
        if status is None:
            why = "timeexec failed (exit %d)" % p.returncode
        elif os.WIFSIGNALED(status):
            why = "killed by signal %d%s" % (os.WTERMSIG(status),
                                              " (timeout %ss?)" % int(timeout)
                                              if os.WTERMSIG(status) == signal.SIGKILL else "")
        else:
            why = "exit status %d" % os.WEXITSTATUS(status)
        raise Failed("%s: %s%s" % (" ".join(argv), why, (": " + " | ".join(msg)) if msg else ""))
    return ns, rss


def best_effort_delete(case, cid, errfile, timeout):
    try:
        spawn_wait(case.base + ["delete", "-f", cid], errfile, case.env, timeout)
    except Failed:
        pass


def exec_target(case, prefix, errfile, timeout):
    """The running container (sleeping) that the exec scenario enters, made on first use."""
    if getattr(case, "exec_id", None) is None:
        cid = "%s%s-exec-target" % (prefix, case.key)
        bundle = os.path.join(os.environ["BENCH_TMP"], "bundle-sleep")
        try:
            spawn_wait(case.base + ["create", "-b", bundle, cid], errfile, case.env, timeout)
            spawn_wait(case.base + ["start", cid], errfile, case.env, timeout)
        except Failed:
            best_effort_delete(case, cid, errfile + ".cleanup", timeout)
            raise
        case.exec_id = cid
    return case.exec_id


def one(case, scenario, cid, bundle, errfile, timeout):
    """One iteration of a scenario; returns (ms, maxrss KiB)."""
    if case.key == "floor":
        ns, rss = spawn_wait(case.base + ["/bin/true"], errfile, None, timeout)
        return ns / 1e6, rss
    if scenario == "exec":
        target = exec_target(case, os.environ["BENCH_ID_PREFIX"], errfile, timeout)
        ns, rss = spawn_wait(case.base + ["exec", target, "/bin/true"], errfile, case.env, timeout)
        return ns / 1e6, rss
    if scenario == "podman":
        ns, rss = spawn_wait(case.base + ["run", "--rm", "--cgroups=disabled", "--network=none",
                                          os.environ["BENCH_PODMAN_IMAGE"], "/bin/true"],
                             errfile, None, timeout)
        return ns / 1e6, rss
    if scenario == "run":
        try:
            ns, rss = spawn_wait(case.base + ["run", "-b", bundle, cid], errfile, case.env, timeout)
        except Failed:
            best_effort_delete(case, cid, errfile + ".cleanup", timeout)
            raise
        return ns / 1e6, rss
    # create + start + delete -f, timed as one unit
    total, rss = 0, 0
    steps = (["create", "-b", bundle, cid], ["start", cid], ["delete", "-f", cid])
    for i, step in enumerate(steps):
        try:
            ns, r = spawn_wait(case.base + step, errfile, case.env, timeout)
        except Failed:
            if i < 2:
                best_effort_delete(case, cid, errfile + ".cleanup", timeout)
            raise
        total += ns
        rss = max(rss, r)
    return total / 1e6, rss


def on_term(sig, _frm):
    raise KeyboardInterrupt("signal %d" % sig)   # unwind through the finally: sweep


def measure(args):
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    tmp = os.environ["BENCH_TMP"]
    prefix = os.environ["BENCH_ID_PREFIX"]
    n = int(env("BENCH_N", "50"))
    warm = int(env("BENCH_WARMUP", "3"))
    timeout = float(env("BENCH_TIMEOUT", "30"))
    bundle = os.path.join(tmp, "bundle")
    notes = []
    cases = cases_for(args.group, tmp, prefix, notes)
    slots = [(c, s) for c in cases for s in c.scenarios]
    res = {(c.key, s): {"key": c.key, "label": c.label, "scenario": s, "ms": [], "rss": [],
                        "error": None} for c, s in slots}
    seq = 0
    try:
        # interleave: every iteration runs every (case, scenario) once, rotating the order
        for it in range(warm + n):
            for j in range(len(slots)):
                c, s = slots[(it + j) % len(slots)]
                r = res[(c.key, s)]
                if r["error"] or s == "par":
                    continue
                seq += 1
                cid = "%s%s-%s-%d" % (prefix, c.key, s, seq)
                errfile = os.path.join(tmp, "stderr.%s" % args.group)
                try:
                    ms, rss = one(c, s, cid, bundle, errfile, timeout)
                except Failed as e:
                    r["error"] = str(e)
                    print("bench: FAILED %s %s: %s" % (c.label, s, e), file=sys.stderr)
                    continue
                if it >= warm:
                    r["ms"].append(ms)
                    r["rss"].append(rss)
            if it == 0:
                print("bench: [%s] warm-up done, timing %d iterations..." % (args.group, n),
                      file=sys.stderr)
        for c, s in slots:
            if s == "par" and not res[(c.key, s)]["error"]:
                parallel(c, res[(c.key, s)], prefix, bundle, tmp, timeout)
    finally:
        # sweep whatever a runtime still lists under our private roots (our IDs only)
        for c in cases:
            if c.key == "floor" or c.key.startswith("podman"):
                continue
            sweep(c, prefix, os.path.join(tmp, "stderr.sweep"), timeout)
        with open(args.out, "w") as f:
            json.dump({"group": args.group, "n": n, "notes": notes,
                       "results": list(res.values())}, f)


def parallel(case, r, prefix, bundle, tmp, timeout):
    """BENCH_PARALLEL (50) runs one after another, then as many again 2 at a time: the wall
    time of each batch, and their ratio (the speed-up concurrency gives)."""
    count = int(env("BENCH_PARALLEL", "50"))
    errors = []

    def batch(tag, workers):
        ids = iter(range(count))
        lock = threading.Lock()

        def worker(w):
            errfile = os.path.join(tmp, "stderr.par.%s.%d" % (case.key, w))
            while not errors:
                with lock:
                    i = next(ids, None)
                if i is None:
                    return
                try:
                    one(case, "run", "%s%s-%s-%d" % (prefix, case.key, tag, i), bundle, errfile,
                        timeout)
                except Failed as e:
                    errors.append(str(e))
        start = time.monotonic()
        threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return (time.monotonic() - start) * 1e3

    print("bench: %s: %d runs sequential, then 2 at a time..." % (case.label, count),
          file=sys.stderr)
    seq = batch("seq", 1)
    par = batch("par", 2) if not errors else 0
    if errors:
        r["error"] = errors[0]
        return
    r.update({"ms": [par], "rss": [0], "count": count, "sequential_ms": seq, "parallel_ms": par,
              "speedup": seq / par})


def sweep(case, prefix, errfile, timeout):
    rootdir = case.base[case.base.index("--root") + 1]
    if not os.path.isdir(rootdir):
        return
    for name in sorted(os.listdir(rootdir)):
        if name.startswith(prefix):
            best_effort_delete(case, name, errfile, timeout)


# ---------------------------------------------------------------------------------------------
# report

def p90(xs):
    s = sorted(xs)
    return s[max(0, -(-9 * len(s) // 10) - 1)]   # nearest rank


GROUP_TITLE = {
    "nocg": "equal cgroup settings: none -- private mount ns, cgroup2 mounted at /sys/fs/cgroup",
    "host": "with cgroups on the host's own (hybrid, v1) hierarchy -- host mount ns",
}
SCEN = {"run": "run /bin/true", "csd": "create+start+delete", "exec": "exec /bin/true",
        "par": "run x P, 2 at a time", "podman": "podman run --rm"}


def report(args):
    failed = False
    groups = []
    for path in args.files:
        try:
            with open(path) as f:
                groups.append(json.load(f))
        except (OSError, ValueError) as e:
            print("bench: no results in %s (%s)" % (path, e))
            failed = True
    for g in groups:
        by = {(r["key"], r["scenario"]): r for r in g["results"]}
        print()
        print("== %s (n=%d per row)" % (GROUP_TITLE.get(g["group"], g["group"]), g["n"]))
        print("%-21s %-48s %9s %9s %10s" % ("scenario", "runtime", "median ms", "p90 ms",
                                            "maxRSS KiB"))
        for r in g["results"]:
            if r["error"] or not r["ms"]:
                failed = True
                print("%-21s %-48s   FAILED: %s" % (SCEN[r["scenario"]], r["label"],
                                                   (r["error"] or "no samples")[:300]))
                continue
            if r["scenario"] == "par":
                print("%-21s %-48s %9.0f  sequential %.0f ms, speed-up %.2fx (P=%d)" % (
                    SCEN["par"], r["label"], r["parallel_ms"], r["sequential_ms"], r["speedup"],
                    r["count"]))
                continue
            print("%-21s %-48s %9.2f %9.2f %10d" % (SCEN[r["scenario"]], r["label"],
                                                   statistics.median(r["ms"]), p90(r["ms"]),
                                                   max(r["rss"])))
        for note in g.get("notes", []):
            print("  (%s)" % note)

        def med(key, scen):
            r = by.get((key, scen))
            return statistics.median(r["ms"]) if r and r["ms"] and not r["error"] else None

        def ratio(lines, num, den, scen, label, target=None, den_scen=None):
            if (num, scen) not in by or (den, den_scen or scen) not in by:
                return
            a, b = med(num, scen), med(den, den_scen or scen)
            if a is None or b is None:
                lines.append("  %-38s    n/a" % label)
                return
            q = a / b
            t = ""
            if target is not None:
                t = "   target <= %.2f: %s" % (target, "target met" if q <= target
                                               else "target missed")
            lines.append("  %-38s %6.2f%s" % (label, q, t))

        for scen in ("run", "csd", "exec", "podman"):
            lines = []
            if scen == "exec":
                ratio(lines, "berth", "crun", scen, "berth/crun", 0.7)
                ratio(lines, "berth", "runc", scen, "berth/runc")
            elif scen == "podman":
                ratio(lines, "podman-berth", "podman-crun", scen, "podman: berth/crun", 1.0)
            elif g["group"] == "nocg":
                ratio(lines, "berth", "crun", scen, "berth/crun", 0.7)
                if scen == "run":
                    ratio(lines, "berth", "floor", scen, "berth/floor", 1.5)
                else:
                    ratio(lines, "berth", "floor", scen, "berth/floor (floor's run; info)",
                          den_scen="run")
                ratio(lines, "berth", "runc", scen, "berth/runc (runc pays for cgroups)")
                ratio(lines, "berth-v2", "runc", scen, "berth v2/runc (both on cgroup2)")
                ratio(lines, "crun", "floor", scen, "crun/floor (info)", den_scen="run")
            else:
                ratio(lines, "berth-v1", "runc", scen, "berth v1/runc (both on cgroup v1)")
            if lines:
                print("ratios of medians, %s:" % SCEN[scen])
                print("\n".join(lines))
        par = by.get(("berth", "par"))
        if par and not par["error"] and par.get("speedup"):
            print("parallel: berth %.2fx faster 2 at a time than one after another   "
                  "target >= 1.60: %s" % (par["speedup"], "target met" if par["speedup"] >= 1.6
                                          else "target missed"))
    if args.json:
        write_json(args.json, groups)
    print()
    if failed:
        print("bench: some runs FAILED (see above); exit status 1")
    return 1 if failed else 0


def write_json(path, groups):
    """Every row with its numbers (medians, p90, peak RSS, the samples), for tools and tests."""
    rows = []
    for g in groups:
        for r in g["results"]:
            row = {"group": g["group"], "runtime": r["key"], "label": r["label"],
                   "scenario": r["scenario"], "n": len(r["ms"]), "error": r["error"],
                   "samples_ms": r["ms"]}
            if r["ms"] and not r["error"]:
                row.update({"median_ms": statistics.median(r["ms"]), "p90_ms": p90(r["ms"]),
                            "max_rss_kib": max(r["rss"])})
            for k in ("count", "sequential_ms", "parallel_ms", "speedup"):
                if k in r:
                    row[k] = r[k]
            rows.append(row)
    with open(path, "w") as f:
        json.dump({"notes": [n for g in groups for n in g.get("notes", [])], "rows": rows}, f,
                  indent=1)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--group", required=True)
    m.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--json", help="also write every row as JSON to this file")
    r.add_argument("files", nargs="+")
    a = ap.parse_args()
    if a.cmd == "measure":
        try:
            measure(a)
        except KeyboardInterrupt:
            print("bench: interrupted (containers swept)", file=sys.stderr)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)     # die by SIGINT so the shell stops too
            return 130
        return 0
    return report(a)


if __name__ == "__main__":
    sys.exit(main())
