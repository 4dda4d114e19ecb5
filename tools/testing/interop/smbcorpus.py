# SPDX-License-Identifier: GPL-2.0
"""Helpers for the smbsign Samba interoperability corpus.

Pure Python 3 plus python3-cryptography.  Used by extract.py (pcap ->
corpus.json), check-corpus.py (verify a corpus) and mkheader.py
(corpus.json -> kunit/smbsign_interop_corpus.h).

Nothing here is kernel code: MD4 and RC4 are implemented by hand only
because OpenSSL 3 no longer offers them, and they are needed to recompute
the NTLMv2 session key of SMB 2.0.2/2.1 sessions (Samba does not log it).
"""

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HDR_SIZE = 64
SIG_OFF = 48
SIG_SIZE = 16

FLAG_SERVER_TO_REDIR = 0x1
FLAG_ASYNC = 0x2
FLAG_RELATED = 0x4
FLAG_SIGNED = 0x8

CMD_NEGOTIATE = 0x0
CMD_SESSION_SETUP = 0x1
CMD_CANCEL = 0xc

ALG_HMAC = 0
ALG_CMAC = 1
ALG_GMAC = 2
ALG_NAMES = {ALG_HMAC: "hmac-sha256", ALG_CMAC: "aes-cmac",
             ALG_GMAC: "aes-gmac"}
DIALECTS = {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2",
            0x0311: "3.1.1"}

COMMANDS = ["NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT",
            "TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE",
            "LOCK", "IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY",
            "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK"]


class CorpusError(Exception):
    """A malformed capture or corpus entry; the message names it."""


def cmd_name(cmd):
    return COMMANDS[cmd] if cmd < len(COMMANDS) else "CMD_0x%04x" % cmd


def default_alg(dialect):
    return ALG_HMAC if dialect < 0x0300 else ALG_CMAC


# ---------------------------------------------------------------- header ---

class Hdr:
    """The fields of a 64-byte SMB2 header that the corpus cares about."""

    def __init__(self, buf):
        if len(buf) < HDR_SIZE or buf[:4] != b"\xfeSMB":
            raise CorpusError("not an SMB2 message")
        self.command = struct.unpack_from("<H", buf, 12)[0]
        self.status = struct.unpack_from("<I", buf, 8)[0]
        self.flags = struct.unpack_from("<I", buf, 16)[0]
        self.next_command = struct.unpack_from("<I", buf, 20)[0]
        self.message_id = struct.unpack_from("<Q", buf, 24)[0]
        self.session_id = struct.unpack_from("<Q", buf, 40)[0]
        self.signature = bytes(buf[SIG_OFF:SIG_OFF + SIG_SIZE])

    @property
    def is_response(self):
        return bool(self.flags & FLAG_SERVER_TO_REDIR)

    @property
    def is_signed(self):
        return bool(self.flags & FLAG_SIGNED)


def split_chain(frame):
    """Split one transport frame into its compound elements.

    Returns a list of (offset, length); a non-final element spans exactly
    NextCommand bytes (its padding included), the final one runs to the end
    of the frame.
    """
    out = []
    off = 0
    while True:
        if len(frame) - off < HDR_SIZE:
            raise CorpusError("compound element at %d shorter than header"
                              % off)
        h = Hdr(frame[off:])
        if h.next_command == 0:
            out.append((off, len(frame) - off))
            return out
        if h.next_command % 8 or off + h.next_command + HDR_SIZE > len(frame):
            raise CorpusError("bad NextCommand %d at %d" %
                              (h.next_command, off))
        out.append((off, h.next_command))
        off += h.next_command


# ------------------------------------------------------------------ MACs ---

def gmac_nonce(msg):
    h = Hdr(msg)
    role = 1 if h.flags & FLAG_SERVER_TO_REDIR else 0
    if h.command == CMD_CANCEL:
        role |= 2
    return struct.pack("<QI", h.message_id, role)


def compute_signature(alg, key, msg):
    """Signature of msg (signature field treated as zero)."""
    if len(key) != 16:
        raise CorpusError("signing key must be 16 bytes, got %d" % len(key))
    m = bytearray(msg)
    m[SIG_OFF:SIG_OFF + SIG_SIZE] = bytes(SIG_SIZE)
    m = bytes(m)
    if alg == ALG_HMAC:
        return hmac.new(key, m, hashlib.sha256).digest()[:16]
    if alg == ALG_CMAC:
        c = cmac.CMAC(algorithms.AES(key))
        c.update(m)
        return c.finalize()
    if alg == ALG_GMAC:
        return AESGCM(key).encrypt(gmac_nonce(msg), b"", m)
    raise CorpusError("unknown signing algorithm %r" % alg)


