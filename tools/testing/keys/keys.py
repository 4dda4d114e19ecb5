#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The byte patterns of smbsign_keytest's key material, for smbsign-keyscan.

Reads keytest.h (the session key, the pre-auth hash and the expected
signing keys), derives the SMB 3.0 and 3.1.1 signing keys again with the
SP 800-108 counter-mode KDF ([MS-SMB2] 3.1.4.2) and fails if they differ
from the header's.  Prints one "name hex" line per secret: the session key
(the SMB 2.x signing key and the KDF's input), the derived signing keys,
and what a key schedule keeps of them: the HMAC-SHA256 key blocks XORed
with ipad and opad (first 16 bytes) and, through `openssl enc` when it is
installed, the AES-CMAC subkeys L = AES(K, 0) (also the AES-GMAC hash key
H), K1 and K2 of each signing key.

    keys.py keytest.h > keys.txt
"""

import hashlib
import hmac
import re
import subprocess
import sys


def arrays(text):
    out = {}
    for name, body in re.findall(r'static const u8 (\w+)\[\] = \{([^}]*)\}',
                                 text):
        out[name] = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})',
                                                         body))
    return out


def kdf(ki, label, context):
    data = b'\0\0\0\1' + label + b'\0' + context + b'\0\0\0\x80'
    return hmac.new(ki, data, hashlib.sha256).digest()[:16]


def aes_zero(key):
    try:
        p = subprocess.run(['openssl', 'enc', '-aes-128-ecb', '-nopad',
                            '-K', key.hex()], input=bytes(16),
                           capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return p.stdout[:16] if len(p.stdout) >= 16 else None


def dbl(block):
    n = int.from_bytes(block, 'big') << 1
    if n >> 128:
        n = (n & ((1 << 128) - 1)) ^ 0x87
    return n.to_bytes(16, 'big')


def main():
    a = arrays(open(sys.argv[1]).read())
    sk, pa = a['kt_session_key'], a['kt_preauth']
    k300 = kdf(sk, b'SMB2AESCMAC\0', b'SmbSign\0')
    k311 = kdf(sk, b'SMBSigningKey\0', pa)
    if k300 != a['kt_key_300'] or k311 != a['kt_key_311']:
        sys.exit('keys.py: the KDF does not give keytest.h\'s signing keys')
    pats = [('session-key', sk), ('signing-key-3.0', k300),
            ('signing-key-3.1.1', k311)]
    for name, k in (('session-key', sk), ('signing-key-3.1.1', k311)):
        pats.append((name + '^ipad', bytes(x ^ 0x36 for x in k)))
        pats.append((name + '^opad', bytes(x ^ 0x5c for x in k)))
    for name, k in (('signing-key-3.0', k300), ('signing-key-3.1.1', k311)):
        l = aes_zero(k)
        if l is None:
            print('# no openssl: AES-derived subkeys not searched')
            continue
        k1 = dbl(l)
        pats += [(name + '-L/H', l), (name + '-K1', k1),
                 (name + '-K2', dbl(k1))]
    for name, b in pats:
        print(name, b.hex())


if __name__ == '__main__':
    main()
