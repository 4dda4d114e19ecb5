#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Guest side of `make bench-mount` (run.sh BENCH_MOUNT=1, guest-test.sh).

Runs in the consumers guest booted with `-icount shift=0,align=off,sleep=off`
on one vCPU: the guest clock advances by one nanosecond per instruction
executed, so a CLOCK_MONOTONIC interval is an instruction count (plus any
time the CPU spent idle, which the clock skips to the next timer deadline:
measured here and reported, see "idle_ns").

  bench-copy.py info --out JSONL --size N --repeat N --iosize N
      what the numbers depend on: kernel, Samba, GnuTLS, the vCPU's
      crypto flags, the clock source, the kernel command line.

  bench-copy.py copy --src F --dir D --config NAME --client stock|smbsign
                     --alg ALG --signing S --mount LINE --repeat N
                     --out JSONL [--bs BYTES] [--warmup BYTES]
      After one untimed warm-up copy each way of --warmup bytes, N times: copy F to D/bench.bin (write), D/bench.bin to
      /tmp/bench-back (read), compare, delete both. Each copy is timed
      from before open() to after close() of both files, with a buffer
      of --bs bytes (one read() and one write() per block).

  bench-copy.py gnutls --out JSONL [--sizes ...] [--repeat N]
      Samba's signing calls (libcli/smb/smb2_signing.c, 4.17), through
      the same libgnutls.so.30 smbd uses: AES-128-CMAC as
      gnutls_hmac(GNUTLS_MAC_AES_CMAC_128) over the header (48 bytes),
      16 zero bytes and the body, the handle kept per key;
      AES-128-GMAC as gnutls_aead_cipher_encryptv2(AES-128-GCM) with the
      same three pieces as associated data and no plaintext. Checked
      first against RFC 4493 and the GCM spec's test case 1.

Each measurement is one JSON line appended to --out.

