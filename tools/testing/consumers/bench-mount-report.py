#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn `make bench-mount`'s measurements (share/out/bench-mount.jsonl,
written in the guest by bench-copy.py) into a table on stdout and
bench-mount.json and bench-mount.md in --out.

    bench-mount-report.py --out DIR [--rundir DIR] [--wall SECONDS] FILE.jsonl

The guest ran under QEMU TCG with -icount shift=0 on one vCPU: its clock
advances one nanosecond per instruction, so every figure is guest
instructions (not cycles) per byte of the file copied. Client (cifs.ko,
smbsign or the kernel's crypto API) and server (smbd, GnuTLS) run in the
same guest, so a copy's count includes both sides' work, their signing
included. Per configuration and direction: min and median over the
repeats; "signing" is (signed - unsigned) / signed with the same cifs.ko
unsigned, from the medians; the smbd and client columns split the count
by the CPU time of smbd's processes and of everything else.

Exit status 1 if a measurement is missing, a copy read back different,
or a session did not sign as its configuration says.
"""
import argparse
import json
import os
import statistics
import sys

CONFIGS = [
    # name, client, signing, unsigned baseline of the same cifs.ko
    ("stock-unsigned", "stock cifs.ko", "none", None),
    ("stock-cmac", "stock cifs.ko", "AES-128-CMAC", "stock-unsigned"),
    ("smbsign-unsigned", "patched cifs.ko (smbsign)", "none", None),
    ("smbsign-gmac", "patched cifs.ko (smbsign)", "AES-128-GMAC", "smbsign-unsigned"),
    ("smbsign-cmac", "patched cifs.ko (smbsign)", "AES-128-CMAC", "smbsign-unsigned"),
]
DIRS = ("write", "read")
DIR_WORDS = {"write": "to the share (WRITE)", "read": "from the share (READ)"}


def load(path):
    recs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                recs.append(json.loads(line))
            except ValueError:
                print("bench-mount-report.py: %s:%d: not JSON" % (path, n), file=sys.stderr)
    return recs


def stats(values):
    return {"min": min(values), "median": statistics.median(values),
            "max": max(values), "n": len(values)}


def summarize(recs):
    """{config: {"conf": rec, dir: {metric: stats}}}, problems"""
    problems = []
    out = {}
    confs = {r["config"]: r for r in recs if r.get("kind") == "config"}
    copies = [r for r in recs if r.get("kind") == "copy"]
    for name, client, alg, _ in CONFIGS:
        conf = confs.get(name)
        if conf is None:
            problems.append("%s: not measured" % name)
            continue
        want = "-" if alg == "none" else alg
        got = conf.get("smbstatus", "")
        signed_ok = got == want or (want == "-" and got.startswith("partial("))
        if not signed_ok:
            problems.append("%s: smbstatus says %r, want %s" % (name, got, want))
        entry = {"client": client, "signing": alg, "smbstatus": got,
                 "mount": conf.get("mount", ""), "bytes": conf["bytes"]}
        for d in DIRS:
            rs = [r for r in copies if r["config"] == name and r["dir"] == d]
            if not rs:
                problems.append("%s %s: no measurement" % (name, d))
                continue
            for r in rs:
                if not r.get("identical", False):
                    problems.append("%s %s rep %d: read back differs" % (name, d, r["rep"]))
            nb = rs[0]["bytes"]
            m = {
                "per_byte": stats([r["elapsed_ns"] / nb for r in rs]),
                "busy_per_byte": stats([r["busy_ns"] / nb for r in rs]),
                "idle_share": stats([r["idle_ns"] / r["elapsed_ns"] for r in rs]),
                "smbd_per_byte": stats([r["cpu_ns"]["smbd"] / nb for r in rs]),
                "client_per_byte": stats([(r["busy_ns"] - r["cpu_ns"]["smbd"]) / nb
                                          for r in rs]),
                "elapsed_ns": [r["elapsed_ns"] for r in rs],
                "top": rs[0].get("top", []),
            }
            sc = [r["smbsign_client"] for r in rs if "smbsign_client" in r]
            if sc:
                m["smbsign_signed"] = [x["signed"] for x in sc]
                m["smbsign_verified"] = [x["verified"] for x in sc]
            entry[d] = m
        out[name] = entry
    return out, problems


def derive(res, gnutls):
    """signing's share and where its instructions go, per signed config"""
    der = {}
    g = {}
    for r in gnutls:
        if r["body"] == max(x["body"] for x in gnutls if x["alg"] == r["alg"]):
            g[r["alg"]] = min(r["ns"]) / r["body"]
    for name, _, alg, base in CONFIGS:
        if base is None or name not in res or base not in res:
            continue
        der[name] = {}
        for d in DIRS:
            s, u = res[name].get(d), res[base].get(d)
            if not s or not u:
                continue
            tot = s["per_byte"]["median"] - u["per_byte"]["median"]
            der[name][d] = {
                "baseline": base,
                "signed_per_byte": s["per_byte"]["median"],
                "unsigned_per_byte": u["per_byte"]["median"],
                "signing_per_byte": tot,
                "signing_share": tot / s["per_byte"]["median"],
                "smbd_delta_per_byte": s["smbd_per_byte"]["median"] - u["smbd_per_byte"]["median"],
                "client_delta_per_byte": (s["client_per_byte"]["median"]
                                          - u["client_per_byte"]["median"]),
                "gnutls_alg_per_byte": g.get(alg),
            }
    return der, g


def fmt(x, nd=2):
    return "-" if x is None else "%.*f" % (nd, x)


def pct(x):
    return "-" if x is None else "%.1f%%" % (100.0 * x)


def main_table(res, der):
    rows = []
    for name, client, alg, _ in CONFIGS:
        if name not in res:
            continue
        cells = [client, alg]
        for d in DIRS:
            m = res[name].get(d)
            if not m:
                cells += ["-", "-", "-"]
                continue
            share = der.get(name, {}).get(d, {}).get("signing_share")
            cells += ["%s / %s" % (fmt(m["per_byte"]["min"]), fmt(m["per_byte"]["median"])),
                      "-" if share is None else pct(share),
                      fmt(m["smbd_per_byte"]["median"])]
        rows.append(cells)
    head = ["client", "signing",
            "write: instr/byte min / median", "signing share", "of which smbd",
            "read: instr/byte min / median", "signing share", "of which smbd"]
    return head, rows


def split_table(der, gnutls_pb):
    rows = []
    for name, client, alg, _ in CONFIGS:
        for d in DIRS:
            x = der.get(name, {}).get(d)
            if not x:
                continue
            rows.append([client, alg, d, fmt(x["signing_per_byte"]),
                         fmt(x["smbd_delta_per_byte"]), fmt(x["gnutls_alg_per_byte"]),
                         fmt(x["client_delta_per_byte"])])
    head = ["client", "signing", "direction", "signing instr/byte (signed - unsigned)",
            "in smbd", "Samba's GnuTLS call alone", "in the client (the rest)"]
    return head, rows


def text_table(head, rows):
    w = [max(len(str(c)) for c in col) for col in zip(head, *rows)]
    line = "  ".join("%-*s" % (w[i], h) for i, h in enumerate(head))
    out = [line, "  ".join("-" * x for x in w)]
    for r in rows:
        out.append("  ".join(("%-*s" if i < 2 else "%*s") % (w[i], c) for i, c in enumerate(r)))
    return "\n".join(out)


def md_table(head, rows, left=2):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i < left else "---:" for i in range(len(head))) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def human(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d %s" % (n // div, unit)
    return "%d B" % n


def describe(info, res):
    size = info.get("bytes", 0)
    reps = info.get("repeat", 0)
    iosize = info.get("iosize", 0)
    # elapsed - (sum of the tasks' CPU time), as a share of elapsed
    gap = max([max(abs(res[c][d]["idle_share"]["min"]), abs(res[c][d]["idle_share"]["max"]))
               for c in res for d in DIRS if d in res[c]], default=None)
    gap_text = "-" if gap is None else "%.3f%%" % (100.0 * gap)
    return [
        "Guest instructions per byte under QEMU TCG -icount shift=0, not cycles.",
        "",
        "Linux %s (the consumers test kernel, base variant), Samba %s, GnuTLS %s; one "
        "vCPU (-cpu max; crypto flags: %s), clocksource %s."
        % (info.get("kernel", "?"), info.get("samba", "?").replace("Version ", ""),
           info.get("gnutls", "?"), " ".join(info.get("cpu_flags", [])),
           info.get("clocksource", "?")),
        "",
        "A %s file copied from tmpfs to //127.0.0.1/user (smbd, tmpfs) and back to tmpfs, "
        "%d times per configuration after an untimed warm-up copy, in %s blocks "
        "(vers=3.1.1, cache=none, rsize=wsize=%s: one %s WRITE or READ per block); each "
        "copy is timed from open() to close() of both files. The stock and the patched "
        "cifs.ko in one boot (rmmod, insmod); smbd restarted per configuration with "
        "`server signing = disabled` for the unsigned rows and `mandatory` for the "
        "others; the patched client's CMAC by `smbsignctl set client algorithms cmac`, "
        "its unsigned run by `smbsignctl set client require off`."
        % (human(size), reps, human(iosize), human(iosize), human(iosize)),
        "",
        "What a count includes: everything the one vCPU executed meanwhile: the copying "
        "process, cifs.ko and its signing and verifying (smbsign, or the stock client's "
        "crypto API calls), TCP over loopback, smbd and its signing and verifying "
        "(GnuTLS), tmpfs on both sides, the scheduler. \"of which smbd\": the CPU time of "
        "smbd's processes (their system calls and the softirq work done in their context "
        "included); the client is everything else. The tasks' CPU time adds up to the "
        "elapsed count within %s for every copy: the vCPU never idled (the guest clock "
        "jumps over idle time, which would show as a difference)." % gap_text,
        "",
        "-icount counts each iteration of `rep movsb` as one instruction: the kernel's "
        "copies (copy_from_user, copy_to_user, TCP over loopback) weigh about one "
        "instruction per byte each, more than on real hardware; they are the same in "
        "signed and unsigned copies.",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--rundir", default="")
    ap.add_argument("--wall", default="")
    ap.add_argument("jsonl")
    args = ap.parse_args()
    recs = load(args.jsonl)
    info = next((r for r in recs if r.get("kind") == "info"), {})
    gnutls = [r for r in recs if r.get("kind") == "gnutls"]
    res, problems = summarize(recs)
    der, gnutls_pb = derive(res, gnutls)
    if not gnutls:
        problems.append("no GnuTLS measurement")

    head, rows = main_table(res, der)
    shead, srows = split_table(der, gnutls_pb)
    text = describe(info, res)
    print("bench-mount: %s, %s copied %d times each way per configuration" %
          (info.get("kernel", "?"), human(info.get("bytes", 0)), info.get("repeat", 0)))
    print("guest instructions per byte under QEMU TCG -icount shift=0, not cycles "
          "(client and smbd in the same guest: both sides counted)")
    print()
    print(text_table(head, rows))
    print()
    print("where signing's instructions go (medians, per byte):")
    print(text_table(shead, srows))
    print()
    for r in gnutls:
        print("GnuTLS %s %s, %s body: %.3f instructions/byte (min of %d; %d for a call "
              "with no body)" % (r["gnutls"], r["alg"], human(r["body"]),
                                 min(r["ns"]) / r["body"], len(r["ns"]), r["empty_ns"]))

    os.makedirs(args.out, exist_ok=True)
    doc = {
        "unit": "guest instructions per byte (QEMU TCG -icount shift=0), not cycles",
        "info": info, "rundir": args.rundir,
        "wall_seconds": int(args.wall) if args.wall.isdigit() else None,
        "configs": res, "signing": der, "gnutls": gnutls, "problems": problems,
    }
    with open(os.path.join(args.out, "bench-mount.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    md = ["# make bench-mount: %s" % info.get("kernel", "?"), ""]
    md += text + [""]
    md += [md_table(head, rows), ""]
    md += ["Where signing's instructions go (medians, per byte; \"in smbd\" and \"in "
           "the client\" are the signed-minus-unsigned differences of each side's CPU "
           "time; Samba's GnuTLS call alone is Samba's signing call measured by itself "
           "in the same boot, %s body, min of %d):"
           % (human(max((r["body"] for r in gnutls), default=0)),
              min((len(r["ns"]) for r in gnutls), default=0)), ""]
    md += [md_table(shead, srows, left=3), ""]
    md += ["Every copy (elapsed guest instructions per byte, in order):", ""]
    for name, client, alg, _ in CONFIGS:
        for d in DIRS:
            m = res.get(name, {}).get(d)
            if m:
                md.append("- %s, %s, %s: %s" % (
                    client, alg, DIR_WORDS[d],
                    ", ".join("%.3f" % (ns / res[name]["bytes"]) for ns in m["elapsed_ns"])))
    md.append("")
    if args.rundir:
        md += ["Run directory: `%s`%s." % (
            args.rundir, "; the guest ran %s s (wall clock)" % args.wall if args.wall else ""), ""]
    if problems:
        md += ["Problems:", ""] + ["- " + p for p in problems] + [""]
    with open(os.path.join(args.out, "bench-mount.md"), "w") as f:
        f.write("\n".join(md))
    print()
    print("results: %s/bench-mount.{json,md}" % args.out)
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
