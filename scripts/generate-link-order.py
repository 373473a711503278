#!/usr/bin/env python3
"""Regenerates scripts/link-order/packstation.order: the functions `packstation run` executes.

usage: scripts/generate-link-order.py PATH/TO/release/packstation  (needs valgrind)

Why: the kernel maps a program's code in 64 KiB windows around every page it touches, so the
agent's resident memory depends on how scattered the code it runs is. Package.swift hands this
list to lld (--symbol-ordering-file) for release builds, which puts these functions next to each
other; the agent's idle RSS fell from 40.3 to 33.4 MiB with it (docs/benchmarks.md). A stale
list is harmless (unknown names are skipped); regenerate it after large changes.

The workload, under callgrind: `packstation run` starts (kiosk on, orders file, file printer),
the kiosk page, /state, /metrics, /events and label previews are fetched, ten orders are packed
(labels rendered and printed), then SIGTERM.
"""
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'scripts', 'link-order', 'packstation.order')


def bench_module():
    spec = importlib.util.spec_from_file_location('bench_agent', os.path.join(ROOT, 'scripts', 'bench-agent.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fetch(port, path):
    try:
        urllib.request.urlopen(f'http://127.0.0.1:{port}{path}', timeout=30).read()
    except Exception:
        pass  # a preview that does not exist yet is a 404: still exercised


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bench = bench_module()
    tmp = tempfile.mkdtemp(prefix='link-order-')
    binary = os.path.join(tmp, 'packstation')
    # valgrind cannot read the toolchain's DWARF 5; the symbol table is all it needs.
    subprocess.run(['strip', '--strip-debug', '-o', binary, sys.argv[1]], check=True)
    orders = bench.orders(10)
    with open(os.path.join(tmp, 'orders.jsonl'), 'w') as f:
        f.writelines(json.dumps(o) + '\n' for o in orders)
    os.makedirs(os.path.join(tmp, 'labels'))
    port = bench.free_port()
    profile = os.path.join(tmp, 'callgrind.out')
    agent = subprocess.Popen(['valgrind', '--tool=callgrind', '--demangle=no', f'--callgrind-out-file={profile}', binary, 'run',
                              '--scans-from', '-', '--orders', os.path.join(tmp, 'orders.jsonl'), '--data-dir', os.path.join(tmp, 'data'),
                              '--printer', f'file://{tmp}/labels/', '--kiosk-listen', f'127.0.0.1:{port}', '--log-level', 'warning'],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, 'agent.log'), 'wb'),
                             env=dict(os.environ, CUPS_SERVER='127.0.0.1:9'))
    bench.wait_port(port, timeout=300)
    for path in ['/', '/state', '/metrics', '/healthz', '/labels/1']:
        fetch(port, path)
    events = subprocess.Popen(['curl', '-s', '-N', '-m', '60', '-o', '/dev/null', f'http://127.0.0.1:{port}/events'])
    for order in orders:
        for scan in bench.scans_for(order):
            agent.stdin.write((scan + '\n').encode())
            agent.stdin.flush()
            time.sleep(0.2)
    time.sleep(20)
    for path in ['/', '/state', '/metrics', '/labels/1', '/labels/5']:
        fetch(port, path)
    events.wait()
    agent.send_signal(signal.SIGTERM)
    agent.wait(timeout=300)

    names, objects, functions, current = {}, {}, {}, None
    with open(profile, errors='replace') as f:
        for line in f:
            m = re.match(r'(c?ob|c?fn)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
            if not m:
                continue
            kind, ident, name = m.groups()
            if kind in ('ob', 'cob'):
                if name:
                    objects[ident] = name
                if kind == 'ob':
                    current = objects[ident]
            else:
                if name:
                    names[ident] = name
                if kind == 'fn' and current == binary and not names[ident].startswith('0x'):
                    functions.setdefault(names[ident], None)
    labels = len(os.listdir(os.path.join(tmp, 'labels')))
    if labels < 10 or len(functions) < 1000:
        sys.exit(f'the workload did not run through: {labels} labels, {len(functions)} functions (see {tmp}/agent.log)')
    with open(OUT, 'w') as f:
        f.writelines(name + '\n' for name in functions)
    print(f'{OUT}: {len(functions)} functions ({labels} labels printed under callgrind)')


if __name__ == '__main__':
    main()
