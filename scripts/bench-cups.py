#!/usr/bin/env python3
"""Benchmark: 1,000 labels through a private cupsd, as one `lp -o raw` per label (how a shell
script or QZ-style tool sends them) versus one `packstation batch start` run (one CUPS job per
chunk), in the same run, to the same raw socket:// queue whose capture printer keeps every job.

usage: scripts/bench-cups.py PATH/TO/packstation [--labels 1000] [--chunk 100]
Checks that both ways delivered every label byte-exact, then prints a Markdown table.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_cupsd(base):
    ready = os.path.join(base, 'ready')
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'scripts', 'peers', 'cupsd.py'), '--dir', base, '--queue', 'zebra',
                             '--ready-file', ready, '--log-level', 'warn'], stdout=subprocess.DEVNULL, stderr=open(os.path.join(base, 'peer.log'), 'wb'))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if os.path.exists(ready):
            fields = dict(kv.split('=') for kv in open(ready).read().split()[1:])
            return proc, int(fields['port'])
        if proc.poll() is not None:
            sys.exit('the private cupsd did not start: ' + open(os.path.join(base, 'peer.log')).read())
        time.sleep(0.05)
    sys.exit('the private cupsd did not get ready')


def captured(base):
    d = os.path.join(base, 'capture')
    return sorted(f for f in os.listdir(d) if f.endswith('.bin')) if os.path.isdir(d) else []


def wait_captured(base, n, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(captured(base)) < n:
        time.sleep(0.02)
    return len(captured(base))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('agent')
    ap.add_argument('--labels', type=int, default=1000)
    ap.add_argument('--chunk', type=int, default=100)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='packstation-bench-cups-')
    os.chmod(tmp, 0o755)  # cupsd's backends run as lp and must reach the spool below it
    labels_dir = os.path.join(tmp, 'labels')
    os.makedirs(labels_dir)
    # One real 4x6 shipping label as the agent renders it, varied per label.
    subprocess.run([a.agent, 'label', '--order', os.path.join(ROOT, 'examples', 'orders', '1001.json'), '--format', 'zpl', '--out', os.path.join(tmp, 'one.zpl')],
                   check=True, capture_output=True)
    zpl = open(os.path.join(tmp, 'one.zpl')).read()
    labels = []
    for i in range(a.labels):
        text = zpl.replace('JD014600006281230411', f'JD0146{i:014d}')
        labels.append(text.encode())
        with open(os.path.join(labels_dir, f'label-{i + 1:05d}.zpl'), 'wb') as f:
            f.write(labels[-1])
    expected = b''.join(labels)

    results = []
    # 1. one lp process and one CUPS job per label
    base = os.path.join(tmp, 'lp')
    os.makedirs(base)
    cupsd, port = start_cupsd(base)
    env = dict(os.environ, CUPS_SERVER=f'127.0.0.1:{port}')
    t0 = time.monotonic()
    for i in range(a.labels):
        subprocess.run(['lp', '-d', 'zebra', '-o', 'raw', os.path.join(labels_dir, f'label-{i + 1:05d}.zpl')], env=env, check=True, stdout=subprocess.DEVNULL)
    submitted = time.monotonic() - t0
    got = wait_captured(base, a.labels)
    elapsed = time.monotonic() - t0
    data = b''.join(open(os.path.join(base, 'capture', f), 'rb').read() for f in captured(base))
    results.append(('`lp -o raw` per label', a.labels, a.labels, submitted, elapsed, got == a.labels and data == expected))
    cupsd.send_signal(signal.SIGTERM)
    cupsd.wait(30)

    # 2. one packstation bulk run: one job per chunk
    base = os.path.join(tmp, 'run')
    os.makedirs(base)
    cupsd, port = start_cupsd(base)
    env = dict(os.environ, CUPS_SERVER=f'127.0.0.1:{port}')
    chunks = (a.labels + a.chunk - 1) // a.chunk
    t0 = time.monotonic()
    run = subprocess.run([a.agent, 'batch', 'start', '--printer', 'cups://zebra', '--labels', labels_dir, '--chunk', str(a.chunk),
                          '--data-dir', os.path.join(tmp, 'data')], env=env, capture_output=True)
    submitted = time.monotonic() - t0
    got = wait_captured(base, chunks)
    elapsed = time.monotonic() - t0
    data = b''.join(open(os.path.join(base, 'capture', f), 'rb').read() for f in captured(base))
    results.append((f'`packstation batch start --chunk {a.chunk}`', 1, chunks, submitted, elapsed, run.returncode == 0 and got == chunks and data == expected))
    if run.returncode != 0:
        print(run.stderr.decode(), file=sys.stderr)
    cupsd.send_signal(signal.SIGTERM)
    cupsd.wait(30)

    print(f'| {a.labels} labels ({len(expected) // a.labels:,} B each) | processes | CUPS jobs | all submitted | all printed | labels/s | byte-exact |')
    print('|---|---:|---:|---:|---:|---:|---|')
    for name, procs, jobs, sub, total, ok in results:
        print(f'| {name} | {procs:,} | {jobs:,} | {sub:.1f} s | {total:.1f} s | {a.labels / total:,.0f} | {"yes" if ok else "NO"} |')
    if not all(r[5] for r in results):
        sys.exit('a way did not deliver every label byte-exact')


if __name__ == '__main__':
    main()
