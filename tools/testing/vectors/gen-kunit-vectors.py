#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generate kunit/smbsign_vectors.h from the JSON vectors in this directory.

Usage:
    gen-kunit-vectors.py [-o OUT]      write the header (default: the repo's
                                        kunit/smbsign_vectors.h)
    gen-kunit-vectors.py --check       exit 1 if the committed header differs
                                        from what the JSON files generate
    gen-kunit-vectors.py --stdout      print the header

Only the standard library is needed.  Every vector the smbsign API can
express is emitted; the ones it cannot are listed in a comment at the top of
the header with the reason.  Values marked "computed" in the JSON keep that
mark (the .computed field and a "computed:" prefix in the description).
"""
import argparse
import hashlib
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "kunit", "smbsign_vectors.h")

DIALECTS = {"2.0.2": "SMBSIGN_DIALECT_2_0_2", "2.1": "SMBSIGN_DIALECT_2_1",
            "3.0": "SMBSIGN_DIALECT_3_0", "3.0.2": "SMBSIGN_DIALECT_3_0_2",
            "3.1.1": "SMBSIGN_DIALECT_3_1_1"}

LABELS_311 = {
    "SigningKey": b"SMBSigningKey\x00",
    "Channel.SigningKey": b"SMBSigningKey\x00",
    "ApplicationKey": b"SMBAppKey\x00",
    "EncryptionKey": b"SMBC2SCipherKey\x00",
    "DecryptionKey": b"SMBS2CCipherKey\x00",
}
SIGNING_LABELS = (b"SMB2AESCMAC\x00", b"SMBSigningKey\x00")

# KUnit parameter descriptions are at most KUNIT_PARAM_DESC_SIZE (128) bytes.
DESC_MAX = 100


def load(fname):
    with open(os.path.join(HERE, fname), encoding="utf-8") as f:
        return json.load(f)


def unhex(s):
    return bytes.fromhex("".join(s.split()))


def cstr(s):
    """A C string literal; '#' is avoided because KTAP reads it as a directive."""
    s = s.replace("#", "no. ").replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s + '"'


def desc(name):
    name = name.replace("#", "no. ")
    if len(name) <= DESC_MAX:
        return name
    cut = name[:DESC_MAX - 3].rsplit(" ", 1)[0]
    return cut + "..."


class Out:
    def __init__(self):
        self.arrays = []
        self.body = []
        self.n = 0

    def bytes_ref(self, data, hint):
        """Emit data as a static array and return (expression, length)."""
        if not data:
            return '(const u8 *)""', 0
        self.n += 1
        name = "smbsign_v%d_%s" % (self.n, hint)
        self.arrays.append("static const u8 %s[] = {\n%s\n};\n"
                           % (name, hexlines(data, "\t")))
        return name, len(data)

    def w(self, line=""):
        self.body.append(line)


def hexlines(data, indent, per=12):
    lines = []
    for i in range(0, len(data), per):
        chunk = data[i:i + per]
        lines.append(indent + " ".join("0x%02x," % b for b in chunk))
    return "\n".join(lines)


def inline(data, indent="\t\t"):
    """An inline initializer for a fixed-size u8 array member."""
    return "{\n%s\n%s}" % (hexlines(data, indent + "\t", 8), indent)


def src_of(t, default):
    return t.get("source", default)


# ----------------------------------------------------------------- families

def gen_cmac(o, skipped):
    d = load("cmac.json")
    key = unhex(d["key"])
    kref, _ = o.bytes_ref(key, "cmac_key")
    skipped.append("cmac.json subkeys L, K1, K2: intermediate values, not "
                   "observable through the API (the four MACs depend on them)")
    o.w("static const struct smbsign_vec_mac smbsign_vec_cmac[] = {")
    for t in d["tests"]:
        msg = unhex(t["msg"])
        mref, mlen = o.bytes_ref(msg, "cmac_msg")
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(t["name"])))
        o.w("\t\t.source = %s," % cstr(d["source"]))
        o.w("\t\t.key = %s," % kref)
        o.w("\t\t.key_len = %d," % len(key))
        o.w("\t\t.data = %s," % mref)
        o.w("\t\t.data_len = %d," % mlen)
        o.w("\t\t.mac = %s," % inline(unhex(t["mac"])))
        o.w("\t},")
    o.w("};")
    o.w()


def gen_hmac(o, skipped):
    d = load("hmac_sha256.json")
    o.w("static const struct smbsign_vec_mac smbsign_vec_hmac[] = {")
    full = []
    for t in d["tests"]:
        key = unhex(t["key"])
        data = unhex(t["data"])
        mac = unhex(t["mac"])
        kref, klen = o.bytes_ref(key, "hmac_key")
        dref, dlen = o.bytes_ref(data, "hmac_data")
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(t["name"])))
        o.w("\t\t.source = %s," % cstr(d["source"]))
        o.w("\t\t.key = %s," % kref)
        o.w("\t\t.key_len = %d," % klen)
        o.w("\t\t.data = %s," % dref)
        o.w("\t\t.data_len = %d," % dlen)
        o.w("\t\t/* leftmost 16 of the %d published bytes */" % len(mac))
        o.w("\t\t.mac = %s," % inline(mac[:16]))
        o.w("\t},")
        if len(mac) > 16:
            full.append(t["name"].split(" (")[0].split()[-1])
    o.w("};")
    skipped.append("RFC 4231 Test Cases %s: bytes 16..31 of the MAC (the "
                   "API yields the 16-byte truncation SMB uses)"
                   % ", ".join(full))
    o.w()


def gen_stream(seed, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed + struct.pack(">I", i)).digest()
        i += 1
    return out[:n]


def gen_gmac(o, skipped):
    d = load("gmac.json")
    o.w("static const struct smbsign_vec_mac smbsign_vec_gmac[] = {")
    for t in d["tests"]:
        if not t.get("gmac") or unhex(t["plaintext"]):
            skipped.append("%s: has plaintext (full GCM, not GMAC; the API "
                           "only authenticates)" % t["name"])
            continue
        key = unhex(t["key"])
        kref, klen = o.bytes_ref(key, "gmac_key")
        computed = t["status"] == "computed"
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(t["name"])))
        o.w("\t\t.source = %s," % cstr(t["source"]))
        o.w("\t\t.computed = %s," % ("true" if computed else "false"))
        o.w("\t\t.key = %s," % kref)
        o.w("\t\t.key_len = %d," % klen)
        if "aad" in t:
            aref, alen = o.bytes_ref(unhex(t["aad"]), "gmac_aad")
            o.w("\t\t.data = %s," % aref)
            o.w("\t\t.data_len = %d," % alen)
        else:
            seed = t["aad_seed_ascii"]
            aad = gen_stream(seed.encode("ascii"), t["aad_len"])
            if hashlib.sha256(aad).hexdigest() != t["aad_sha256"].lower():
                sys.exit("gmac.json: %s: generated AAD does not match "
                         "aad_sha256" % t["name"])
            o.w("\t\t/* AAD regenerated by the test: %s */"
                % t["aad_generator"].split(":")[0])
            o.w("\t\t.data_seed = %s," % cstr(seed))
            o.w("\t\t.data_len = %d," % t["aad_len"])
            o.w("\t\t.data_sha256 = %s," % inline(unhex(t["aad_sha256"])))
        o.w("\t\t.nonce = %s," % inline(unhex(t["iv"])))
        o.w("\t\t.mac = %s," % inline(unhex(t["tag"])))
        o.w("\t},")
        if "H" in t:
            skipped.append("%s: hash subkey H (intermediate value)"
                           % t["name"])
    o.w("};")
    o.w()


def gen_kdf(o, skipped):
    d = load("kdf.json")
    smb = load("smb.json")

    # CAVP: opaque fixed input, so test the PRF step HMAC(KI, [i] || fixed).
    o.w("static const struct smbsign_vec_prf smbsign_vec_kdf_cavp[] = {")
    for t in d["cavp_tests"]:
        ki = unhex(t["ki"])
        fixed = unhex(t["fixed_input"])
        ko = unhex(t["ko"])
        kref, klen = o.bytes_ref(ki, "cavp_ki")
        fref, flen = o.bytes_ref(fixed, "cavp_fixed")
        short = t["name"].split(", ")
        short = "NIST CAVP KDFCTR HMAC_SHA256 " + " ".join(
            s for s in short if s.startswith("COUNT") or s.startswith("L="))
        # K(i) = HMAC(KI, [i]_32 || fixed); ko = K(1) || K(2) || ...
        # The API's raw HMAC yields 16 bytes, so each 32-byte block can be
        # compared on its first min(16, bytes of ko in that block) bytes.
        nblocks = (len(ko) + 31) // 32
        for i in range(1, nblocks + 1):
            part = ko[(i - 1) * 32:(i - 1) * 32 + 16]
            o.w("\t{")
            o.w("\t\t.desc = %s," % cstr(desc("%s, PRF block %d" % (short, i))))
            o.w("\t\t.source = %s," % cstr(t["source"] + "; " + t["name"]))
            o.w("\t\t.ki = %s," % kref)
            o.w("\t\t.ki_len = %d," % klen)
            o.w("\t\t.counter = %d," % i)
            o.w("\t\t.fixed = %s," % fref)
            o.w("\t\t.fixed_len = %d," % flen)
            o.w("\t\t.expect = %s," % inline(part + bytes(16 - len(part))))
            o.w("\t\t.expect_len = %d," % len(part))
            o.w("\t},")
        if len(ko) > 16:
            skipped.append("%s: bytes 16..31 of each PRF block (the API's "
                           "raw HMAC yields 16 bytes)" % short)
    o.w("};")
    o.w()

    rows = []
    for t in d["smb_tests"]:
        rows.append(dict(name=t["name"], source=t["source"],
                         computed=t["status"] == "computed",
                         dialect=t["dialect"], ki=unhex(t["ki"]),
                         label=unhex(t["label"]), context=unhex(t["context"]),
                         ko=unhex(t["ko"])))
    for w in smb["wireshark_keys"]:
        if not w.get("checkable_here"):
            skipped.append("smb.json %s: needs the capture's preauth hash"
                           % w["name"].split(": ")[-1])
            continue
        for which, ctx in (("c2s_key", b"ServerIn \x00"),
                           ("s2c_key", b"ServerOut\x00")):
            rows.append(dict(name="%s %s" % (w["name"], which),
                             source=w["source"], computed=False,
                             dialect="3.0", ki=unhex(w["session_key"]),
                             label=b"SMB2AESCCM\x00", context=ctx,
                             ko=unhex(w[which])))
    o.w("static const struct smbsign_vec_kdf smbsign_vec_kdf_smb[] = {")
    for r in rows:
        kref, klen = o.bytes_ref(r["ki"], "kdf_ki")
        lref, llen = o.bytes_ref(r["label"], "kdf_label")
        cref, clen = o.bytes_ref(r["context"], "kdf_ctx")
        oref, olen = o.bytes_ref(r["ko"], "kdf_ko")
        signing = r["label"] in SIGNING_LABELS and len(r["ko"]) == 16
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(r["name"])))
        o.w("\t\t.source = %s," % cstr(r["source"]))
        o.w("\t\t.computed = %s," % ("true" if r["computed"] else "false"))
        o.w("\t\t.dialect = %s," % DIALECTS[r["dialect"]])
        o.w("\t\t.ki = %s," % kref)
        o.w("\t\t.ki_len = %d," % klen)
        o.w("\t\t.label = %s," % lref)
        o.w("\t\t.label_len = %d," % llen)
        o.w("\t\t.context = %s," % cref)
        o.w("\t\t.context_len = %d," % clen)
        o.w("\t\t.ko = %s," % oref)
        o.w("\t\t.ko_len = %d," % olen)
        o.w("\t\t.signing_key = %s," % ("true" if signing else "false"))
        o.w("\t},")
    o.w("};")
    o.w()


def gen_smb(o, skipped):
    d = load("smb.json")
    chain_keys = {}
    for ci, c in enumerate(d["preauth_chains"]):
        steps = []
        for si, s in enumerate(c["steps"]):
            mref, mlen = o.bytes_ref(unhex(s["message"]), "pa%d_msg" % ci)
            steps.append((s["step"], mref, mlen, unhex(s["hash_after"])))
        o.w("static const struct smbsign_vec_preauth_step "
            "smbsign_vec_preauth%d_steps[] = {" % ci)
        for name, mref, mlen, h in steps:
            o.w("\t{")
            o.w("\t\t.step = %s," % cstr(name))
            o.w("\t\t.msg = %s," % mref)
            o.w("\t\t.len = %d," % mlen)
            o.w("\t\t.hash_after = %s," % inline(h))
            o.w("\t},")
        o.w("};")
        o.w()
        o.w("static const struct smbsign_vec_derived "
            "smbsign_vec_preauth%d_keys[] = {" % ci)
        for kname, kval in c["derived_keys"].items():
            lref, llen = o.bytes_ref(LABELS_311[kname], "label")
            o.w("\t{")
            o.w("\t\t.name = %s," % cstr(kname))
            o.w("\t\t.label = %s," % lref)
            o.w("\t\t.label_len = %d," % llen)
            o.w("\t\t.signing_key = %s,"
                % ("true" if kname.endswith("SigningKey") else "false"))
            o.w("\t\t.key = %s," % inline(unhex(kval)))
            o.w("\t},")
            if kname.endswith("SigningKey"):
                chain_keys[kval.lower()] = ci
        o.w("};")
        o.w()

    o.w("static const struct smbsign_vec_preauth_chain "
        "smbsign_vec_preauth[] = {")
    for ci, c in enumerate(d["preauth_chains"]):
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(c["name"].split(":")[0])))
        o.w("\t\t.source = %s," % cstr(c["source"]))
        o.w("\t\t.initial = %s," % inline(unhex(c["initial_hash"])))
        o.w("\t\t.steps = smbsign_vec_preauth%d_steps," % ci)
        o.w("\t\t.nsteps = ARRAY_SIZE(smbsign_vec_preauth%d_steps)," % ci)
        o.w("\t\t.session_key = %s," % inline(unhex(c["session_key"])))
        o.w("\t\t.keys = smbsign_vec_preauth%d_keys," % ci)
        o.w("\t\t.nkeys = ARRAY_SIZE(smbsign_vec_preauth%d_keys)," % ci)
        o.w("\t},")
    o.w("};")
    o.w()

    o.w("static const struct smbsign_vec_signed smbsign_vec_signed[] = {")
    for s in d["signed_messages"]:
        if s["algorithm"] != "AES-128-CMAC" or s["signature_offset"] != 48:
            sys.exit("smb.json: unexpected signed message %s" % s["name"])
        mref, mlen = o.bytes_ref(unhex(s["message"]), "signed_msg")
        key = s["key"].lower()
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(s["name"])))
        o.w("\t\t.source = %s," % cstr(s["source"]))
        o.w("\t\t.key_is = %s," % cstr(s["key_is"]))
        o.w("\t\t.key = %s," % inline(unhex(key)))
        o.w("\t\t.chain = %d," % chain_keys.get(key, -1))
        o.w("\t\t.msg = %s," % mref)
        o.w("\t\t.len = %d," % mlen)
        o.w("\t\t.sig = %s," % inline(unhex(s["signature"])))
        o.w("\t},")
    o.w("};")
    o.w()

    algs = {"AES-128-GMAC": ("SMBSIGN_ALG_AES_GMAC", "SMBSIGN_DIALECT_3_1_1"),
            "HMAC-SHA256-128": ("SMBSIGN_ALG_HMAC_SHA256",
                                "SMBSIGN_DIALECT_2_1")}
    o.w("static const struct smbsign_vec_resign smbsign_vec_resign[] = {")
    for s in d["computed_signatures"]:
        alg, dialect = algs[s["algorithm"]]
        mref, mlen = o.bytes_ref(unhex(s["message_with_zeroed_signature"]),
                                 "resign_msg")
        o.w("\t{")
        o.w("\t\t.desc = %s," % cstr(desc(s["name"])))
        o.w("\t\t.source = %s," % cstr(s["source"]))
        o.w("\t\t.computed = true,")
        o.w("\t\t.alg = %s," % alg)
        o.w("\t\t.dialect = %s," % dialect)
        o.w("\t\t.key = %s," % inline(unhex(s["key"])))
        o.w("\t\t.msg = %s," % mref)
        o.w("\t\t.len = %d," % mlen)
        if "nonce" in s:
            o.w("\t\t.has_nonce = true,")
            o.w("\t\t.nonce = %s," % inline(unhex(s["nonce"])))
        o.w("\t\t.sig = %s," % inline(unhex(s["signature"])))
        o.w("\t},")
    o.w("};")
    o.w()
    skipped.append("smb.json encryption_examples: AES-CCM/GCM encryption is "
                   "not part of smbsign (their KDF inputs are covered by "
                   "kdf.json's smb_tests)")


STRUCTS = """\
/**
 * struct smbsign_vec_mac - one raw MAC known answer (CMAC, HMAC, GMAC)
 * @desc: short name, used as the KUnit parameter description
 * @source: where the vector was published (or that it was computed)
 * @computed: true if computed by the team, not published
 * @key: MAC key
 * @key_len: length of @key
 * @data: message / AAD; NULL if generated from @data_seed
 * @data_len: length of the message / AAD
 * @data_seed: seed of the SHA-256 counter stream
 *	SHA256(seed || be32(0)) || SHA256(seed || be32(1)) || ... that
 *	makes up the data, truncated to @data_len
 * @data_sha256: SHA-256 of the generated data
 * @nonce: GMAC 12-byte nonce
 * @mac: expected 16-byte MAC (HMAC: leftmost 16 bytes)
 */
