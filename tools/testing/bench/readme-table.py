#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The README's performance table: instructions per byte, kvec layout, from
the bench.json of each kernel given (Documentation/perf/<KVER>/bench.json,
written by `make bench`).

    tools/testing/bench/readme-table.py Documentation/perf/{6.1,6.12,7.2}/bench.json
"""
import json
import sys

SIZES = (64, 256, 4096, 65536, 8 << 20)
ROWS = (
    ('AES-128-CMAC', ('smbsign', 'cifs ', 'raw cmac(aes)',
                      'raw lib aes_cmac', 'cbc-floor')),
    ('AES-128-GMAC', ('smbsign', 'raw gcm(aes)')),
    ('HMAC-SHA256', ('smbsign', 'cifs ', 'raw hmac(sha256)')),
)


def human(n):
    return f'{n >> 20} MiB' if n >= 1 << 20 else \
        f'{n >> 10} KiB' if n >= 1024 else f'{n} B'


def main(paths):
    print('| kernel | algorithm | method | ' +
          ' | '.join(human(s) for s in SIZES) + ' |')
    print('|---|---|---|' + '---:|' * len(SIZES))
    for path in paths:
        d = json.load(open(path))
        kernel = d['kernel']
        recs = [r for r in d['records'] if 'method' in r and
                r['op'] == 'sign' and r['layout'] == 'kvec']
        for alg, prefixes in ROWS:
            methods = []
            for p in prefixes:
                for r in recs:
                    if r['alg'] == alg and r['method'].startswith(p) and \
                       r['method'] not in methods:
                        methods.append(r['method'])
            for m in methods:
                cells = []
                for s in SIZES:
                    v = [r for r in recs if r['alg'] == alg and
                         r['method'] == m and r['size'] == s]
                    cells.append(f"{v[0]['insns'] / s:.2f}" if v else '-')
                name = f'**{m}**' if m == 'smbsign' else m
                print(f'| {kernel} | {alg} | {name} | ' +
                      ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main(sys.argv[1:])
