#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the smbsign QEMU test loop: read what the guest wrote
(console.log = ttyS0, results.log = ttyS1), run the kernel's own
tools/testing/kunit/kunit.py on each test module's KTAP and print a
summary whose last line is exactly 'N passed, M failed'.

N = KUnit test cases passed (parameterized sub-cases counted as kunit.py
    counts them) + gates passed.
M = KUnit test cases failed or crashed + gates failed + harness problems
    (guest did not boot / timed out / crashed, a module failed to load or
    unload, kunit.py parse errors, oops/BUG/WARNING in the kernel log,
    no test ran) -- one each.
"""

import argparse
import os
import re
import subprocess
import sys

MARK = '@@SMBSIGN@@ '

# Kernel log lines that mean something went wrong in the kernel.
# The debug variant's detectors print: KASAN "BUG: KASAN: ...", KCSAN
# "BUG: KCSAN: ...", UBSAN "UBSAN: ...", lockdep "WARNING: possible ..." /
# "BUG: ..." (or "INFO: trying to register non-static key."), might_sleep
# "BUG: sleeping function ...", DEBUG_PREEMPT "BUG: using
# smp_processor_id() ...", SLUB_DEBUG "BUG <cache> (Not tainted): ...",
# debugobjects "ODEBUG: ...", kmemleak "unreferenced object 0x..." (the
# guest's final scan, on the console) and "kmemleak: ... disabled".
BAD_LOG = re.compile(
    r'(Oops|BUG:|WARNING:|KASAN:|kmemleak: .*suspected memory leak|'
    r'unreferenced object 0x|Kernel panic|'
    r'general protection fault|UBSAN:|Call Trace:|'
    r'rcu_.*detected stall|soft lockup|hard LOCKUP|blocked for more than|'
    r'list_(add|del) corruption|refcount_t:|kernel BUG|'
    r'stack-protector|double free|use-after-free|slab-out-of-bounds|'
    r'BUG [\w.:-]+ \((Not t|T)ainted|ODEBUG:|'
    r'INFO: trying to register non-static key|'
    r'kmemleak: .*(disabled|[Cc]annot allocate))')

# Lines that look like reports but are not: a boot banner
# (DEBUG_OBJECTS_RCU_HEAD), and kmemleak's own scan-area allocation failing
# under the fault-injection sweeps (it then scans the whole object, so it
# still sees every reference; a failure to allocate its object, which
# disables it, stays a report).
BENIGN_LOG = re.compile(r'RCU callback double-/use-after-free debug is enabled|'
                        r'kmemleak: Cannot allocate a scan area, scanning the full object')

# Taint flags (Documentation/admin-guide/tainted-kernels.rst). Loading
# the test modules sets O (out-of-tree), E (unsigned) and N (KUnit);
# any other flag means the kernel hit something (KASAN sets B, WARN W).
TAINT_FLAGS = 'PFSRMBUDAWCIOELKXTN'
TAINT_OK = {'O', 'E', 'N'}


def read_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('utf-8', errors='replace')
    except FileNotFoundError:
        return []
    return [l.rstrip('\r') for l in data.replace('\r\n', '\n').split('\n')]


def parse_results(lines):
    """Events [(event, rest)] and result blocks [(kind, name, [lines])]:
    kind 'kunit' (a test module's kernel log) or 'guest' (a guest test)."""
    events = []
    blocks = []
    cur = None
    for line in lines:
        if line.startswith(MARK):
            ev, _, rest = line[len(MARK):].partition(' ')
            events.append((ev, rest))
            if ev in ('KTAP-BEGIN', 'TAP-BEGIN'):
                cur = (ev == 'KTAP-BEGIN' and 'kunit' or 'guest',
                       rest.split()[0], [])
                blocks.append(cur)
            elif ev in ('KTAP-END', 'TAP-END'):
                cur = None
            continue
        if cur is not None:
            cur[2].append(line)
    return events, blocks


TOP_HEADER = re.compile(r'^(KTAP|TAP) version \d+\s*$')
TOP_RESULT = re.compile(r'^(not ok|ok) \d+(\s.*)?$')
SUITE_HEADER = re.compile(r'^    # Subtest: ')


def normalize_ktap(lines):
    """Make one module's kernel-log KTAP a single KTAP document.

    Kernels before ~6.6 print no top-level header when a test module
    loads, and number the suites with a counter that keeps going across
    modules; kunit.py wants a header, a plan and numbers from 1.
    """
    if any(TOP_HEADER.match(l) for l in lines):
        return lines
    results = sum(1 for l in lines if TOP_RESULT.match(l))
    suites = sum(1 for l in lines if SUITE_HEADER.match(l))
    if not results and not suites:
        return lines
    out = ['KTAP version 1', '1..%d' % max(results, suites)]
    n = 0
    for line in lines:
        m = TOP_RESULT.match(line)
        if m:
            n += 1
            line = '%s %d%s' % (m.group(1), n, m.group(2) or '')
        out.append(line)
    return out


RAN = re.compile(r'Ran (\d+) tests?(?::\s*(.*))?$')


def run_kunit(kunit, path):
    """Run kunit.py parse; return (output lines, counts dict or None)."""
    try:
        p = subprocess.run([sys.executable, kunit, 'parse', path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        out = p.stdout
    except Exception as e:  # noqa: broad on purpose, reported
        return ['kunit.py failed to run: %s' % e], None
    counts = None
    for line in out.splitlines():
        m = RAN.search(line)
        if m:
            counts = {'total': int(m.group(1))}
            for kv in (m.group(2) or '').split(','):
                k, _, v = kv.strip().partition(':')
                if k and v.strip().isdigit():
                    counts[k.strip()] = int(v)
    return out.splitlines(), counts


def console_problems(console):
    bad = []
    for i, line in enumerate(console):
        if line.startswith(MARK):
            continue
        if BAD_LOG.search(line) and not BENIGN_LOG.search(line):
            bad.append((i, line))
    return bad


def kernel_log_problem(bad):
    """One problem for all suspicious kernel log lines, naming them."""
    text = 'kernel log (console.log) shows %d suspicious line(s):' % len(bad)
    for i, line in bad[:8]:
        text += '\n          line %d: %s' % (i + 1, line.strip())
    if len(bad) > 8:
        text += '\n          ...'
    return text


def show_kernel_reports(console, bad, limit=400):
    """Print each suspicious line with the report that follows it (up to
    60 lines, until the next blank line after a call trace ends), merged
    where they overlap: the reports themselves, not just their first
    line."""
    spans = []
    for i, _ in bad:
        end = min(len(console), i + 60)
        for j in range(i + 1, end):
            if re.search(r'^(=+|-+\[ end trace [0-9a-f]+ \]-+)\s*$',
                         console[j].split('] ', 1)[-1]) and j > i + 2:
                end = j + 1
                break
        start = max(0, i - 2)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    print('----- kernel reports in the guest console -----')
    shown = 0
    for start, end in spans:
        if shown >= limit:
            print('  ... (more in console.log)')
            break
        for line in console[start:end]:
            print('  ' + line)
        shown += end - start
        print('  --')
    print('-----')


def kernel_state_problems(args, events, blocks_raw, problems):
    """The guest's end-of-run state: taint, lockdep, kmemleak."""
    seen = {e for e, _ in events}
    for ev, rest in events:
        if ev == 'TAINT' and rest.strip().isdigit():
            mask = int(rest)
            flags = [TAINT_FLAGS[b] if b < len(TAINT_FLAGS) else 'bit%d' % b
                     for b in range(mask.bit_length()) if mask >> b & 1]
            bad = [f for f in flags if f not in TAINT_OK]
            if bad:
                problems.append('the kernel is tainted %s (%d): a kernel '
                                'report happened (see the log above)'
                                % (''.join(bad), mask))
        elif ev == 'LOCKDEP' and rest.strip() != 'debug_locks=1':
            problems.append('lockdep switched itself off (%s): it reported '
                            'something, or ran out of its tables'
                            % rest.strip())
        elif ev == 'KMEMLEAK-OFF':
            problems.append('kmemleak could not scan: %s' % rest)
        elif ev == 'KMEMLEAK-END':
            m = re.search(r'leaks=(\d+)', rest)
            if not m or int(m.group(1)):
                problems.append('kmemleak: %s suspected leak(s) after the '
                                'modules were unloaded' %
                                (m.group(1) if m else '?'))
                print('----- kmemleak report -----')
                for line in blocks_raw.get('KMEMLEAK', []):
                    print('  ' + line)
                print('-----')
    if args.variant == 'debug' and 'INIT-DONE' in seen:
        # a detector that silently did not run is not a pass
        if 'KMEMLEAK-END' not in seen and 'KMEMLEAK-OFF' not in seen:
            problems.append('debug variant: no kmemleak scan (is '
                            'CONFIG_DEBUG_KMEMLEAK on and debugfs mounted?)')
        if 'LOCKDEP' not in seen:
            problems.append('debug variant: /proc/lockdep_stats missing '
                            '(is CONFIG_PROVE_LOCKING on?)')
        if 'TAINT' not in seen:
            problems.append('debug variant: the guest reported no taint mask')


def raw_blocks(lines, names=('KMEMLEAK',)):
    """Lines between '<NAME>-BEGIN' and '<NAME>-END' marks."""
    out = {}
    cur = None
    for line in lines:
        if line.startswith(MARK):
            ev = line[len(MARK):].split(' ', 1)[0]
            for n in names:
                if ev == n + '-BEGIN':
                    cur = out.setdefault(n, [])
                elif ev == n + '-END':
                    cur = None
            continue
        if cur is not None:
            cur.append(line)
    return out


def show_load_failures(events, console):
    """Print what the guest logged about each module that failed to load."""
    for ev, rest in events:
        if ev != 'MODLOAD-FAIL':
            continue
        mod = rest.split()[0]
        head = '----- kernel log about %s -----' % mod
        if head not in console:
            continue
        print(head)
        for line in console[console.index(head) + 1:]:
            if line == '-----':
                break
            print('  ' + line)
        print('-----')


def tail(lines, n=40):
    lines = [l for l in lines if l.strip()]
    return lines[-n:]


PASSFAIL = re.compile(r'(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$')


def host_results(args, problems):
    """Results of host-tests/*.sh: (summary lines, passed, failed, skipped).

    Output with a TAP/KTAP header goes through kunit.py; otherwise the last
    'N passed, M failed[, K skipped]' line counts; otherwise the exit
    status: 0 = 1 passed, HT_SKIP_RC = 1 skipped, anything else = 1 failed.
    A non-zero exit with no failure counted is a problem of its own.
    """
    lines = []
    tp = tf = ts = 0
    if not args.rundir or not os.path.isdir(args.rundir):
        return lines, 0, 0, 0
    if os.path.exists(os.path.join(args.rundir, 'host-tests.log')) and \
            not os.path.exists(os.path.join(args.rundir, 'host-tests.done')):
        problems.append('the host test runner failed: see %s/host-tests.log'
                        % args.rundir)
    names = sorted(f[len('host-'):-len('.rc')]
                   for f in os.listdir(args.rundir)
                   if f.startswith('host-') and f.endswith('.rc'))
    for name in names:
        base = os.path.join(args.rundir, 'host-' + name)
        try:
            rc = int(open(base + '.rc').read().strip() or 1)
        except ValueError:
            rc = 1
        skiprc = open(base + '.skiprc').read().strip() \
            if os.path.exists(base + '.skiprc') else ''
        out = read_lines(base + '.out')
        p = f = s = 0
        how = ''
        if any(TOP_HEADER.match(l.strip()) for l in out):
            print('----- kunit.py parse: host %s -----' % name)
            kout, counts = run_kunit(args.kunit, base + '.out')
            for line in kout:
                print(line)
            if counts is None:
                problems.append('host test %s: kunit.py could not parse its '
                                'TAP (%s.out)' % (name, base))
                f = 1
            else:
                p = counts.get('passed', 0)
                f = counts.get('failed', 0) + counts.get('crashed', 0)
                s = counts.get('skipped', 0)
                if counts.get('errors'):
                    problems.append('host test %s: %d TAP parse error(s)'
                                    % (name, counts['errors']))
        else:
            m = None
            for line in out:
                m = PASSFAIL.search(line) or m
            if m:
                p, f, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
            elif skiprc and str(rc) == skiprc:
                s, how = 1, ' (skipped)'
            elif rc == 0:
                p = 1
            else:
                f = 1
        if rc != 0 and f == 0 and not (skiprc and str(rc) == skiprc):
            problems.append('host test %s exited with status %d' % (name, rc))
        if f or (rc != 0 and not (skiprc and str(rc) == skiprc)):
            print('----- host test %s: last lines of %s.out -----'
                  % (name, base))
            for line in tail(out, 25):
                print('  ' + line)
            print('-----')
        tp, tf, ts = tp + p, tf + f, ts + s
        lines.append('%-7s %-28s %d passed, %d failed, %d skipped%s'
                     % ('host', name + ':', p, f, s, how))
    return lines, tp, tf, ts


def guest_status(args, events, console, problems):
    """Adds boot/timeout/crash problems; returns seconds-free description."""
    evs = [e for e, _ in events]
    timed_out = args.qemu_rc in (124, 137)
    if 'INIT-START' not in evs:
        if timed_out:
            problems.append('guest timed out after %ss before /init started'
                            % args.timeout)
        else:
            problems.append('guest did not boot: /init never started '
                            '(qemu rc=%s)' % args.qemu_rc)
        return False
    if 'INIT-DONE' not in evs:
        if timed_out:
            problems.append('guest timed out after %ss (/init did not finish)'
                            % args.timeout)
        else:
            problems.append('guest crashed: /init did not finish '
                            '(qemu rc=%s; panic or reboot)' % args.qemu_rc)
        return False
    if args.qemu_rc not in (0,):
        problems.append('qemu exited with rc=%s' % args.qemu_rc)
    return True


def module_problems(events, problems):
    for ev, rest in events:
        if ev == 'MODLOAD-FAIL':
            mod = rest.split()[0]
            hint = ''
            if mod == 'smbsign':
                hint = ' (its load-time self-test failed, or a symbol/' \
                       'dependency is missing: see the kernel log above)'
            problems.append('module %s failed to load: %s%s' % (mod, rest, hint))
        elif ev == 'RMMOD-FAIL':
            problems.append('module %s failed to unload' % rest)
        elif ev == 'INIT-BADMODE':
            problems.append('guest /init got an unknown mode %r' % rest)
        elif ev == 'FIPS-INACTIVE':
            problems.append('booted with fips=1 but the kernel is not in '
                            'FIPS mode (%s)' % rest)


def show_console_tail(args, console):
    print('----- last lines of the guest console (%s/console.log) -----'
          % args.rundir)
    for line in tail(console, 60):
        print('  ' + line)
    print('-----')


def do_demo(args):
    console = read_lines(os.path.join(args.rundir, 'console.log'))
    events, _ = parse_results(
        read_lines(os.path.join(args.rundir, 'results.log')))
    problems = []
    ok = guest_status(args, events, console, problems)
    # the line may follow the firmware's terminal reset (ESC c ...)
    start = next((i for i, l in enumerate(console)
                  if MARK + 'INIT-START' in l), None)
    if start is not None:
        for line in console[start:]:
            line = re.sub(r'\x1b(\[[0-9;?]*[A-Za-z]|c)', '', line)
            if line.startswith(MARK):
                ev, _, rest = line[len(MARK):].partition(' ')
                if ev in ('MODLOAD-FAIL', 'RMMOD-FAIL', 'INIT-START'):
                    print('>>> %s %s' % (ev, rest))
                continue
            if line.startswith('reboot: '):
                continue
            print(line)
    if not ok:
        show_console_tail(args, console)
    module_problems(events, problems)
    for ev, _ in events:
        if ev == 'DEMO-MISSING':
            problems.append('no demo module was built '
                            '(tools/testing/demo/smbsign_demo.ko)')
    bad = console_problems(console)
    if bad:
        problems.append(kernel_log_problem(bad))
    print('===== smbsign demo (KVER=%s) =====' % args.kver)
    for p in problems:
        print('FAIL: ' + p)
    print('demo: %s' % ('ok' if not problems else 'FAILED'))
    return 1 if problems else 0


def do_check(args):
    problems = []
    gate_pass = gate_fail = 0
    gate_lines = []
    for g in args.gate:
        name, _, res = g.partition('=')
        gate_lines.append('gate    %-8s %s' % (name + ':', 'passed' if res == 'pass'
                                                else 'FAILED (output above)'))
        if res == 'pass':
            gate_pass += 1
        else:
            gate_fail += 1

    kunit_lines = []
    passed = failed = skipped = 0
    info = []
    host_lines, hp, hf, hs = host_results(args, problems)
    if args.build_failed:
        problems.append('kernel/module build or initramfs failed (see above)')
    else:
        console = read_lines(os.path.join(args.rundir, 'console.log'))
        results = read_lines(os.path.join(args.rundir, 'results.log'))
        events, blocks = parse_results(results)
        booted = guest_status(args, events, console, problems)
        module_problems(events, problems)
        kernel_state_problems(args, events, raw_blocks(results), problems)
        for ev, rest in events:
            if ev == 'INFO':
                info.append(rest)

        try:
            with open(os.path.join(args.rundir, 'guest-tests.failed')) as f:
                for name in f.read().split():
                    problems.append('guest test %s could not be built/installed '
                                    '(see above)' % name)
        except FileNotFoundError:
            pass
        for ev, rest in events:
            if ev == 'TAP-END' and rest.endswith('rc=124'):
                problems.append('guest test %s timed out' % rest.split()[0])

        for kind, mod, block in blocks:
            block = normalize_ktap(block)
            path = os.path.join(args.rundir, '%s-%s.txt'
                                % (kind == 'kunit' and 'ktap' or 'tap', mod))
            with open(path, 'w') as f:
                f.write('\n'.join(block) + '\n')
            if not any('TAP version' in l for l in block):
                if not any(e == 'MODLOAD-FAIL' and r.split()[0] == mod
                           for e, r in events):
                    problems.append('%s %s printed no KTAP/TAP (no test '
                                    'suites registered?)' % (
                                        kind == 'kunit' and 'module' or
                                        'guest test', mod))
                kunit_lines.append('%-7s %s: no KTAP output' % (kind, mod))
                continue
            print('----- kunit.py parse: %s %s -----' % (kind, mod))
            out, counts = run_kunit(args.kunit, path)
            for line in out:
                print(line)
            if counts is None:
                problems.append('kunit.py could not parse the KTAP of %s '
                                '(%s)' % (mod, path))
                kunit_lines.append('%-7s %s: unparseable KTAP' % (kind, mod))
                continue
            p = counts.get('passed', 0)
            f = counts.get('failed', 0) + counts.get('crashed', 0)
            s = counts.get('skipped', 0)
            e = counts.get('errors', 0)
            passed += p
            failed += f
            skipped += s
            kunit_lines.append('%-7s %-28s %d passed, %d failed, %d skipped'
                               '%s' % (kind, mod + ':', p, f, s,
                                       ', %d parse errors' % e if e else ''))
            if e:
                problems.append('kunit.py reported %d error(s) parsing the '
                                'KTAP of %s (%s)' % (e, mod, path))

        if booted and passed + failed + skipped == 0:
            problems.append('no test ran')

        bad = console_problems(console)
        if bad:
            problems.append(kernel_log_problem(bad))
            show_kernel_reports(console, bad)
        if not booted or bad:
            show_console_tail(args, console)
        show_load_failures(events, console)

    kunit_lines += host_lines
    passed, failed, skipped = passed + hp, failed + hf, skipped + hs
    total_pass = passed + gate_pass
    total_fail = failed + gate_fail + len(problems)
    print()
    print('===== smbsign check summary: KVER=%s =====' % args.kver)
    for line in kunit_lines:
        print(line)
    for line in gate_lines:
        print(line)
    for line in info:
        print('guest   ' + line)
    if args.rundir:
        print('logs    %s' % args.rundir)
    for p in problems:
        print('FAIL:   ' + p)
    print('test cases: %d passed, %d failed, %d skipped; gates: %d '
          'passed, %d failed; harness problems: %d'
          % (passed, failed, skipped, gate_pass, gate_fail, len(problems)))
    print('%d passed, %d failed' % (total_pass, total_fail))
    if total_fail or passed + failed == 0:
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--kver', required=True)
    ap.add_argument('--rundir')
    ap.add_argument('--kunit', help='path to tools/testing/kunit/kunit.py')
    ap.add_argument('--qemu-rc', type=int, default=0)
    ap.add_argument('--timeout', default='?')
    ap.add_argument('--gate', action='append', default=[],
                    help='NAME=pass|fail')
    ap.add_argument('--build-failed', action='store_true')
    ap.add_argument('--variant', default='base',
                    help='config variant: debug requires the guest to '
                    'report its kmemleak scan, lockdep and taint state')
    ap.add_argument('--demo', action='store_true')
    args = ap.parse_args()
    if args.demo:
        return do_demo(args)
    return do_check(args)


if __name__ == '__main__':
    sys.exit(main())