# ------------------------------------------------------------------- KDF ---

def kdf(ki, label, context, length=16):
    data = (struct.pack(">I", 1) + label + b"\x00" + context +
            struct.pack(">I", length * 8))
    return hmac.new(ki, data, hashlib.sha256).digest()[:length]


def pad_session_key(sk):
    return (bytes(sk) + bytes(16))[:16]


def derive_signing_key(dialect, session_key, preauth_hash=None):
    sk = pad_session_key(session_key)
    if dialect < 0x0300:
        return sk
    if dialect < 0x0311:
        return kdf(sk, b"SMB2AESCMAC\x00", b"SmbSign\x00")
    if preauth_hash is None or len(preauth_hash) != 64:
        raise CorpusError("3.1.1 key derivation needs a 64-byte preauth hash")
    return kdf(sk, b"SMBSigningKey\x00", preauth_hash)


def preauth_hash(messages):
    h = bytes(64)
    for m in messages:
        h = hashlib.sha512(h + m).digest()
    return h


# ------------------------------------------------------ MD4, RC4, NTLMv2 ---

def md4(data):
    """RFC 1320 MD4 (OpenSSL 3 removed it from the default provider)."""
    def f(x, y, z):
        return (x & y) | (~x & z)

    def g(x, y, z):
        return (x & y) | (x & z) | (y & z)

    def h(x, y, z):
        return x ^ y ^ z

    def rol(v, s):
        v &= 0xffffffff
        return ((v << s) | (v >> (32 - s))) & 0xffffffff

    msg = bytearray(data)
    bitlen = (8 * len(data)) & 0xffffffffffffffff
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", bitlen)
    a, b, c, d = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack_from("<16I", msg, off)
        aa, bb, cc, dd = a, b, c, d
        for i in range(16):
            s = [3, 7, 11, 19][i % 4]
            if i % 4 == 0:
                a = rol(a + f(b, c, d) + x[i], s)
            elif i % 4 == 1:
                d = rol(d + f(a, b, c) + x[i], s)
            elif i % 4 == 2:
                c = rol(c + f(d, a, b) + x[i], s)
            else:
                b = rol(b + f(c, d, a) + x[i], s)
        for i in range(16):
            j = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15][i]
            s = [3, 5, 9, 13][i % 4]
            if i % 4 == 0:
                a = rol(a + g(b, c, d) + x[j] + 0x5a827999, s)
            elif i % 4 == 1:
                d = rol(d + g(a, b, c) + x[j] + 0x5a827999, s)
            elif i % 4 == 2:
                c = rol(c + g(d, a, b) + x[j] + 0x5a827999, s)
            else:
                b = rol(b + g(c, d, a) + x[j] + 0x5a827999, s)
        for i in range(16):
            j = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15][i]
            s = [3, 9, 11, 15][i % 4]
            if i % 4 == 0:
                a = rol(a + h(b, c, d) + x[j] + 0x6ed9eba1, s)
            elif i % 4 == 1:
                d = rol(d + h(a, b, c) + x[j] + 0x6ed9eba1, s)
            elif i % 4 == 2:
                c = rol(c + h(d, a, b) + x[j] + 0x6ed9eba1, s)
            else:
                b = rol(b + h(c, d, a) + x[j] + 0x6ed9eba1, s)
        a = (a + aa) & 0xffffffff
        b = (b + bb) & 0xffffffff
        c = (c + cc) & 0xffffffff
        d = (d + dd) & 0xffffffff
    return struct.pack("<4I", a, b, c, d)


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xff
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xff
        j = (j + s[i]) & 0xff
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 0xff])
    return bytes(out)


NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000


def find_ntlmssp(buf, msg_type):
    """Find an NTLMSSP message of msg_type inside a (SPNEGO) blob."""
    pos = 0
    while True:
        pos = buf.find(b"NTLMSSP\x00", pos)
        if pos < 0:
            return None
        if len(buf) >= pos + 12 and \
                struct.unpack_from("<I", buf, pos + 8)[0] == msg_type:
            return bytes(buf[pos:])
        pos += 8


def _ntlm_field(msg, off):
    length, _maxlen, boff = struct.unpack_from("<HHI", msg, off)
    if boff + length > len(msg):
        raise CorpusError("NTLMSSP field at %d out of range" % off)
    return msg[boff:boff + length]


