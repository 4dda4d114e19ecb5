#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Verify every signature in a capture of cifs.ko talking to smbd.

Usage: verify-capture.py --pcap capture.pcap --password PW
                         [--logs DIR] [--expect "VARIANT VERS ALG"]

For every TCP connection to port 445 in the capture: reassembles the
stream, reads the dialect and signing algorithm from the NEGOTIATE
response, recomputes the session key from the NTLMv2 exchange and the
password, derives the signing key (3.1.1 with the pre-authentication
hash), cross-checks it against the key smbd logged with `debug encryption
= yes` (3.x, when --logs is given) and verifies every message that has
SMB2_FLAGS_SIGNED set, in both directions. This is the interop corpus
code (tools/testing/interop/extract.py, smbcorpus.py) applied to a
capture of the Linux client.

Multichannel: a connection whose session setup binds it to a session of
an earlier connection (SMB2_SESSION_FLAG_BINDING) has its own
Channel.SigningKey, derived from its own NTLMv2 exchange and (3.1.1) its
own pre-authentication hash; smbd logs no channel keys, so these are not
cross-checked against its log. Its binding SESSION_SETUP requests and
non-final responses are signed with the session's key (MS-SMB2 3.2.4.1.1,
3.3.4.1.1), verified here with the key of the connection that set the
session up; everything else on it with the channel's key.

--expect (the capture.info that guest-test.sh writes) names the dialect
and the algorithm smbd reported for the session (Samba's name, or - when
nothing is signed); the capture must show the same. "refused" as the
algorithm: the mount must fail, no TREE_CONNECT may succeed.

Prints TAP: per connection, one test for the dialect and algorithm and one
for the signatures (with counts), then the total.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))

import extract  # noqa: E402
import smbcorpus as sc  # noqa: E402

ALG_NAMES = {sc.ALG_HMAC: "HMAC-SHA256", sc.ALG_CMAC: "AES-128-CMAC",
             sc.ALG_GMAC: "AES-128-GMAC"}
CMD_TREE_CONNECT = 0x3
VERS = {"2.0": 0x0202, "2.1": 0x0210, "3.0": 0x0300, "3.0.2": 0x0302,
        "3.1.1": 0x0311}


_read_pcap = sc.read_pcap


def read_pcap_in_seq_order(path):
    """sc.read_pcap, each TCP flow's data segments in sequence order.

    With two guest CPUs, loopback segments can reach the capture slightly
    out of order (tcpdump drops none); sc.tcp_streams reassembles in the
    order it reads and would see a gap. Packets without payload (SYN,
    ACK) come first, in capture order, then the data segments sorted by
    their sequence number relative to the flow's SYN.
    """
    pkts = list(_read_pcap(path))
    bare = [p for p in pkts if not p[8]]
    data = {}
    for p in pkts:
        if p[8]:
            data.setdefault(p[1:5], []).append(p)
    syn = {p[1:5]: p[5] for p in bare if p[7] & 0x02}
    out = bare
    for flow, segs in data.items():
        # from the SYN, else from well before the first segment captured
        base = syn.get(flow, (segs[0][5] - 0x10000000) & 0xffffffff)
        out.extend(sorted(segs, key=lambda p: (p[5] - base) & 0xffffffff))
    return iter(out)


sc.read_pcap = read_pcap_in_seq_order


class Tap:
    def __init__(self):
        self.lines = []
        self.failed = 0

    def ok(self, good, text):
        n = len(self.lines) + 1
        text = text.replace("#", "_")
        self.lines.append("%s %d - %s" % ("ok" if good else "not ok", n, text))
        if not good:
            self.failed += 1


def negotiated(msgs):
    """(dialect, alg) from a connection's last successful NEGOTIATE
    response; (None, None) if there is none."""
    resp = [m for m in msgs if m["hdr"].is_response and
            m["hdr"].command == sc.CMD_NEGOTIATE and m["hdr"].status == 0]
    if not resp:
        return None, None
    dialect, alg = sc.negotiate_response_info(resp[-1]["raw"])
    return dialect, alg if alg is not None else sc.default_alg(dialect)


def refused(tap, cname, msgs, expect):
    """The mount was expected to fail: nothing may get past the session
    setup (no successful TREE_CONNECT)."""
    trees = [m for m in msgs if m["hdr"].is_response and m["hdr"].status == 0
             and m["hdr"].command == CMD_TREE_CONNECT]
    errs = ["%s 0x%08x" % (sc.cmd_name(m["hdr"].command), m["hdr"].status)
            for m in msgs if m["hdr"].is_response and m["hdr"].status != 0]
    tap.ok(not trees, "%s: %s vers=%s refused as expected: %d tree connects, "
           "error responses: %s" % (cname, expect[0], expect[1], len(trees),
                                    ", ".join(errs) or "none"))


