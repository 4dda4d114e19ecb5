#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write kunit/smbsign_interop_corpus.h from an interop corpus.json.

Usage: mkheader.py corpus.json smbsign_interop_corpus.h

The corpus is validated first (check-corpus.py's checks: a malformed entry
is rejected with its name).  Every message, chain and pre-authentication
message goes into one byte pool, written as C string literals (printable
bytes as themselves, the rest as 3-digit octal escapes) to keep the source
small; the tables refer to it by offset and length.
"""

import importlib.util
import os
import sys

import smbcorpus as sc

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_CHAIN = 8
CHUNK = 4096


def load_checker():
    spec = importlib.util.spec_from_file_location(
        "check_corpus", os.path.join(HERE, "check-corpus.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Pool:
    def __init__(self):
        self.data = bytearray()
        self.index = {}

    def add(self, b):
        b = bytes(b)
        if b in self.index:
            return self.index[b]
        off = len(self.data)
        self.data += b
        self.index[b] = off
        return off


def c_bytes(b, indent="\t"):
    parts = ["0x%02x," % x for x in b]
    lines = []
    for i in range(0, len(parts), 12):
        lines.append(indent + " ".join(parts[i:i + 12]))
    return "{\n" + "\n".join(lines) + "\n" + indent[:-1] + "}"


def c_str_pool(data, width=64, indent="\t"):
    out = []
    cur = ""
    for x in data:
        ch = chr(x)
        if 0x20 <= x < 0x7f and ch not in '"\\?':
            piece = ch
        else:
            piece = "\\%03o" % x
        if len(cur) + len(piece) > width:
            out.append('%s"%s"' % (indent, cur))
            cur = ""
        cur += piece
    if cur or not out:
        out.append('%s"%s"' % (indent, cur))
    return "\n".join(out)


def cstr(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 1
    chk = load_checker()
    try:
        corpus = chk.load(sys.argv[1])
        for s in corpus["sessions"]:
            chk.check_session(s)
        sess_map = {s["name"]: chk.check_session(s)
                    for s in corpus["sessions"]}
        for m in corpus["messages"]:
            ok, _cell = chk.check_message(m, sess_map)
            if not ok:
                raise chk.Bad("message %r does not verify" % m["name"])
        for ch in corpus["chains"]:
            if not chk.check_chain(ch, sess_map):
                raise chk.Bad("chain %r does not verify" % ch["name"])
    except chk.Bad as e:
        print("mkheader.py: error: %s" % e, file=sys.stderr)
        return 1

    pool = Pool()
    sidx = {s["name"]: i for i, s in enumerate(corpus["sessions"])}
    preauth = []
    sess_rows = []
    for s in corpus["sessions"]:
        first = len(preauth)
        for p in s.get("preauth") or []:
            b = bytes.fromhex(p)
            preauth.append((pool.add(b), len(b)))
        skey = bytes.fromhex(s["session_key"])
        if len(skey) > 16:
            print("mkheader.py: error: session %r: session key longer than "
                  "16 bytes is not supported by the header" % s["name"],
                  file=sys.stderr)
            return 1
        sess_rows.append((s, first, len(preauth) - first, skey))
    chain_rows = []
    cidx = {}
    for ch in corpus["chains"]:
        b = bytes.fromhex(ch["bytes"])
        if len(ch["elements"]) > MAX_CHAIN:
            print("mkheader.py: error: chain %r has more than %d elements"
                  % (ch["name"], MAX_CHAIN), file=sys.stderr)
            return 1
        off = pool.add(b)
        cidx[ch["name"]] = len(chain_rows)
        chain_rows.append((ch, off, len(b)))
    msg_rows = []
    for m in corpus["messages"]:
        b = bytes.fromhex(m["bytes"])
        if m.get("chain") in cidx:
            ch, coff, _clen = chain_rows[cidx[m["chain"]]]
            eoff, elen = ch["elements"][m["chain_index"]]
            if bytes.fromhex(ch["bytes"])[eoff:eoff + elen] != b:
                print("mkheader.py: error: message %r is not element %d of "
                      "chain %r" % (m["name"], m["chain_index"],
                                    m["chain"]), file=sys.stderr)
                return 1
            off = coff + eoff
        else:
            off = pool.add(b)
        msg_rows.append((m, off, len(b)))

    o = []
    w = o.append
    w("/* SPDX-License-Identifier: GPL-2.0 */")
    w("/*")
    w(" * Samba interoperability corpus for the smbsign_interop KUnit suite.")
    w(" *")
    w(" * GENERATED FILE, do not edit: tools/testing/interop/gen-corpus.sh")
    w(" * (mkheader.py) writes it from tools/testing/interop/corpus/"
      "corpus.json.")
    w(" * Samba %s, generated %s." % (corpus["samba_version"],
                                     corpus["generated"]))
    w(" * %d sessions, %d signed messages, %d compound chains, %d bytes."
      % (len(sess_rows), len(msg_rows), len(chain_rows), len(pool.data)))
    w(" */")
    w("#ifndef _SMBSIGN_INTEROP_CORPUS_H")
    w("#define _SMBSIGN_INTEROP_CORPUS_H")
    w("")
    w("#include <linux/types.h>")
    w("")
    w("#define SMBSIGN_INTEROP_SAMBA_VERSION %s" %
      cstr(corpus["samba_version"]))
    w("#define SMBSIGN_INTEROP_GENERATED %s" % cstr(corpus["generated"]))
    w("#define SMBSIGN_INTEROP_MAX_CHAIN %d" % MAX_CHAIN)
    w("")
    w("struct smbsign_interop_blob {")
    w("\tu32 off;")
    w("\tu32 len;")
    w("};")
    w("")
    w("struct smbsign_interop_session {")
    w("\tconst char *name;")
    w("\tu16 dialect;")
    w("\tu16 alg;")
    w("\tu8 session_key_len;")
    w("\tu8 session_key[16];")
    w("\tu8 signing_key[16];")
    w("\tu8 preauth_hash[64];")
    w("\tu16 preauth_first;")
    w("\tu16 preauth_count;")
    w("};")
    w("")
    w("struct smbsign_interop_msg {")
    w("\tconst char *name;")
    w("\tu16 session;")
    w("\tu16 command;")
    w("\tu32 flags;")
    w("\tu64 message_id;")
    w("\tu32 off;")
    w("\tu32 len;")
    w("\tu8 sig[16];")
    w("\ts16 chain;")
    w("\tu16 chain_index;")
    w("};")
    w("")
    w("struct smbsign_interop_chain {")
    w("\tconst char *name;")
    w("\tu16 session;")
    w("\tu16 nelem;")
    w("\tu32 off;")
    w("\tu32 len;")
    w("\tstruct smbsign_interop_blob elem[SMBSIGN_INTEROP_MAX_CHAIN];")
    w("};")
    w("")
    # The pool is one struct of CHUNK-byte u8 arrays, each initialized by
    # its own string literal: sparse refuses string literals longer than
    # 8191 bytes, and u8 arrays are never padded, so the struct is one
    # contiguous byte string (the suite checks its size).
    chunks = [pool.data[i:i + CHUNK] for i in range(0, len(pool.data), CHUNK)]
    w("#define SMBSIGN_INTEROP_POOL_LEN %d" % len(pool.data))
    w("")
    w("static const struct {")
    for i, ch in enumerate(chunks):
        w("\tu8 c%d[%d] __nonstring;" % (i, len(ch)))
    w("} smbsign_interop_pool_chunks = {")
    for i, ch in enumerate(chunks):
        w("\t.c%d =" % i)
        w(c_str_pool(ch, indent="\t\t") + ",")
    w("};")
    w("")
    w("#define smbsign_interop_pool \\")
    w("\t((const u8 *)&smbsign_interop_pool_chunks)")
    w("")
    w("static const struct smbsign_interop_blob smbsign_interop_preauth[] "
      "= {")
    for off, n in preauth:
        w("\t{ %d, %d }," % (off, n))
    if not preauth:
        w("\t{ 0, 0 },")
    del chunks
    w("};")
    w("")
    w("static const struct smbsign_interop_session "
      "smbsign_interop_sessions[] = {")
    for s, first, count, skey in sess_rows:
        pah = bytes.fromhex(s["preauth_hash"]) if s.get("preauth_hash") \
            else bytes(64)
        w("\t{")
        w("\t\t.name = %s," % cstr(s["name"]))
        w("\t\t.dialect = 0x%04x," % int(s["dialect"], 0))
        w("\t\t.alg = %d," % s["alg"])
        w("\t\t.session_key_len = %d," % len(skey))
        w("\t\t.session_key = %s," % c_bytes(skey.ljust(16, b"\0"),
                                             "\t\t\t"))
        w("\t\t.signing_key = %s," %
          c_bytes(bytes.fromhex(s["signing_key"]), "\t\t\t"))
        w("\t\t.preauth_hash = %s," % c_bytes(pah, "\t\t\t"))
        w("\t\t.preauth_first = %d," % first)
        w("\t\t.preauth_count = %d," % count)
        w("\t},")
    w("};")
    w("")
    w("static const struct smbsign_interop_msg smbsign_interop_msgs[] = {")
    for m, off, n in msg_rows:
        w("\t{")
        w("\t\t.name = %s," % cstr(m["name"]))
        w("\t\t.session = %d," % sidx[m["session"]])
        w("\t\t.command = 0x%04x," % m["command"])
        w("\t\t.flags = %s," % m["flags"])
        w("\t\t.message_id = %dULL," % m["message_id"])
        w("\t\t.off = %d," % off)
        w("\t\t.len = %d," % n)
        w("\t\t.sig = %s," % c_bytes(bytes.fromhex(m["signature"]),
                                     "\t\t\t"))
        w("\t\t.chain = %d," % (cidx[m["chain"]] if m.get("chain") in cidx
                                else -1))
        w("\t\t.chain_index = %d," % (m.get("chain_index") or 0))
        w("\t},")
    w("};")
    w("")
    w("static const struct smbsign_interop_chain smbsign_interop_chains[] "
      "= {")
    for ch, off, n in chain_rows:
        w("\t{")
        w("\t\t.name = %s," % cstr(ch["name"]))
        w("\t\t.session = %d," % sidx[ch["session"]])
        w("\t\t.nelem = %d," % len(ch["elements"]))
        w("\t\t.off = %d," % off)
        w("\t\t.len = %d," % n)
        w("\t\t.elem = {")
        for eo, el in ch["elements"]:
            w("\t\t\t{ %d, %d }," % (eo, el))
        w("\t\t},")
        w("\t},")
    w("};")
    w("")
    w("#endif /* _SMBSIGN_INTEROP_CORPUS_H */")
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(o) + "\n")
    os.replace(tmp, sys.argv[2])
    print("mkheader: %s: %d sessions, %d messages, %d chains, pool %d bytes"
          % (sys.argv[2], len(sess_rows), len(msg_rows), len(chain_rows),
             len(pool.data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