def ntlm_challenge(chal_msg):
    return chal_msg[24:32]


def ntlmv2_session_key(auth_msg, server_challenge, password):
    """Exported session key of an NTLMv2 AUTHENTICATE message (MS-NLMP)."""
    nt_resp = _ntlm_field(auth_msg, 20)
    domain = _ntlm_field(auth_msg, 28).decode("utf-16-le")
    user = _ntlm_field(auth_msg, 36).decode("utf-16-le")
    enc_key = _ntlm_field(auth_msg, 52)
    flags = struct.unpack_from("<I", auth_msg, 60)[0]
    if len(nt_resp) <= 24:
        raise CorpusError("not an NTLMv2 response (len %d)" % len(nt_resp))
    nt_hash = md4(password.encode("utf-16-le"))
    owf = hmac.new(nt_hash, (user.upper() + domain).encode("utf-16-le"),
                   hashlib.md5).digest()
    proof, temp = nt_resp[:16], nt_resp[16:]
    expect = hmac.new(owf, server_challenge + temp, hashlib.md5).digest()
    if expect != proof:
        raise CorpusError("NTProofStr mismatch for user %r domain %r: wrong "
                          "password?" % (user, domain))
    base = hmac.new(owf, proof, hashlib.md5).digest()
    if flags & NTLMSSP_NEGOTIATE_KEY_EXCH and len(enc_key) == 16:
        return rc4(base, enc_key), user, domain
    return base, user, domain


# ------------------------------------------------- negotiate / sess setup ---

def negotiate_response_info(msg):
    """(dialect, signing alg or None) from a NEGOTIATE response."""
    body = HDR_SIZE
    dialect = struct.unpack_from("<H", msg, body + 4)[0]
    alg = None
    if dialect == 0x0311:
        count = struct.unpack_from("<H", msg, body + 6)[0]
        off = struct.unpack_from("<I", msg, body + 60)[0]
        for _ in range(count):
            off = (off + 7) & ~7
            ctype, dlen = struct.unpack_from("<HH", msg, off)
            data = msg[off + 8:off + 8 + dlen]
            if ctype == 0x0008:
                n = struct.unpack_from("<H", data, 0)[0]
                if n != 1:
                    raise CorpusError("server chose %d signing algs" % n)
                alg = struct.unpack_from("<H", data, 2)[0]
            off += 8 + dlen
    return dialect, alg


SESSION_FLAG_BINDING = 0x01


def session_setup_binding(msg):
    """True if a SESSION_SETUP request binds a new channel to an existing
    session (MS-SMB2 2.2.5: Flags, SMB2_SESSION_FLAG_BINDING)."""
    return len(msg) > HDR_SIZE + 2 and \
        bool(msg[HDR_SIZE + 2] & SESSION_FLAG_BINDING)


def security_blob(msg, is_response):
    body = HDR_SIZE
    if is_response:
        off, length = struct.unpack_from("<HH", msg, body + 4)
    else:
        off, length = struct.unpack_from("<HH", msg, body + 12)
    return msg[off:off + length]


# ------------------------------------------------------------------ pcap ---

