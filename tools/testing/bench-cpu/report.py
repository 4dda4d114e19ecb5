#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench-cpu output (one JSON object per line) into results:
bench-cpu.json, bench-cpu.md, bench-cpu.svg, and the main tables on stdout.

    report.py --out DIR [--command CMD] [--note TEXT] [--strict] bench-cpu.jsonl

Figures are core cycles per byte on the CPU bench-cpu ran on: TSC ticks
divided by the TSC/core-cycle ratio of a dependent-add chain, min (and
median) over many batches of messages. Exit status 1 if the run did not
finish, or with --strict if a target of issue 13 is missed.
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys

ALGS = ('HMAC-SHA256', 'AES-128-CMAC', 'AES-128-GMAC')
KEY_SIZES = (64, 4096, 65536, 1 << 20)
MODES = {
    'b2b': 'back to back (one message at a time, each call after the '
           'previous one; a short message may overlap the next)',
    'serial': 'serialized (an LFENCE after each message: every message '
              'starts on an idle core, its latency)',
}


def human(n):
    for unit, div in (('MiB', 1 << 20), ('KiB', 1 << 10)):
        if n >= div and n % div == 0:
            return f'{n // div} {unit}'
    return f'{n} B'


def load(path):
    recs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    recs.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f'report.py: bad line: {line}', file=sys.stderr)
    return recs


class Run:
    def __init__(self, recs):
        self.recs = recs
        self.meta = next((r for r in recs if 'meta' in r), {})
        self.impls = [r for r in recs if 'impl' in r]
        self.verify = [r for r in recs if 'verify' in r]
        self.res = [r for r in recs if 'result' in r]
        self.calib = [r for r in recs if 'calib' in r]
        self.done = next((r for r in recs if 'done' in r), None)
        self.by = {(r['alg'], r['id'], r['mode'], r['size']): r
                   for r in self.res}

    def sizes(self):
        return sorted({r['size'] for r in self.res})

    def modes(self):
        return [m for m in MODES if any(r['mode'] == m for r in self.res)]

    def ids(self, alg):
        seen = [i['id'] for i in self.impls if i['alg'] == alg]
        return [i for i in seen
                if any(r['alg'] == alg and r['id'] == i for r in self.res)]

    def impl(self, alg, id_):
        return next((i for i in self.impls
                     if i['alg'] == alg and i['id'] == id_), {})

    def get(self, alg, id_, mode, size, key='min_cpb'):
        r = self.by.get((alg, id_, mode, size))
        return r[key] if r else None

    def best_kernel(self, alg, mode, size):
        """The fastest of the kernel's own MAC implementations."""
        best = None
        for i in self.impls:
            if i['alg'] != alg or i['source'] != 'kernel' or \
                    i['kind'] != 'mac':
                continue
            v = self.get(alg, i['id'], mode, size)
            if v is not None and (best is None or v < best[1]):
                best = (i['id'], v)
        return best


def fmt(v, digits=2):
    if v is None:
        return '–'
    return f'{v:.{digits}f}' if v < 100 else f'{v:.0f}'


def ratio(a, b):
    return a / b if a is not None and b else None


def targets(run):
    """Issue 13's targets, on the back-to-back minimum; ratios rounded to
    two decimals (repeated runs differ by about 1%)."""
    out = []
    m = 'b2b'
    if m not in run.modes():
        return out
    for alg in ALGS:
        if 'smbsign' not in run.ids(alg):
            continue
        for s in run.sizes():
            best = run.best_kernel(alg, m, s)
            sv = run.get(alg, 'smbsign', m, s)
            if best and sv is not None:
                r = sv / best[1]
                out.append((round(r, 2) <= 1.05,
                            f'{alg} {human(s)}: smbsign {sv:.3f} c/B <= 1.05x '
                            f'the fastest kernel implementation ({best[0]} '
                            f'{best[1]:.3f}): {r:.2f}x'))
    if 'smbsign' in run.ids('AES-128-GMAC'):
        vpcl = run.meta.get('vpclmulqdq')
        lim = 0.2 if vpcl else 0.35
        for s in run.sizes():
            if s < 4096:
                continue
            sv = run.get('AES-128-GMAC', 'smbsign', m, s)
            cap = lim if s >= 65536 else lim * 1.2
            # the multiplier alone, as smbsign's GHASH on this CPU multiplies
            # (smbsign_ghash: 0 the 128-bit, 1 the 256-bit, 2 the 512-bit)
            lim_id = {0: 'limit:clmul-128-karatsuba',
                      1: 'limit:clmul-256-karatsuba',
                      2: 'limit:clmul-512-karatsuba'}.get(
                          run.meta.get('smbsign_ghash'))
            lv = run.get('AES-128-GMAC', lim_id, m, s) if lim_id else None
            why = (f'; the carry-less multiplier alone ({lim_id}): '
                   f'{lv:.3f}, smbsign {sv / lv:.2f}x of it'
                   if sv is not None and lv else '')
            if sv is not None:
                out.append((sv <= cap,
                            f'AES-128-GMAC {human(s)}: smbsign <= {cap:.2f} '
                            f'c/B ({"VPCLMULQDQ" if vpcl else "PCLMULQDQ"} '
                            f'CPU): {sv:.3f}{why}'))
    floor = 'floor:cbc-aes-aesni'
    if 'smbsign' in run.ids('AES-128-CMAC') and \
            floor in run.ids('AES-128-CMAC'):
        for s in run.sizes():
            if s < 4096:
                continue
            sv = run.get('AES-128-CMAC', 'smbsign', m, s)
            fv = run.get('AES-128-CMAC', floor, m, s)
            if sv is not None and fv:
                out.append((round(sv / fv, 2) <= 1.0,
                            f'AES-128-CMAC {human(s)}: smbsign <= 1.0x the '
                            f'serial CBC floor (cbc-aes-aesni): '
                            f'{sv / fv:.3f}x'))
    return out