CPU time per task is read from the kernel's per-process CPU clocks
(clock_gettime on MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED): the
scheduler's sum_exec_runtime of every thread, exited ones included, in
ns of the same guest clock) before and after each copy, and grouped:
smbd (every process whose comm starts with "smbd"), copier (this
process: the client's system calls, the WRITE requests built and signed
in its context), kthreads (children of kthreadd: cifsd, which receives
and verifies responses, kworkers, ksoftirqd) and other. Work done in
interrupt or softirq context is charged to whatever task was running.
busy_ns is their sum; idle_ns = elapsed_ns - busy_ns.
"""

import argparse
import ctypes
import io
import json
import os
import subprocess
import sys
import time

CPUCLOCK_SCHED = 2


def now():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def proc_cpu_ns(pid):
    """CPU time of process pid (all its threads), or None if gone."""
    try:
        return time.clock_gettime_ns(((~pid) << 3) | CPUCLOCK_SCHED)
    except OSError:
        return None


def task_info():
    """{pid: (group, comm)} of every process."""
    out = {}
    me = os.getpid()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        pid = int(d)
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        ppid = int(st[st.rindex(")") + 2:].split()[1])
        if pid == me:
            group = "copier"
        elif comm.startswith("smbd"):
            group = "smbd"
        elif pid == 2 or ppid == 2:
            group = "kthreads"
        else:
            group = "other"
        out[pid] = (group, comm)
    return out


def snapshot(tasks, self_first):
    """CPU ns per pid. This process's own clock is read last before the
    copy and first after it, so that reading the others is not counted."""
    me = os.getpid()
    snap = {}
    if self_first:
        snap[me] = proc_cpu_ns(me)
    for pid in tasks:
        if pid != me:
            snap[pid] = proc_cpu_ns(pid)
    if not self_first:
        snap[me] = proc_cpu_ns(me)
    return snap


def cpu_delta(tasks, a, b):
    groups = {"smbd": 0, "copier": 0, "kthreads": 0, "other": 0}
    per = {}
    for pid, (group, comm) in tasks.items():
        if a.get(pid) is None or b.get(pid) is None:
            continue
        d = b[pid] - a[pid]
        groups[group] += d
        # kworkers renamed by their current work: one name per kind
        name = comm.split("/")[0] if comm.startswith("kworker") else comm
        per[name] = per.get(name, 0) + d
    top = sorted(((n, d) for n, d in per.items() if d > 0), key=lambda x: -x[1])[:8]
    return groups, top


def smbsign_stats():
    if not os.path.isdir("/sys/module/smbsign"):
        return None
    try:
        out = subprocess.run(["smbsignctl", "-j", "stats"], capture_output=True,
                             text=True, timeout=60, check=True).stdout
        c = json.loads(out)["client"]
        return {"signed": c["signed"], "verified": c["verified"]}
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return None


def copy_file(src, dst, buf):
    mv = memoryview(buf)
    total = 0
    with io.FileIO(src, "rb") as fi, io.FileIO(dst, "wb") as fo:
        while True:
            n = fi.readinto(buf)
            if not n:
                break
            w = 0
            while w < n:
                w += fo.write(mv[w:n])
            total += n
    return total


def measure(args, direction, rep, src, dst, buf):
    stats0 = smbsign_stats()
    tasks = task_info()
    a = snapshot(tasks, False)
    t0 = now()
    n = copy_file(src, dst, buf)
    t1 = now()
    b = snapshot(tasks, True)
    stats1 = smbsign_stats()
    groups, top = cpu_delta(tasks, a, b)
    busy = sum(groups.values())
    rec = {
        "kind": "copy", "config": args.config, "client": args.client,
        "alg": args.alg, "dir": direction, "rep": rep, "bytes": n,
        "bs": args.bs, "elapsed_ns": t1 - t0, "busy_ns": busy,
        "idle_ns": (t1 - t0) - busy, "cpu_ns": groups, "top": top,
    }
    if stats0 is not None and stats1 is not None:
        rec["smbsign_client"] = {k: stats1[k] - stats0[k] for k in stats0}
    return rec


def files_equal(a, b):
    return subprocess.run(["cmp", "-s", a, b], check=False).returncode == 0


def cmd_copy(args):
    buf = bytearray(args.bs)
    size = os.path.getsize(args.src)
    share = os.path.join(args.dir, "bench.bin")
    back = "/tmp/bench-back"
    recs = []
    ok = True
    for rep in range(0, args.repeat + 1):
        # rep 0 is a warm-up copy of --warmup bytes: smbd's and the
        # client's code and buffers are faulted in, not measured
        src = args.src
        if rep == 0:
            if not args.warmup:
                continue
            src = "/tmp/bench-warmup"
            with open(args.src, "rb") as f, open(src, "wb") as g:
                g.write(f.read(args.warmup))
        w = measure(args, "write", rep, src, share, buf)
        r = measure(args, "read", rep, share, back, buf)
        same = files_equal(src, back)
        os.unlink(share)
        os.unlink(back)
        if rep == 0:
            os.unlink(src)
            if not same:
                print("warm-up copy read back differs", file=sys.stderr)
                ok = False
            continue
        if not same or w["bytes"] != size or r["bytes"] != size:
            print("rep %d: read back differs or short (%d, %d of %d bytes)"
                  % (rep, w["bytes"], r["bytes"], size), file=sys.stderr)
            ok = False
        w["identical"] = r["identical"] = same
        recs += [w, r]
        print("# %s rep %d: write %.3f, read %.3f instructions/byte (idle %.2f%%, %.2f%%)"
              % (args.config, rep, w["elapsed_ns"] / size, r["elapsed_ns"] / size,
                 100.0 * w["idle_ns"] / w["elapsed_ns"],
                 100.0 * r["idle_ns"] / r["elapsed_ns"]), flush=True)
    conf = {"kind": "config", "config": args.config, "client": args.client,
            "alg": args.alg, "smbstatus": args.signing, "mount": args.mount,
            "bytes": size, "repeat": args.repeat, "warmup": args.warmup}
    with open(args.out, "a") as f:
        for rec in [conf] + recs:
            f.write(json.dumps(rec) + "\n")
    return 0 if ok else 1


def run_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cmd_info(args):
    flags = []
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = line.split(":", 1)[1].split()
                break
    want = ("aes", "pclmulqdq", "avx", "avx2", "vaes", "vpclmulqdq", "sha_ni",
            "avx512f", "erms", "fsrm")
    cs = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
    try:
        with open(cs) as f:
            clocksource = f.read().strip()
    except OSError:
        clocksource = ""
    with open("/proc/cmdline") as f:
        cmdline = f.read().strip()
    dmesg = run_out(["dmesg"]).splitlines()
    rec = {
        "kind": "info", "kernel": os.uname().release, "cpus": os.cpu_count(),
        "samba": run_out(["smbd", "--version"]),
        "gnutls": Gnutls().version,
        "cpu_flags": [x for x in want if x in flags],
        "clocksource": clocksource,
        "tsc": [ln.split("]", 1)[-1].strip() for ln in dmesg if "tsc:" in ln][:4],
        "cmdline": cmdline, "bytes": args.size, "repeat": args.repeat,
        "iosize": args.iosize,
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print("# %s, %s, GnuTLS %s, vCPU flags: %s, clocksource %s"
          % (rec["kernel"], rec["samba"], rec["gnutls"], " ".join(rec["cpu_flags"]),
             clocksource), flush=True)
    return 0


# ------------------------------------------------------------- GnuTLS --
GNUTLS_CIPHER_AES_128_GCM = 10
GNUTLS_MAC_AES_CMAC_128 = 203


class Iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class Datum(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_uint)]


class Gnutls:
    def __init__(self):
        self.lib = lib = ctypes.CDLL("libgnutls.so.30")
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        lib.gnutls_check_version.restype = ctypes.c_char_p
        lib.gnutls_check_version.argtypes = [ctypes.c_char_p]
        lib.gnutls_hmac_init.argtypes = [ctypes.POINTER(vp), ctypes.c_int, vp, sz]
        lib.gnutls_hmac.argtypes = [vp, vp, sz]
        lib.gnutls_hmac_output.argtypes = [vp, vp]
        lib.gnutls_hmac_deinit.argtypes = [vp, vp]
        lib.gnutls_hmac_deinit.restype = None
        lib.gnutls_aead_cipher_init.argtypes = [ctypes.POINTER(vp), ctypes.c_int,
                                                ctypes.POINTER(Datum)]
        lib.gnutls_aead_cipher_encryptv2.argtypes = [
            vp, vp, sz, ctypes.POINTER(Iovec), ctypes.c_int,
            ctypes.POINTER(Iovec), ctypes.c_int, vp, ctypes.POINTER(sz)]
        lib.gnutls_aead_cipher_deinit.argtypes = [vp]
        lib.gnutls_aead_cipher_deinit.restype = None
        self.version = lib.gnutls_check_version(None).decode()


def check(rc, what):
    if rc < 0:
        raise RuntimeError("%s failed: %d" % (what, rc))


class SambaCmac:
    """smb2_signing_calc_signature(), SMB2_SIGNING_AES128_CMAC"""
    name = "AES-128-CMAC"

    def __init__(self, g, key):
        self.g, self.hd = g, ctypes.c_void_p()
        self.key = ctypes.create_string_buffer(key, len(key))
        check(g.lib.gnutls_hmac_init(ctypes.byref(self.hd), GNUTLS_MAC_AES_CMAC_128,
                                     self.key, len(key)), "gnutls_hmac_init")
        self.out = ctypes.create_string_buffer(16)

    def sign(self, pieces):
        for p, n in pieces:
            check(self.g.lib.gnutls_hmac(self.hd, p, n), "gnutls_hmac")
        self.g.lib.gnutls_hmac_output(self.hd, self.out)
        return self.out.raw

    def close(self):
        self.g.lib.gnutls_hmac_deinit(self.hd, None)


class SambaGmac:
    """smb2_signing_calc_signature(), SMB2_SIGNING_AES128_GMAC"""
    name = "AES-128-GMAC"

    def __init__(self, g, key):
        self.g, self.hd = g, ctypes.c_void_p()
        self.key = ctypes.create_string_buffer(key, len(key))
        d = Datum(ctypes.cast(self.key, ctypes.c_void_p), len(key))
        check(g.lib.gnutls_aead_cipher_init(ctypes.byref(self.hd), GNUTLS_CIPHER_AES_128_GCM,
                                            ctypes.byref(d)), "gnutls_aead_cipher_init")
        self.tag = ctypes.create_string_buffer(16)
        self.iv = ctypes.create_string_buffer(12)
        self.tag_size = ctypes.c_size_t(16)

    def sign(self, pieces, iv=b"\x01" + b"\0" * 11):
        ctypes.memmove(self.iv, iv, 12)
        iov = (Iovec * max(1, len(pieces)))(*[Iovec(p, n) for p, n in pieces])
        self.tag_size.value = 16
        check(self.g.lib.gnutls_aead_cipher_encryptv2(
            self.hd, self.iv, 12, iov, len(pieces), None, 0, self.tag,
            ctypes.byref(self.tag_size)), "gnutls_aead_cipher_encryptv2")
        return self.tag.raw

    def close(self):
        self.g.lib.gnutls_aead_cipher_deinit(self.hd)


def known_answers(g):
    # RFC 4493 example 3 (40 bytes), split as 16 + 24
    k = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    m = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                      "30c81c46a35ce411")
    c = SambaCmac(g, k)
    mb = ctypes.create_string_buffer(m, len(m))
    got = c.sign([(ctypes.addressof(mb), 16), (ctypes.addressof(mb) + 16, 24)])
    c.close()
    if got != bytes.fromhex("dfa66747de9ae63030ca32611497c827"):
        raise RuntimeError("GnuTLS AES-CMAC: RFC 4493 example 3 mismatch: " + got.hex())
    # GCM spec (McGrew & Viega) test case 1: K = 0, IV = 0, nothing else
    c = SambaGmac(g, bytes(16))
    got = c.sign([], iv=bytes(12))
    c.close()
    if got != bytes.fromhex("58e2fccefa7e3061367f1d57a4e7455a"):
        raise RuntimeError("GnuTLS AES-GCM: test case 1 mismatch: " + got.hex())


def cmd_gnutls(args):
    g = Gnutls()
    known_answers(g)
    key = bytes(range(16))
    hdr = ctypes.create_string_buffer(os.urandom(48), 48)
    zero = ctypes.create_string_buffer(16)
    recs = []
    for cls in (SambaCmac, SambaGmac):
        alg = cls(g, key)
        for size in args.sizes:
            body = ctypes.create_string_buffer(os.urandom(size), size)
            pieces = [(ctypes.addressof(hdr), 48), (ctypes.addressof(zero), 16),
                      (ctypes.addressof(body), size)]
            alg.sign(pieces)        # warm
            # a call with an empty body: what the per-byte figure excludes
            empty = [(ctypes.addressof(hdr), 48), (ctypes.addressof(zero), 16)]
            t = now()
            alg.sign(empty)
            t_empty = now() - t
            ns = []
            for _ in range(args.repeat):
                t = now()
                alg.sign(pieces)
                ns.append(now() - t)
            rec = {"kind": "gnutls", "alg": cls.name, "gnutls": g.version,
                   "bytes": size + 64, "body": size, "ns": ns, "empty_ns": t_empty}
            recs.append(rec)
            print("# GnuTLS %s %s, %d B body: %.3f instructions/byte (min of %d)"
                  % (g.version, cls.name, size, min(ns) / size, len(ns)), flush=True)
        alg.close()
    with open(args.out, "a") as f:
        for rec in recs:
            f.write(json.dumps(rec) + "\n")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("copy")
    c.add_argument("--src", required=True)
    c.add_argument("--dir", required=True)
    c.add_argument("--config", required=True)
    c.add_argument("--client", required=True)
    c.add_argument("--alg", required=True)
    c.add_argument("--signing", default="")
    c.add_argument("--mount", default="")
    c.add_argument("--repeat", type=int, default=3)
    c.add_argument("--bs", type=int, default=8 << 20)
    c.add_argument("--warmup", type=int, default=16 << 20)
    c.add_argument("--out", required=True)
    i = sub.add_parser("info")
    i.add_argument("--out", required=True)
    i.add_argument("--size", type=int, required=True)
    i.add_argument("--repeat", type=int, required=True)
    i.add_argument("--iosize", type=int, required=True)
    n = sub.add_parser("gnutls")
    n.add_argument("--sizes", type=int, nargs="+", default=[65536, 8 << 20])
    n.add_argument("--repeat", type=int, default=5)
    n.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.cmd == "copy":
        return cmd_copy(args)
    if args.cmd == "info":
        return cmd_info(args)
    return cmd_gnutls(args)


if __name__ == "__main__":
    sys.exit(main())