def read_pcap(path):
    """Yield (ts, src, sport, dst, dport, seq, ack, flags, payload)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise CorpusError("%s: truncated pcap" % path)
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = "<"
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        end = ">"
    else:
        raise CorpusError("%s: not a classic pcap file" % path)
    linktype = struct.unpack_from(end + "I", data, 20)[0]
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack_from(end + "IIII", data, off)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if linktype == 1:            # Ethernet
            etype = struct.unpack_from(">H", pkt, 12)[0]
            l3 = 14
        elif linktype == 113:        # Linux cooked
            etype = struct.unpack_from(">H", pkt, 14)[0]
            l3 = 16
        elif linktype == 276:        # Linux cooked v2
            etype = struct.unpack_from(">H", pkt, 0)[0]
            l3 = 20
        elif linktype in (0, 108):   # BSD loopback
            etype = 0x0800
            l3 = 4
        elif linktype == 101:        # raw IP
            etype = 0x0800
            l3 = 0
        else:
            raise CorpusError("%s: unsupported link type %d" %
                              (path, linktype))
        if etype != 0x0800 or len(pkt) < l3 + 20:
            continue
        ihl = (pkt[l3] & 0xf) * 4
        if pkt[l3 + 9] != 6:
            continue
        tot = struct.unpack_from(">H", pkt, l3 + 2)[0]
        src = ".".join(str(b) for b in pkt[l3 + 12:l3 + 16])
        dst = ".".join(str(b) for b in pkt[l3 + 16:l3 + 20])
        tcp = l3 + ihl
        sport, dport, seq = struct.unpack_from(">HHI", pkt, tcp)
        thl = (pkt[tcp + 12] >> 4) * 4
        ack = struct.unpack_from(">I", pkt, tcp + 8)[0]
        tflags = pkt[tcp + 13]
        payload = pkt[tcp + thl:l3 + tot]
        yield (sec + usec / 1e6, src, sport, dst, dport, seq, ack, tflags,
               bytes(payload))


def tcp_streams(path, port):
    """Reassemble both directions of every TCP connection on port.

    Returns a list of connections, each a dict with 'c2s' and 's2c' lists
    of (ts, frame_bytes) NetBIOS-framed messages in stream order.
    """
    flows = {}
    for ts, src, sport, dst, dport, seq, ack, tfl, payload in \
            read_pcap(path):
        if port not in (sport, dport):
            continue
        key = (src, sport, dst, dport)
        fl = flows.setdefault(key, {"isn": None, "segs": [],
                                    "first_ack": None})
        if tfl & 0x02:              # SYN
            fl["isn"] = (seq + 1) & 0xffffffff
        elif tfl & 0x10 and fl["first_ack"] is None:
            fl["first_ack"] = ack   # = peer's ISN + 1
        if payload:
            fl["segs"].append((ts, seq, payload))
    for (src, sport, dst, dport), fl in flows.items():
        rev = flows.get((dst, dport, src, sport))
        if fl["isn"] is None and rev is not None and \
                rev["first_ack"] is not None:
            fl["isn"] = rev["first_ack"]    # SYN missed by the capture
    conns = {}
    for (src, sport, dst, dport), fl in flows.items():
        if fl["isn"] is None:
            raise CorpusError("%s: connection %s:%d->%s:%d has no SYN "
                              "(capture started late?)" %
                              (path, src, sport, dst, dport))
        buf = bytearray()
        ends = []                   # (stream_end_offset, ts)
        for ts, seq, payload in fl["segs"]:
            rel = (seq - fl["isn"]) & 0xffffffff
            if rel > len(buf):
                raise CorpusError("%s: gap in TCP stream %s:%d" %
                                  (path, src, sport))
            end = rel + len(payload)
            if end > len(buf):
                buf[rel:] = payload
                ends.append((end, ts))
        frames = []
        off = 0
        while off + 4 <= len(buf):
            length = struct.unpack_from(">I", buf, off)[0] & 0xffffff
            if off + 4 + length > len(buf):
                raise CorpusError("%s: truncated NetBIOS frame" % path)
            fend = off + 4 + length
            ts = next((t for e, t in ends if e >= fend), ends[-1][1])
            frames.append((ts, bytes(buf[off + 4:fend])))
            off = fend
        if sport == port:
            cid = (dst, dport)
            conns.setdefault(cid, {})["s2c"] = frames
        else:
            cid = (src, sport)
            conns.setdefault(cid, {})["c2s"] = frames
    out = []
    for cid in sorted(conns, key=lambda c: c[1]):
        c = conns[cid]
        c.setdefault("c2s", [])
        c.setdefault("s2c", [])
        c["client_port"] = cid[1]
        out.append(c)
    return out


# ------------------------------------------------------------ Samba logs ---

def parse_samba_key_dump(text):
    """Parse 'debug encryption' dumps: {session_id: {...}}."""
    out = {}
    lines = text.splitlines()

    def hexbytes(line, n):
        rest = line.split("]", 1)[1].split()
        return bytes.fromhex("".join(rest[:n]))

    i = 0
    while i < len(lines):
        if "debug encryption: dumping generated session keys" in lines[i]:
            ent = {}
            j = i + 1
            while j < len(lines) and j < i + 20:
                s = lines[j].strip()
                if s.startswith("Session Id"):
                    ent["session_id"] = struct.unpack(
                        "<Q", hexbytes(s, 8))[0]
                elif s.startswith("Session Key"):
                    ent["session_key"] = hexbytes(s, 16)
                elif s.startswith("Signing Algo:"):
                    ent["alg"] = int(s.split(":")[1])
                elif s.startswith("Signing Key"):
                    ent["signing_key"] = hexbytes(s, 16)
                elif s.startswith("[") or s.startswith("debug"):
                    break
                j += 1
            if "session_id" in ent:
                out.setdefault(ent["session_id"], []).append(ent)
            i = j
        else:
            i += 1
    return out
