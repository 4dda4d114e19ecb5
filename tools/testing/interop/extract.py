#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the smbsign interop corpus from Samba captures.

Usage: extract.py --cells CELLS --out corpus.json --password PW --port N
                  [--samba-version V]

CELLS is a text file written by gen-corpus.sh, one line per cell:

    <cell-name> <dialect hex, e.g. 0x0311> <alg id 0|1|2> <pcap> <logdir>

For every TCP connection in each pcap this reassembles the stream, splits
NetBIOS frames and compound chains, finds the NEGOTIATE and SESSION_SETUP
exchanges, recomputes the session key from the NTLMv2 exchange and the
password, derives the signing key (3.x: SP 800-108 KDF, 3.1.1 with the
pre-authentication hash), cross-checks it against the keys Samba logged
with 'debug encryption = yes' (3.x), and then verifies every signed
message.  Any message that does not verify, or a cell that does not
negotiate the expected dialect and algorithm, is a fatal error.
"""

import argparse
import datetime
import glob
import json
import os
import sys

import smbcorpus as sc

BIG = 4096


def die(msg):
    print("extract.py: error: " + msg, file=sys.stderr)
    sys.exit(1)


def load_logs(logdir):
    keys = {}
    for path in sorted(glob.glob(os.path.join(logdir, "*"))):
        if not os.path.isfile(path):
            continue
        with open(path, "r", errors="replace") as f:
            for sid, ents in sc.parse_samba_key_dump(f.read()).items():
                keys.setdefault(sid, []).extend(ents)
    return keys


def conn_messages(conn):
    """All SMB2 messages of a connection: list of dicts, wire order."""
    msgs = []
    for direction in ("c2s", "s2c"):
        for fno, (ts, frame) in enumerate(conn[direction]):
            if frame[:4] != b"\xfeSMB":
                continue        # SMB1 or transform: not signed SMB2
            elems = sc.split_chain(frame)
            chain = None
            if len(elems) > 1:
                chain = {"frame": frame, "elements": elems,
                         "direction": direction}
            for idx, (off, length) in enumerate(elems):
                raw = frame[off:off + length]
                msgs.append({"ts": ts, "dir": direction, "raw": raw,
                             "hdr": sc.Hdr(raw), "chain": chain,
                             "chain_index": idx, "frame_no": fno})
    return msgs


def analyse_connection(cname, conn, password, logkeys, cell):
    msgs = conn_messages(conn)
    reqs = {}
    resps = {}
    for m in msgs:
        h = m["hdr"]
        if h.flags & sc.FLAG_ASYNC and h.status == 0x103:
            continue            # STATUS_PENDING interim response
        table = resps if h.is_response else reqs
        table.setdefault((h.command, h.message_id), m)
    negs = sorted(k[1] for k in resps if k[0] == sc.CMD_NEGOTIATE)
    if not negs:
        if any(m["hdr"].is_signed for m in msgs):
            die("%s: signed messages but no NEGOTIATE response" % cname)
        # A connection cut short when the capture stopped: nothing to test
        print("extract: %s: no NEGOTIATE response and nothing signed, "
              "skipped (%d messages)" % (cname, len(msgs)))
        return None
    nmid = negs[-1]
    nreq = reqs.get((sc.CMD_NEGOTIATE, nmid))
    nresp = resps[(sc.CMD_NEGOTIATE, nmid)]
    if nreq is None:
        die("%s: NEGOTIATE response without request" % cname)
    dialect, alg = sc.negotiate_response_info(nresp["raw"])
    if dialect not in sc.DIALECTS:
        die("%s: unexpected dialect 0x%04x" % (cname, dialect))
    if alg is None:
        alg = sc.default_alg(dialect)
    if dialect != cell["dialect"] or alg != cell["alg"]:
        die("%s: negotiated dialect 0x%04x alg %d, cell wants 0x%04x alg %d"
            % (cname, dialect, alg, cell["dialect"], cell["alg"]))
    conn_preauth = [nreq["raw"], nresp["raw"]]

    # SESSION_SETUP exchanges per session, ordered by MessageId
    ss = sorted(k[1] for k in resps if k[0] == sc.CMD_SESSION_SETUP)
    sessions = {}
    for mid in ss:
        resp = resps[(sc.CMD_SESSION_SETUP, mid)]
        req = reqs.get((sc.CMD_SESSION_SETUP, mid))
        if req is None:
            die("%s: SESSION_SETUP response mid %d without request" %
                (cname, mid))
        sid = resp["hdr"].session_id
        sessions.setdefault(sid, []).append((req, resp))

    out = {}
    for sid, pairs in sessions.items():
        chal = auth = None
        preauth = list(conn_preauth)
        final_ok = False
        # a channel bound to a session of another connection (multichannel,
        # SMB2_SESSION_FLAG_BINDING): the keys derived here are its
        # Channel.SigningKey; Samba's 'debug encryption' dumps no channel
        # keys, so there is nothing logged to cross-check them against
        binding = any(sc.session_setup_binding(req["raw"])
                      for req, _ in pairs)
        for req, resp in pairs:
            blob_out = sc.security_blob(resp["raw"], True)
            blob_in = sc.security_blob(req["raw"], False)
            c = sc.find_ntlmssp(blob_out, 2)
            if c is not None:
                chal = sc.ntlm_challenge(c)
            a = sc.find_ntlmssp(blob_in, 3)
            if a is not None:
                auth = a
            preauth.append(req["raw"])
            if resp["hdr"].status == 0:
                final_ok = True
                break
            preauth.append(resp["raw"])
        if not final_ok:
            continue            # failed or unfinished authentication
        if chal is None or auth is None:
            die("%s: session 0x%x: no NTLMSSP challenge/authenticate" %
                (cname, sid))
        skey, user, domain = sc.ntlmv2_session_key(auth, chal, password)
        pa_hash = None
        if dialect == 0x0311:
            pa_hash = sc.preauth_hash(preauth)
        sign_key = sc.derive_signing_key(dialect, skey, pa_hash)
        source = "ntlmv2"
        if dialect >= 0x0300 and not binding:
            logged = [e for e in logkeys.get(sid, [])
                      if e.get("session_key") == sc.pad_session_key(skey)]
            if not logged:
                die("%s: session 0x%x: Samba logged no matching session key"
                    " (is 'debug encryption = yes' set?)" % (cname, sid))
            ent = logged[-1]
            if ent.get("signing_key") != sign_key:
                die("%s: session 0x%x: signing key %s derived here, Samba "
                    "logged %s" % (cname, sid, sign_key.hex(),
                                   ent.get("signing_key", b"").hex()))
            if ent.get("alg") != alg:
                die("%s: session 0x%x: Samba logged signing algo %r" %
                    (cname, sid, ent.get("alg")))
            source = "ntlmv2+samba-log"
        out[sid] = {"session_id": sid, "session_key": skey,
                    "signing_key": sign_key, "key_source": source,
                    "binding": binding,
                    "preauth": preauth if dialect == 0x0311 else None,
                    "preauth_hash": pa_hash, "user": user,
                    "domain": domain}
    return dialect, alg, msgs, out

MAX_CHAIN_GROUPS = 3
MAX_CANCEL = 4


def select(cands):
    """Pick a small, varied subset of a cell's verified messages.

    Keeps: the compound exchanges (request and response chain) with the
    most elements, one per distinct element count, up to MAX_CHAIN_GROUPS;
    every CANCEL (up to MAX_CANCEL); the first message > BIG bytes in each
    direction (a large WRITE request and READ response); and the first
    message of every (direction, command, flags, error or not)
    combination.  Everything was verified before selection.
    """
    groups = {}
    for c in cands:
        ch = c["m"]["chain"]
        if ch is None:
            continue
        h0 = sc.Hdr(ch["frame"])
        key = (c["conn"], h0.message_id)
        grp = groups.setdefault(key, {})
        ent = grp.setdefault(id(ch), {"chain": ch, "cands": []})
        ent["cands"].append(c)
    chosen = []
    counts = set()
    for key in sorted(groups, key=lambda k: -max(
            len(e["chain"]["elements"]) for e in groups[k].values())):
        ents = list(groups[key].values())
        if any(len(e["cands"]) != len(e["chain"]["elements"]) or
               len(e["chain"]["frame"]) > BIG for e in ents):
            continue            # partly unsigned, or too big
        n = max(len(e["chain"]["elements"]) for e in ents)
        if n in counts:
            continue
        counts.add(n)
        chosen.extend(ents)
        if len(counts) >= MAX_CHAIN_GROUPS:
            break
    in_chosen = set()
    for e in chosen:
        in_chosen.update(id(c) for c in e["cands"])
    out = []
    kinds = set()
    big_dirs = set()
    ncancel = 0
    for c in cands:
        m = c["m"]
        h = m["hdr"]
        if id(c) in in_chosen:
            out.append(c)
            continue
        if m["chain"] is not None:
            continue
        if len(m["raw"]) > BIG:
            if m["dir"] not in big_dirs:
                big_dirs.add(m["dir"])
                out.append(c)
            continue
        if h.command == sc.CMD_CANCEL and ncancel < MAX_CANCEL:
            ncancel += 1
            out.append(c)
            continue
        kind = (m["dir"], h.command, h.flags, h.status != 0)
        if kind not in kinds:
            kinds.add(kind)
            out.append(c)
    return out, chosen


def build(cells, password):
    corpus_cells = []
    sessions = []
    messages = []
    chains = []
    for cell in cells:
        cname = cell["name"]
        logkeys = load_logs(cell["logdir"])
        conns = sc.tcp_streams(cell["pcap"], cell["port"])
        if not conns:
            die("%s: no connections in %s" % (cname, cell["pcap"]))
        count = 0
        cands = []
        cell_sessions = []
        for ci, conn in enumerate(conns, 1):
            connname = "%s/c%d" % (cname, ci)
            try:
                res = analyse_connection(connname, conn, password, logkeys,
                                         cell)
            except sc.CorpusError as e:
                die("%s: %s" % (connname, e))
            if res is None:
                continue
            dialect, alg, msgs, sess = res
            snames = {}
            for si, sid in enumerate(sorted(sess), 1):
                s = sess[sid]
                sname = "%s/s%d" % (connname, si)
                snames[sid] = sname
                cell_sessions.append({
                    "name": sname, "cell": cname,
                    "dialect": "0x%04x" % dialect, "alg": alg,
                    "session_id": "0x%016x" % sid,
                    "session_key": s["session_key"].hex(),
                    "signing_key": s["signing_key"].hex(),
                    "key_source": s["key_source"],
                    "preauth": ([p.hex() for p in s["preauth"]]
                                if s["preauth"] else None),
                    "preauth_hash": (s["preauth_hash"].hex()
                                     if s["preauth_hash"] else None)})
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
                if sid not in sess:
                    die("%s: signed %s mid %d for unknown session 0x%x" %
                        (connname, sc.cmd_name(h.command), h.message_id,
                         sid))
                sig = sc.compute_signature(alg, sess[sid]["signing_key"],
                                           m["raw"])
                base = "%s/%s-mid%d-%s" % (
                    connname, m["dir"], h.message_id,
                    sc.cmd_name(h.command))
                if sig != h.signature:
                    die("%s: signature mismatch: Samba %s, computed %s" %
                        (base, h.signature.hex(), sig.hex()))
                cands.append({"m": m, "base": base, "sname": snames[sid],
                              "conn": connname})
        msgs_sel, chains_sel = select(cands)
        seen = set()
        chain_names = {}
        used_sessions = set()
        for ch in chains_sel:
            first = ch["cands"][0]
            nm = "%s/%s-chain-mid%d" % (first["conn"], first["m"]["dir"],
                                        first["m"]["hdr"].message_id)
            chain_names[id(ch["chain"])] = nm
            used_sessions.add(first["sname"])
            chains.append({
                "name": nm, "session": first["sname"],
                "direction": first["m"]["dir"],
                "bytes": ch["chain"]["frame"].hex(),
                "elements": [[o, n] for o, n in ch["chain"]["elements"]]})
        for c in msgs_sel:
            m = c["m"]
            h = m["hdr"]
            name = c["base"]
            n = 1
            while name in seen:
                n += 1
                name = "%s.%d" % (c["base"], n)
            seen.add(name)
            cref = chain_names.get(id(m["chain"])) if m["chain"] else None
            used_sessions.add(c["sname"])
            count += 1
            messages.append({
                "name": name, "session": c["sname"],
                "direction": m["dir"], "command": h.command,
                "message_id": h.message_id, "flags": "0x%08x" % h.flags,
                "status": "0x%08x" % h.status,
                "bytes": m["raw"].hex(),
                "signature": h.signature.hex(),
                "chain": cref,
                "chain_index": m["chain_index"] if cref else None})
        sessions.extend(s for s in cell_sessions
                        if s["name"] in used_sessions)
        if count == 0:
            die("%s: no signed messages" % cname)
        corpus_cells.append({"name": cname, "dialect": "0x%04x" %
                             cell["dialect"], "alg": cell["alg"],
                             "verified": len(cands), "messages": count})
    return corpus_cells, sessions, messages, chains


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--user", default="smbsign")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--samba-version", default="unknown")
    args = ap.parse_args()
    cells = []
    with open(args.cells) as f:
        for ln, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            if len(parts) != 5:
                die("%s:%d: want 5 fields, got %d" % (args.cells, ln,
                                                       len(parts)))
            cells.append({"name": parts[0], "dialect": int(parts[1], 16),
                          "alg": int(parts[2]), "pcap": parts[3],
                          "logdir": parts[4], "port": args.port})
    ccells, sessions, messages, chains = build(cells, args.password)
    corpus = {
        "format": "smbsign-interop-corpus-1",
        "samba_version": args.samba_version,
        "generated": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generator": "tools/testing/interop/gen-corpus.sh",
        "user": args.user,
        "password": args.password,
        "cells": ccells,
        "sessions": sessions,
        "messages": messages,
        "chains": chains,
    }
    with open(args.out, "w") as f:
        json.dump(corpus, f, indent=1)
        f.write("\n")
    for c in ccells:
        print("extract: %-18s %4d signed messages verified, %3d kept" %
              (c["name"], c["verified"], c["messages"]))


if __name__ == "__main__":
    main()