def verify_connection(tap, cname, conn, password, logkeys, expect, masters):
    """Verify one connection's signatures; masters: session id -> the
    signing key of the session, from the connection that set it up
    (filled in here for the next connections)."""
    msgs = extract.conn_messages(conn)
    nsigned = sum(1 for m in msgs if m["hdr"].is_signed)
    if expect and expect[2] == "refused":
        refused(tap, cname, msgs, expect)
        return 0
    dialect, alg = negotiated(msgs)
    if dialect is None:
        tap.ok(nsigned == 0 and not expect,
               "%s: no successful NEGOTIATE, %d messages, %d signed%s"
               % (cname, len(msgs), nsigned, expect and
                  " (smbd reported %s %s)" % (expect[1], expect[2]) or ""))
        return 0
    dname = sc.DIALECTS.get(dialect, "0x%04x" % dialect)
    aname = ALG_NAMES.get(alg, str(alg))
    if expect:
        want_d = VERS.get(expect[1])
        want_a = expect[2]
        got_a = aname if nsigned else "-"
        good = dialect == want_d and (got_a == want_a or
                                      got_a == "partial(%s)" % want_a)
        tap.ok(good, "%s: dialect %s, signing %s, %d signed messages "
               "(smbd reported %s %s)" % (cname, dname, got_a, nsigned,
                                          expect[1], want_a))
    else:
        tap.ok(True, "%s: dialect %s, signing %s, %d signed messages"
               % (cname, dname, aname, nsigned))
    if nsigned == 0:
        return 0
    # extract.analyse_connection dies on anything wrong: report it as a
    # failed test instead of ending the run
    try:
        res = extract.analyse_connection(
            cname, conn, password, logkeys,
            {"dialect": dialect, "alg": alg})
    except SystemExit:
        tap.ok(False, "%s: session keys (see the error above)" % cname)
        return 0
    if res is None:
        tap.ok(False, "%s: signed messages but no usable NEGOTIATE" % cname)
        return 0
    _, _, msgs, sess = res
    for sid, s in sess.items():
        if not s["binding"]:
            masters.setdefault(sid, s["signing_key"])
    nbinding = 0
    counts = {"c2s": 0, "s2c": 0}
    biggest = {"c2s": 0, "s2c": 0}
    bad = []
    prev_sid = None
    for m in msgs:
        h = m["hdr"]
        sid = h.session_id
        if m["chain"] is not None and m["chain_index"] > 0 and \
                sid == 0xffffffffffffffff:
            sid = prev_sid
        prev_sid = sid
        if not h.is_signed:
            continue
        what = "%s mid %d %s" % (m["dir"], h.message_id,
                                 sc.cmd_name(h.command))
        if sid not in sess:
            bad.append("%s: unknown session 0x%x" % (what, sid))
            continue
        key = sess[sid]["signing_key"]
        if sess[sid]["binding"] and h.command == sc.CMD_SESSION_SETUP and \
                (not h.is_response or h.status != 0):
            if sid not in masters:
                bad.append("%s: binds session 0x%x, which no earlier "
                           "connection set up" % (what, sid))
                continue
            key = masters[sid]
            nbinding += 1
        sig = sc.compute_signature(alg, key, m["raw"])
        if sig != h.signature:
            bad.append("%s: signature %s, computed %s" %
                       (what, h.signature.hex(), sig.hex()))
            continue
        counts[m["dir"]] += 1
        biggest[m["dir"]] = max(biggest[m["dir"]], len(m["raw"]))
    for b in bad[:10]:
        print("# %s: %s" % (cname, b))
    src = ",".join(sorted(set(s["key_source"] for s in sess.values())))
    bound = ""
    if any(s["binding"] for s in sess.values()):
        bound = "; bound channel, %d binding messages with the session's " \
            "key" % nbinding
    tap.ok(not bad and counts["c2s"] and counts["s2c"],
           "%s: %d %s signatures verified (%d client, %d server; largest "
           "%d / %d bytes), %d bad; keys: %s%s" %
           (cname, counts["c2s"] + counts["s2c"], aname, counts["c2s"],
            counts["s2c"], biggest["c2s"], biggest["s2c"], len(bad), src,
            bound))
    return counts["c2s"] + counts["s2c"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--logs", help="smbd log directory (debug encryption)")
    ap.add_argument("--expect", help='"VARIANT VERS ALG" (capture.info)')
    ap.add_argument("--port", type=int, default=445)
    args = ap.parse_args()
    expect = args.expect.split() if args.expect else None
    if expect is not None and len(expect) != 3:
        print("verify-capture: --expect wants 'VARIANT VERS ALG', got %r"
              % args.expect, file=sys.stderr)
        return 2
    tap = Tap()
    total = 0
    try:
        conns = sc.tcp_streams(args.pcap, args.port)
    except (sc.CorpusError, OSError) as e:
        conns = []
        print("# %s" % e)
    tap.ok(bool(conns), "%s: %d connection(s) on port %d"
           % (os.path.basename(args.pcap), len(conns), args.port))
    logkeys = extract.load_logs(args.logs) if args.logs else {}
    masters = {}
    for i, conn in enumerate(conns, 1):
        try:
            total += verify_connection(tap, "c%d" % i, conn, args.password,
                                       logkeys, expect, masters)
        except sc.CorpusError as e:
            tap.ok(False, "c%d: %s" % (i, e))
    print("TAP version 13")
    print("1..%d" % len(tap.lines))
    for line in tap.lines:
        print(line)
    print("# %d signatures verified, %d test(s) failed" % (total, tap.failed))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
