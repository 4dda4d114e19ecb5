#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Verify an smbsign interop corpus file independently of the kernel.

Usage: check-corpus.py [-v] [--partial] corpus.json

For every session: the signing key is re-derived from the recorded session
key (3.0/3.0.2: SP 800-108 KDF; 3.1.1: with the SHA-512 pre-authentication
hash recomputed from the recorded NEGOTIATE/SESSION_SETUP messages) and
compared with the recorded key.  For every message: the recorded signature
is the one in the message, and recomputing it with the session's key and
algorithm gives the same 16 bytes.  For every compound chain: its elements
tile the chain as NextCommand says, and each element verifies.

Every dialect x algorithm cell (2.0.2 and 2.1 with HMAC-SHA256, 3.0 and
3.0.2 with AES-CMAC, 3.1.1 with each of the three) must have at least one
verified message, unless --partial is given.  A malformed entry is
reported with its name.  Prints one line per cell and
'check-corpus: N passed, M failed'; exits 0 only if M is 0.
"""

import json
import sys

import smbcorpus as sc

FORMAT = "smbsign-interop-corpus-1"
CELLS = ["2.0.2-hmac-sha256", "2.1-hmac-sha256", "3.0-aes-cmac",
         "3.0.2-aes-cmac", "3.1.1-hmac-sha256", "3.1.1-aes-cmac",
         "3.1.1-aes-gmac"]


class Bad(Exception):
    pass


def hexfield(ent, field, length=None, kind="entry"):
    v = ent.get(field)
    if not isinstance(v, str):
        raise Bad("%s %r: field '%s' missing or not a string" %
                  (kind, ent.get("name"), field))
    try:
        b = bytes.fromhex(v)
    except ValueError:
        raise Bad("%s %r: field '%s' is not hex" %
                  (kind, ent.get("name"), field)) from None
    if length is not None and len(b) != length:
        raise Bad("%s %r: field '%s' is %d bytes, want %d" %
                  (kind, ent.get("name"), field, len(b), length))
    return b


def intfield(ent, field, kind="entry"):
    v = ent.get(field)
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            pass
    elif isinstance(v, int):
        return v
    raise Bad("%s %r: field '%s' missing or not a number" %
              (kind, ent.get("name"), field))


def load(path):
    try:
        with open(path) as f:
            c = json.load(f)
    except (OSError, ValueError) as e:
        raise Bad("%s: cannot load: %s" % (path, e)) from None
    if not isinstance(c, dict) or c.get("format") != FORMAT:
        raise Bad("%s: not a %s file" % (path, FORMAT))
    for k in ("cells", "sessions", "messages", "chains"):
        if not isinstance(c.get(k), list):
            raise Bad("%s: '%s' missing or not a list" % (path, k))
    return c


def check_session(s):
    name = s.get("name")
    if not isinstance(name, str) or not name:
        raise Bad("session without a name: %r" % (s,))
    dialect = intfield(s, "dialect", "session")
    alg = intfield(s, "alg", "session")
    if dialect not in sc.DIALECTS:
        raise Bad("session %r: unknown dialect 0x%04x" % (name, dialect))
    if alg not in sc.ALG_NAMES or (dialect < 0x0311 and
                                   alg != sc.default_alg(dialect)):
        raise Bad("session %r: algorithm %r not allowed with dialect %s" %
                  (name, alg, sc.DIALECTS[dialect]))
    skey = hexfield(s, "session_key", None, "session")
    key = hexfield(s, "signing_key", 16, "session")
    pa = None
    if dialect == 0x0311:
        msgs = s.get("preauth")
        if not isinstance(msgs, list) or len(msgs) < 3:
            raise Bad("session %r: 3.1.1 needs its preauth message list" %
                      name)
        raw = []
        for i, m in enumerate(msgs):
            try:
                b = bytes.fromhex(m)
                sc.Hdr(b)
            except (ValueError, TypeError, sc.CorpusError):
                raise Bad("session %r: preauth message %d is not an SMB2 "
                          "message" % (name, i)) from None
            raw.append(b)
        pa = sc.preauth_hash(raw)
        if pa != hexfield(s, "preauth_hash", 64, "session"):
            raise Bad("session %r: preauth hash does not match its "
                      "messages" % name)
    derived = sc.derive_signing_key(dialect, skey, pa)
    if derived != key:
        raise Bad("session %r: signing key %s, derived %s" %
                  (name, key.hex(), derived.hex()))
    return dialect, alg, key


def check_message(m, sessions):
    name = m.get("name")
    if not isinstance(name, str) or not name:
        raise Bad("message without a name: %r" % (str(m)[:80],))
    sname = m.get("session")
    if sname not in sessions:
        raise Bad("message %r: unknown session %r" % (name, sname))
    dialect, alg, key = sessions[sname]
    raw = hexfield(m, "bytes", None, "message")
    if len(raw) < sc.HDR_SIZE:
        raise Bad("message %r: %d bytes, shorter than the SMB2 header" %
                  (name, len(raw)))
    try:
        h = sc.Hdr(raw)
    except sc.CorpusError as e:
        raise Bad("message %r: %s" % (name, e)) from None
    sig = hexfield(m, "signature", 16, "message")
    if sig != h.signature:
        raise Bad("message %r: recorded signature differs from the one in "
                  "the message" % name)
    if not h.is_signed:
        raise Bad("message %r: SMB2_FLAGS_SIGNED not set" % name)
    if intfield(m, "message_id", "message") != h.message_id:
        raise Bad("message %r: message_id differs from the header" % name)
    if intfield(m, "flags", "message") != h.flags:
        raise Bad("message %r: flags differ from the header" % name)
    if alg == sc.ALG_GMAC and h.message_id == 0:
        raise Bad("message %r: GMAC with MessageId 0" % name)
    return (sc.compute_signature(alg, key, raw) == sig,
            "%s-%s" % (sc.DIALECTS[dialect], sc.ALG_NAMES[alg]))


def check_chain(ch, sessions):
    name = ch.get("name")
    if ch.get("session") not in sessions:
        raise Bad("chain %r: unknown session %r" % (name, ch.get("session")))
    _d, alg, key = sessions[ch["session"]]
    raw = hexfield(ch, "bytes", None, "chain")
    els = ch.get("elements")
    try:
        split = [list(e) for e in sc.split_chain(raw)]
    except sc.CorpusError as e:
        raise Bad("chain %r: %s" % (name, e)) from None
    if els != split or len(split) < 2:
        raise Bad("chain %r: elements %r do not match NextCommand %r" %
                  (name, els, split))
    return all(sc.compute_signature(alg, key, raw[o:o + n]) ==
               raw[o + sc.SIG_OFF:o + sc.SIG_OFF + 16] for o, n in split)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 1
    try:
        c = load(args[0])
        sessions = {}
        for s in c["sessions"]:
            if s.get("name") in sessions:
                raise Bad("session %r: duplicate name" % s.get("name"))
            sessions[s["name"]] = check_session(s)
        names = set()
        results = []
        for m in c["messages"]:
            if m.get("name") in names:
                raise Bad("message %r: duplicate name" % m.get("name"))
            names.add(m.get("name"))
            results.append((m["name"],) + check_message(m, sessions))
        chains = [(ch.get("name"), check_chain(ch, sessions))
                  for ch in c["chains"]]
    except Bad as e:
        print("check-corpus: error: %s" % e, file=sys.stderr)
        print("check-corpus: 0 passed, 1 failed")
        return 1
    cells = {}
    for name, ok, cell in results:
        p, f = cells.get(cell, (0, 0))
        cells[cell] = (p + 1, f) if ok else (p, f + 1)
        if verbose or not ok:
            print("%s %s" % ("ok  " if ok else "FAIL", name))
    for name, ok in chains:
        if verbose or not ok:
            print("%s chain %s" % ("ok  " if ok else "FAIL", name))
    missing = 0
    for cell in CELLS + sorted(set(cells) - set(CELLS)):
        p, f = cells.get(cell, (0, 0))
        print("check-corpus: %-20s %4d verified, %d failed" % (cell, p, f))
        if p == 0 and "--partial" not in sys.argv:
            print("check-corpus: error: cell %s has no verified message" %
                  cell, file=sys.stderr)
            missing += 1
    npass = sum(1 for r in results if r[1]) + sum(1 for r in chains if r[1])
    nfail = len(results) + len(chains) - npass + missing
    print("check-corpus: Samba %s, %d sessions, %d chains" %
          (c.get("samba_version"), len(sessions), len(chains)))
    print("check-corpus: %d passed, %d failed" % (npass, nfail))
    return 0 if nfail == 0 and npass > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