struct smbsign_vec_mac {
	const char *desc;
	const char *source;
	bool computed;
	const u8 *key;
	size_t key_len;
	const u8 *data;
	size_t data_len;
	const char *data_seed;
	u8 data_sha256[32];
	u8 nonce[12];
	u8 mac[16];
};

/**
 * struct smbsign_vec_prf - one SP 800-108 PRF step HMAC(KI, [i]_32 || fixed)
 * @desc: short name
 * @source: where the vector was published
 * @ki: key derivation key
 * @ki_len: length of @ki
 * @counter: i
 * @fixed: the CAVP's opaque fixed input
 * @fixed_len: length of @fixed
 * @expect: expected leading bytes of K(i)
 * @expect_len: number of valid bytes in @expect
 */
struct smbsign_vec_prf {
	const char *desc;
	const char *source;
	const u8 *ki;
	size_t ki_len;
	u32 counter;
	const u8 *fixed;
	size_t fixed_len;
	u8 expect[16];
	size_t expect_len;
};

/**
 * struct smbsign_vec_kdf - one SMB key derivation
 * @desc: short name
 * @source: where the vector was published
 * @computed: true if computed by the team, not published
 * @dialect: dialect the derivation belongs to
 * @ki: session key
 * @ki_len: length of @ki
 * @label: label including its NUL
 * @label_len: length of @label
 * @context: context (3.1.1: the 64-byte preauth hash)
 * @context_len: length of @context
 * @ko: expected output
 * @ko_len: length of @ko (L / 8)
 * @signing_key: the signing-key derivation smbsign_derive_signing_key() does
 */
