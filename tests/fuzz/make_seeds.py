#!/usr/bin/env python3
"""Write the seed corpora of tests/fuzz/corpus/ from the tests' own inputs (run it again after
changing a source below; crash regressions are added by hand as corpus/NAME/crash-*).
Usage: make_seeds.py SPEC_JSON [SECCOMP_PROFILE...]: SPEC_JSON is `berth spec`'s default
config, the profiles real ones (podman's /usr/share/containers/seccomp.json)."""
import copy, json, os, re, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def dump(o):
    return json.dumps(o, indent=1)


# The seccomp profiles of the integration tests: seccomp '{...}' in seccomp.bats.
def bats_profiles():
    text = open(os.path.join(ROOT, "tests", "integration", "seccomp.bats")).read()
    out = []
    for m in re.finditer(r"seccomp '(\{.*?\})'", text, re.S):
        try:
            out.append(json.loads(m.group(1)))
        except json.JSONDecodeError:
            pass
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    profiles = bats_profiles() + [json.load(open(p)) for p in sys.argv[2:]]
    profiles.append({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                     "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                     "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                     "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                                   "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"},
                                            {"index": 1, "value": 255, "valueTwo": 4,
                                             "op": "SCMP_CMP_MASKED_EQ"}]},
                                  {"names": ["kill"], "action": "SCMP_ACT_TRACE", "errnoRet": 1},
                                  {"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
                     "listenerPath": "/run/agent.sock", "listenerMetadata": "x"})

    # config.json: the default, and the default with each feature the validator checks.
    put("spec", "default.json", dump(spec))
    variants = {
        "seccomp": lambda s: s["linux"].__setitem__("seccomp", profiles[0]),
        "hooks": lambda s: s.__setitem__("hooks", {
            "prestart": [{"path": "/bin/true", "args": ["true"], "env": ["A=1"], "timeout": 5}],
            "createRuntime": [{"path": "/bin/true"}], "poststop": [{"path": "/x", "timeout": 0}]}),
        "userns": lambda s: (s["linux"]["namespaces"].append({"type": "user"}),
                             s["linux"].update(uidMappings=[{"containerID": 0, "hostID": 100000, "size": 65536}],
                                               gidMappings=[{"containerID": 0, "hostID": 100000, "size": 65536}])),
        "sysctl": lambda s: s["linux"].__setitem__("sysctl", {"net.ipv4.ip_forward": "1",
                                                              "kernel.shmmax": "1", "fs.mqueue.x": "2"}),
        "rlimits": lambda s: s["process"].__setitem__("rlimits", [
            {"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}, {"type": "RLIMIT_BOGUS", "hard": 1, "soft": 2}]),
        "resources": lambda s: s["linux"].__setitem__("resources", {
            "memory": {"limit": 1048576, "swap": -1}, "cpu": {"shares": 1024, "quota": 50000, "period": 100000,
                                                             "cpus": "0-1"},
            "pids": {"limit": 64}, "devices": [{"allow": False, "access": "rwm"},
                                              {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}),
        "mounts": lambda s: s["mounts"].append({"destination": "/data", "type": "bind", "source": "/tmp",
                                                "options": ["rbind", "ro", "rprivate", "nosuid", "tmpcopyup"]}),
        "nonamespaces": lambda s: s["linux"].__setitem__("namespaces", [{"type": "pid", "path": "/proc/1/ns/pid"},
                                                                        {"type": "bogus"}]),
        "capabilities": lambda s: s["process"]["capabilities"].__setitem__("bounding", ["CAP_SYS_ADMIN", "CAP_NOPE"]),
        "console": lambda s: s["process"].update(terminal=True, consoleSize={"height": 25, "width": 80},
                                                 user={"uid": 1, "gid": 2, "additionalGids": [3, 4], "umask": 18}),
        "annotations": lambda s: s.__setitem__("annotations", {"org.systemd.property.CPUWeight": "100"}),
        "empty_args": lambda s: s["process"].__setitem__("args", []),
    }
    for name, change in variants.items():
        s = copy.deepcopy(spec)
        change(s)
        put("spec", name + ".json", dump(s))
    put("spec", "not_object.json", "[1, 2]")
    put("spec", "trailing.json", '{"ociVersion": "1.0.2"} {}')

    for i, p in enumerate(profiles):
        put("seccomp", "profile%02d.json" % i, dump(p))
    put("seccomp", "empty.json", "{}")
    put("seccomp", "null.json", "null")

    # state.json as berth create writes it (core/factory.c), for each cgroup driver.
    cfg = copy.deepcopy(spec)
    cfg["annotations"] = {"a": "b"}
    base = {"init_process_pid": 1, "init_process_start": 12345, "created": "2026-12-07T11:00:00.000000000Z",
            "bundle": "/tmp/bundle", "rootfs": "/tmp/bundle/rootfs", "owner_uid": 0, "config": cfg}
    for name, cg in {"none": {"driver": "none"},
                     "v1": {"driver": "v1", "plugin": "cgroup-v1", "plugin_version": "0.1.0",
                            "state": '{"path":"/berth/c1"}'},
                     "systemd": {"driver": "systemd", "plugin": "cgroup-systemd", "plugin_version": "0.1.0",
                                 "state": "{}"},
                     "bad_driver": {"driver": "../../etc"}}.items():
        s = dict(base, cgroup=cg)
        put("state", name + ".json", dump(s))
    put("state", "no_pid.json", dump(dict(base, init_process_pid=0, cgroup={"driver": "none"})))
    put("state", "no_cgroup.json", dump(base))

    # Mount options: one per line (fuzz_mount_options.c).
    for i, opts in enumerate([["rbind", "ro", "rprivate"], ["nosuid", "noexec", "nodev", "mode=755", "size=65536k"],
                              ["bind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rrelatime"],
                              ["remount", "rw", "suid", "dev", "exec", "atime", "strictatime", "norelatime"],
                              ["shared", "rshared", "slave", "rslave", "private", "unbindable", "runbindable",
                               "rprivate", "rslave"],
                              ["tmpcopyup", "newinstance", "ptmxmode=0666", "gid=5"], ["idmap"], ["", "ro"],
                              ["sync", "async", "dirsync", "mand", "nomand", "lazytime", "nolazytime", "silent",
                               "loud", "iversion", "noiversion", "nosymfollow", "symfollow", "recurse"]]):
        put("mount_options", "options%02d" % i, "\n".join(opts))

    for s in ["KILL", "SIGKILL", "sigterm", "9", "0", "65", "RTMIN", "SIGRTMIN+3", "RTMAX-2", "rtmin+100",
              "SIGNOPE", "-1", "10x", "IOT", "POLL"]:
        put("signal", s.replace("+", "plus").replace("-", "minus") or "empty", s)

    # Sync frames: a 4-byte native-endian length, then JSON (core/sync.c).
    def frame(o):
        b = json.dumps(o, separators=(",", ":")).encode()
        return struct.pack("=I", len(b)) + b
    msgs = [{"type": "ready"}, {"type": "error", "msg": "mount proc: EPERM", "code": 1},
            {"type": "hooks"}, {"type": "seccomp", "fd": 7}, {"type": "log", "level": "info", "msg": "x"},
            {"type": "bootstrap", "config": spec, "env": ["A=B"]}]
    for i, m in enumerate(msgs):
        put("sync", "msg%02d" % i, frame(m))
    put("sync", "sequence", b"".join(frame(m) for m in msgs[:3]))
    put("sync", "truncated", frame(msgs[0])[:-2])
    put("sync", "huge_length", struct.pack("=I", 0xFFFFFFF0) + b"{}")
    put("sync", "not_json", struct.pack("=I", 3) + b"abc")

    # GVariant texts (first byte: the untyped integer's type, 'A' = annotations JSON); from the
    # plugin's unit tests.
    texts = ["uint64 100", "@t 100", "100", "-5", "0x10", "1.5", " true ", "'inactive-or-failed'", "\"it's\"",
             "'a\\'b'", "byte 255", "int64 -9223372036854775808", "[1, 2, 3]", "[uint64 1, 2]", "['a', 'b']",
             "@as []", "[('/dev/null', 'rwm')]", "@a(st) [('x', 1)]", "('x', uint32 7, true)", "objectpath '/a'",
             "signature 'a(st)'", "double 1e3", "[[1], [2]]", "@a(st) [('x')]"]
    for i, t in enumerate(texts):
        put("gvariant", "text%02d" % i, "it"[i % 2] + t)
    put("gvariant", "annotations00", "A" + json.dumps({
        "org.systemd.property.CPUWeight": "100", "org.systemd.property.TimeoutStopSec": "5",
        "org.systemd.property.RuntimeMaxSec": "uint64 2", "org.systemd.property.CollectMode": "'inactive-or-failed'",
        "org.systemd.property.CPUQuotaPerSecUSec": "200000", "other": 1}))
    put("gvariant", "annotations01", "A" + json.dumps({"org.systemd.property.PIDs": "[uint32 1]"}))
    put("gvariant", "annotations02", "A" + json.dumps({"org.systemd.property.TimeoutStopSec": "1.5",
                                                       "org.systemd.property.DeviceAllow": "[('/dev/null', 'rwm')]"}))


main()