def calib_summary(run):
    add = [c['tsc_per_cycle_add'] for c in run.calib]
    mul = [c['tsc_per_cycle_imul'] for c in run.calib]
    if not add:
        return None
    return {
        'samples': len(add),
        'add_min': min(add), 'add_max': max(add),
        'add_mean': sum(add) / len(add),
        'imul_min': min(mul), 'imul_max': max(mul),
        'imul_mean': sum(mul) / len(mul),
    }


def noise(run):
    rs = sorted(r['median_cpb'] / r['min_cpb'] for r in run.res
                if r['min_cpb'] > 0)
    if not rs:
        return None
    return {'cells': len(rs), 'median': rs[len(rs) // 2],
            'p90': rs[len(rs) * 9 // 10], 'max': rs[-1]}


def key_table(run, mode, sizes=KEY_SIZES):
    sizes = [s for s in sizes if s in run.sizes()]
    lines = ['| algorithm | implementation | ' +
             ' | '.join(human(s) for s in sizes) + ' |',
             '|---|---|' + '---:|' * len(sizes)]
    for alg in ALGS:
        for id_ in run.ids(alg):
            cells = [fmt(run.get(alg, id_, mode, s)) for s in sizes]
            src = run.impl(alg, id_).get('source', '?')
            label = f'{id_} (kernel)' if src == 'kernel' else id_
            lines.append(f'| {alg} | {label} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def full_table(run, alg, mode):
    sizes = run.sizes()
    lines = ['| implementation | ' + ' | '.join(human(s) for s in sizes) +
             ' |', '|---|' + '---:|' * len(sizes)]
    for id_ in run.ids(alg):
        cells = []
        for s in sizes:
            mn = run.get(alg, id_, mode, s)
            md = run.get(alg, id_, mode, s, 'median_cpb')
            cells.append(f'{fmt(mn, 3)} ({fmt(md, 3)})' if mn is not None
                         else '–')
        lines.append(f'| {id_} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def ratio_table(run, mode):
    sizes = run.sizes()
    lines = ['| algorithm | smbsign / … | ' +
             ' | '.join(human(s) for s in sizes) + ' |',
             '|---|---|' + '---:|' * len(sizes)]
    for alg in ALGS:
        if 'smbsign' not in run.ids(alg):
            continue
        cells, names = [], set()
        for s in sizes:
            b = run.best_kernel(alg, mode, s)
            sv = run.get(alg, 'smbsign', mode, s)
            if b:
                names.add(b[0])
            cells.append(fmt(ratio(sv, b[1] if b else None)))
        lines.append(f'| {alg} | fastest kernel implementation '
                     f'({", ".join(sorted(names))}) | ' +
                     ' | '.join(cells) + ' |')
        if 'openssl' in run.ids(alg):
            cells = [fmt(ratio(run.get(alg, 'smbsign', mode, s),
                               run.get(alg, 'openssl', mode, s)))
                     for s in sizes]
            lines.append(f'| {alg} | OpenSSL | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def header(run, command, git):
    m = run.meta
    c = calib_summary(run)
    n = noise(run)
    ghz = m.get('tsc_hz', 0) / 1e9
    when = datetime.datetime.fromtimestamp(
        m.get('time', 0), datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    flags = ', '.join(f for f in ('sha_ni', 'vaes', 'vpclmulqdq', 'avx512bw',
                                  'avx2') if m.get(f)) or 'none of interest'
    out = [
        f'CPU: **{m.get("cpu_model", "?")}** (family {m.get("family")}, '
        f'model {m.get("model")}, stepping {m.get("stepping")}; {flags}), '
        f'{m.get("online_cpus")} CPUs online, measured on CPU '
        f'{m.get("cpu")} (pinned).  ',
        f'Kernel assembly: {m.get("kernel_src", "?")} (arch/x86/crypto, and lib/crypto/x86 where the tree has it); '
        f'{m.get("openssl", "?")}; smbsign tree {git}.  ',
        f'Command: `{command}`, {when}.  ',
    ]
    if c:
        core = ghz / c['add_mean'] if c['add_mean'] else 0
        out.append(
            f'Clock: TSC {ghz:.3f} GHz; TSC ticks per core cycle '
            f'{c["add_mean"]:.3f} (dependent adds, {c["samples"]} samples, '
            f'{c["add_min"]:.3f}–{c["add_max"]:.3f}; dependent imuls '
            f'{c["imul_mean"]:.3f}), so the core ran at about '
            f'{core:.2f} GHz. No PMU in this VM: cycles = ticks / ratio.  ')
    pre = sum(r.get('preempted', 0) for r in run.res)
    allp = sum(r.get('all_preempted', 0) for r in run.res)
    moved = sum(r.get('clock_moved', 0) for r in run.res)
    batches = sum(r.get('batches', 0) for r in run.res)
    out.append(
        f'Scheduling: {"SCHED_FIFO (`--rt`)" if m.get("rt") else "normal"}; '
        f'{batches:,} batches kept, {pre:,} dropped because the thread was '
        f'switched out' +
        (f' ({allp} rounds had no clean batch and kept their best)'
         if allp else '') +
        f', {moved} rounds retaken because the clock moved by more than 3%.  ')
    if n:
        out.append(
            f'Noise: median/min per cell is {n["median"]:.2f} typically, '
            f'{n["p90"]:.2f} at the 90th percentile, {n["max"]:.2f} at worst '
            f'({n["cells"]} cells; other jobs share the machine). The '
            f'tables give the min (the run least disturbed); medians in the '
            f'full tables.')
    return '\n'.join(out)


def markdown(run, command, git, note=None):
    out = ['# bench-cpu: core cycles per byte on a real CPU', '',
           header(run, command, git), '']
    if note:
        out += [note, '']
    out += [
           'Every implementation was first checked against OpenSSL for every '
           'length 0–1100 and large sizes up to 8 MiB '
           f'({sum(v.get("messages", 0) for v in run.verify):,} messages, '
           f'{sum(1 for v in run.verify if v["verify"] == "ok")} '
           'implementations, no mismatch). Kernel rows run the test '
           'kernel\'s assembly with the calls its glue makes, but without '
           'the crypto API\'s request, scatterlist and FPU-section costs; '
           'see tools/testing/bench-cpu/README.md.', '']
    for mode in run.modes():
        out += [f'## Cycles per byte, {MODES[mode]}: min', '',
                key_table(run, mode), '']
    for mode in run.modes():
        out += [f'## smbsign relative to the others, {mode} (min; below 1 = '
                'smbsign faster)', '', ratio_table(run, mode), '']
    t = targets(run)
    if t:
        out += ['## Issue 13 targets (back to back, min; ratios rounded to '
                'two decimals)', '']
        out += [f'- {"met" if ok else "**missed**"}: {text}'
                for ok, text in t]
        out.append('')
    for mode in run.modes():
        for alg in ALGS:
            if run.ids(alg):
                out += [f'## {alg}, {mode}: min (median) cycles per byte',
                        '', full_table(run, alg, mode), '']
    out += ['## Implementations', '']
    for i in run.impls:
        out.append(f'- {i["alg"]} `{i["id"]}` ({i["source"]}): {i["desc"]}'
                   + ('' if i['usable'] else ' — not measured: not on this '
                      'CPU or not in this build'))
    out.append('')
    return '\n'.join(out)


COLORS = ('#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b',
          '#e377c2', '#17becf', '#7f7f7f', '#bcbd22')


def svg(run):
    PW, PH, L, T = 380, 300, 55, 40
    sizes = run.sizes()
    W = 10 + len(ALGS) * (PW + L + 10)
    rows = max([(len(run.ids(a)) + 1) // 2 for a in ALGS] + [1])
    H = T + PH + 36 + rows * 13
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" '
           f'height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="10" y="18" font-size="13">bench-cpu: core cycles per '
           f'byte (back to back, min), {run.meta.get("cpu_model", "?")}, '
           f'log scales</text>']
    lo2, hi2 = math.log2(sizes[0]), math.log2(sizes[-1])
    for k, alg in enumerate(ALGS):
        ids = run.ids(alg)
        vals = [run.get(alg, i, 'b2b', s) for i in ids for s in sizes]
        vals = [v for v in vals if v]
        if not vals:
            continue
        x0 = 10 + k * (PW + L + 10) + L
        ymin = 10 ** math.floor(math.log10(min(vals)))
        ymax = 10 ** math.ceil(math.log10(max(vals)))

        def X(s):
            return x0 + (math.log2(s) - lo2) / max(hi2 - lo2, 1) * PW

        def Y(v):
            return T + PH - (math.log10(v) - math.log10(ymin)) / \
                max(math.log10(ymax) - math.log10(ymin), 1e-9) * PH
        out.append(f'<text x="{x0}" y="{T - 8}" font-size="12">{alg}</text>')
        out.append(f'<rect x="{x0}" y="{T}" width="{PW}" height="{PH}" '
                   f'fill="none" stroke="#999"/>')
        d = ymin
        while d <= ymax * 1.0001:
            for mul in (1, 2, 5):
                v = d * mul
                if v > ymax * 1.0001:
                    break
                y = Y(v)
                out.append(f'<line x1="{x0}" x2="{x0 + PW}" y1="{y:.1f}" '
                           f'y2="{y:.1f}" stroke="#eee"/>')
                out.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" '
                           f'text-anchor="end">{v:g}</text>')
            d *= 10
        for s in sizes:
            out.append(f'<text x="{X(s):.1f}" y="{T + PH + 14}" '
                       f'text-anchor="middle" font-size="9">'
                       f'{human(s).replace(" ", "")}</text>')
        for j, i in enumerate(ids):
            pts = [(X(s), Y(v)) for s in sizes
                   for v in [run.get(alg, i, 'b2b', s)] if v]
            col = COLORS[j % len(COLORS)]
            dash = ' stroke-dasharray="4,3"' if ':' in i else ''
            width = 2.5 if i == 'smbsign' else 1.3
            out.append('<polyline fill="none" stroke="{}" stroke-width="{}"{} '
                       'points="{}"/>'.format(
                           col, width, dash,
                           ' '.join(f'{x:.1f},{y:.1f}' for x, y in pts)))
            ly = T + PH + 28 + (j // 2) * 13
            lx = x0 + (j % 2) * (PW // 2)
            out.append(f'<line x1="{lx}" x2="{lx + 14}" y1="{ly - 4}" '
                       f'y2="{ly - 4}" stroke="{col}" stroke-width="{width}"'
                       f'{dash}/>')
            out.append(f'<text x="{lx + 18}" y="{ly}" font-size="9">{i}'
                       '</text>')
    out.append('</svg>')
    return '\n'.join(out)


def git_desc():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        rev = subprocess.run(['git', '-C', here, 'rev-parse', '--short',
                              'HEAD'], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(['git', '-C', here, 'status', '--porcelain',
                                '--untracked-files=no', '--', '../../../smbsign'],
                               capture_output=True, text=True).stdout.strip()
        return rev + (' (smbsign/ modified)' if dirty else '')
    except (OSError, subprocess.CalledProcessError):
        return '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--command', default='make bench-cpu')
    ap.add_argument('--git', default=None)
    ap.add_argument('--strict', action='store_true')
    ap.add_argument('--note', default=None,
                    help='a paragraph for bench-cpu.md, after the header')
    ap.add_argument('log')
    a = ap.parse_args()

    run = Run(load(a.log))
    if any(v['verify'] == 'fail' for v in run.verify):
        print('report.py: an implementation failed verification; nothing '
              'was timed', file=sys.stderr)
        return 1
    if not run.res:
        print('report.py: no measurements', file=sys.stderr)
        return 1
    git = a.git or git_desc()
    os.makedirs(a.out, exist_ok=True)
    t = targets(run)
    doc = {
        'meta': run.meta, 'command': a.command, 'git': git, 'note': a.note,
        'calibration': calib_summary(run), 'noise': noise(run),
        'implementations': run.impls, 'verify': run.verify,
        'results': run.res,
        'targets': [{'met': ok, 'text': text} for ok, text in t],
    }
    with open(os.path.join(a.out, 'bench-cpu.json'), 'w') as f:
        json.dump(doc, f, indent=1)
    md = markdown(run, a.command, git, a.note)
    with open(os.path.join(a.out, 'bench-cpu.md'), 'w') as f:
        f.write(md)
    with open(os.path.join(a.out, 'bench-cpu.svg'), 'w') as f:
        f.write(svg(run))

    print(header(run, a.command, git))
    for mode in run.modes():
        print(f'\nCycles per byte, {mode}, min:\n')
        print(key_table(run, mode))
    missed = [text for ok, text in t if not ok]
    print(f'\nissue 13 targets: {len(t) - len(missed)} met, {len(missed)} '
          f'missed (see bench-cpu.md); results in {a.out}/')
    if not run.done:
        print('report.py: the run did not finish', file=sys.stderr)
        return 1
    return 1 if a.strict and missed else 0


if __name__ == '__main__':
    sys.exit(main())