struct smbsign_vec_kdf {
	const char *desc;
	const char *source;
	bool computed;
	u16 dialect;
	const u8 *ki;
	size_t ki_len;
	const u8 *label;
	size_t label_len;
	const u8 *context;
	size_t context_len;
	const u8 *ko;
	size_t ko_len;
	bool signing_key;
};

/**
 * struct smbsign_vec_preauth_step - one message of a preauth hash chain
 * @step: which message
 * @msg: the whole SMB2 message
 * @len: length of @msg
 * @hash_after: SHA-512 chain value after this message
 */
struct smbsign_vec_preauth_step {
	const char *step;
	const u8 *msg;
	size_t len;
	u8 hash_after[64];
};

/**
 * struct smbsign_vec_derived - a key derived from a chain's final hash
 * @name: key name as the source gives it
 * @label: 3.1.1 KDF label including its NUL
 * @label_len: length of @label
 * @signing_key: the key smbsign_derive_signing_key() yields
 * @key: expected key
 */
struct smbsign_vec_derived {
	const char *name;
	const u8 *label;
	size_t label_len;
	bool signing_key;
	u8 key[16];
};

/**
 * struct smbsign_vec_preauth_chain - a full SMB 3.1.1 preauth hash chain
 * @desc: short name
 * @source: where it was published
 * @initial: starting hash (64 zero bytes)
 * @steps: messages in order
 * @nsteps: number of @steps
 * @session_key: session key of the session the chain belongs to
 * @keys: keys derived from the final hash
 * @nkeys: number of @keys
 */
struct smbsign_vec_preauth_chain {
	const char *desc;
	const char *source;
	u8 initial[64];
	const struct smbsign_vec_preauth_step *steps;
	size_t nsteps;
	u8 session_key[16];
	const struct smbsign_vec_derived *keys;
	size_t nkeys;
};

/**
 * struct smbsign_vec_signed - a published signed SMB2 message (AES-CMAC)
 * @desc: short name
 * @source: where it was published
 * @key_is: which key signs it, as the source says
 * @key: the signing key
 * @chain: index in smbsign_vec_preauth[] of the chain whose derived
 *	signing key is @key, or -1
 * @msg: the message as sent (signature in place)
 * @len: length of @msg
 * @sig: the signature (bytes 48..63 of @msg)
 */
struct smbsign_vec_signed {
	const char *desc;
	const char *source;
	const char *key_is;
	u8 key[16];
	int chain;
	const u8 *msg;
	size_t len;
	u8 sig[16];
};

/**
 * struct smbsign_vec_resign - a computed signature of a published message
 * @desc: short name
 * @source: how it was computed
 * @computed: always true
 * @alg: signing algorithm
 * @dialect: a dialect that signs with @alg
 * @key: signing key
 * @msg: message with bytes 48..63 zeroed
 * @len: length of @msg
 * @has_nonce: @nonce is valid (GMAC)
 * @nonce: expected GMAC nonce
 * @sig: expected signature
 */
struct smbsign_vec_resign {
	const char *desc;
	const char *source;
	bool computed;
	u16 alg;
	u16 dialect;
	u8 key[16];
	const u8 *msg;
	size_t len;
	bool has_nonce;
	u8 nonce[12];
	u8 sig[16];
};
"""


def generate():
    o = Out()
    skipped = []
    gen_cmac(o, skipped)
    gen_hmac(o, skipped)
    gen_gmac(o, skipped)
    gen_kdf(o, skipped)
    gen_smb(o, skipped)
    srcs = " ".join(sorted(f for f in os.listdir(HERE) if f.endswith(".json")))
    head = [
        "/* SPDX-License-Identifier: GPL-2.0 */",
        "/*",
        " * Known-answer vectors for the smbsign KUnit suites.",
        " *",
        " * GENERATED by tools/testing/vectors/gen-kunit-vectors.py from",
        " * tools/testing/vectors/{%s}." % srcs.replace(" ", ","),
        " * Do not edit; rerun the generator (--check verifies this file).",
        " *",
        " * Vectors marked computed (.computed = true, \"computed:\" in .desc)",
        " * were produced by the team, not published.",
        " *",
        " * Not expressible through the smbsign API, hence not here:",
    ]
    for s in skipped:
        words = ("- " + s).split()
        line = " *"
        for wd in words:
            if len(line) + 1 + len(wd) > 78:
                head.append(line)
                line = " *  "
            line += " " + wd
        head.append(line)
    head += [" */", "#ifndef _SMBSIGN_VECTORS_H", "#define _SMBSIGN_VECTORS_H",
             "", "#include <linux/kernel.h>", "#include <linux/types.h>",
             "#include <linux/smbsign.h>", ""]
    text = "\n".join(head) + "\n" + STRUCTS + "\n"
    text += "\n".join(o.arrays) + "\n"
    text += "\n".join(o.body)
    text += "#endif /* _SMBSIGN_VECTORS_H */\n"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true",
                    help="verify that the output file is up to date")
    ap.add_argument("--stdout", action="store_true")
    args = ap.parse_args()
    text = generate()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                cur = f.read()
        except OSError as e:
            print("%s: %s" % (args.output, e), file=sys.stderr)
            return 1
        if cur != text:
            print("%s is out of date; run %s" % (args.output, sys.argv[0]),
                  file=sys.stderr)
            return 1
        print("%s is up to date" % os.path.relpath(args.output, REPO))
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
