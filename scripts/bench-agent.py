#!/usr/bin/env python3
"""Benchmark: the agent's resident memory and CPU, idle and packing 100 orders a minute.

usage: scripts/bench-agent.py PATH/TO/packstation [--idle-seconds 30] [--load-seconds 60] [--format zpl|pdf]

Runs `packstation run` (kiosk on, labels as ZPL files — or PDF with --format pdf — no server) fed through --scans-from -:
  idle  — RSS after start, CPU over --idle-seconds with nothing happening (no polling: ~0 %);
  load  — 100 orders a minute (each: the order barcode, then 4 item scans; the label rendered
          and printed to the file printer), for --load-seconds: RSS peak (VmHWM) and CPU.
Side by side, in the same run: a bare Python 3 interpreter serving HTTP and doing nothing (the
runtime the Odoo IoT box's drivers run in, before any of their code), idle RSS and CPU.
Prints a Markdown table for docs/benchmarks.md.
"""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf('SC_CLK_TCK')


def rss_kib(pid, field='VmRSS'):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


def smaps(pid):
    """(PSS, private) in KiB from /proc/PID/smaps_rollup: what the process really costs, beside
    RSS, which also counts clean pages of the binary and libraries shared with the page cache."""
    values = {}
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(':') and parts[1].isdigit():
                values[parts[0][:-1]] = int(parts[1])
    return values.get('Pss', 0), values.get('Private_Clean', 0) + values.get('Private_Dirty', 0)


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        parts = f.read().rsplit(')', 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f'nothing listens on {port}')


def orders(n):
    rnd = random.Random(7)
    gtins = ['4006381333931', '036000291452', '09506000134352', '5060123456783', '4012345678901']
    out = []
    for i in range(n):
        oid = str(50000 + i)
        lines = [{'sku': f'S{oid}-{j}', 'quantity': 1 if j else 2, 'barcodes': [f'29{oid}{j:05d}']} for j in range(3)]
        out.append({'id': oid, 'barcodes': [f'ORD-{oid}'], 'status': 'ready', 'payment': 'captured', 'priority': rnd.choice(['standard', 'express']),
                    'value': {'amount': f'{rnd.randint(5, 900)}.00', 'currency': 'EUR'}, 'lines': lines,
                    'shipment': {'carrier': 'DHL', 'service': 'Paket', 'tracking': f'JD{oid}',
                                 'from': {'name': 'Northwind Fulfilment', 'street': ['Hafenstraße 12'], 'city': 'Hamburg', 'postal_code': '20457', 'country': 'DE'},
                                 'to': {'name': f'Customer {i}', 'street': [f'Main St {i}'], 'city': 'Berlin', 'postal_code': '10115', 'country': 'DE'}}})
    del gtins
    return out


def scans_for(order):
    out = [order['barcodes'][0]]
    for line in order['lines']:
        out += [line['barcodes'][0]] * line['quantity']
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('agent')
    ap.add_argument('--idle-seconds', type=float, default=30)
    ap.add_argument('--load-seconds', type=float, default=60)
    ap.add_argument('--format', choices=['zpl', 'pdf'], default='zpl', help='what the file printer writes (printer.format)')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='packstation-bench-agent-')
    per_minute = 100
    n = int(per_minute * a.load_seconds / 60)
    with open(os.path.join(tmp, 'orders.jsonl'), 'w') as f:
        for o in orders(n):
            f.write(json.dumps(o) + '\n')
    kiosk = free_port()
    env = dict(os.environ, CUPS_SERVER='127.0.0.1:9', PACKSTATION_PRINTER_FORMAT=a.format)
    agent = subprocess.Popen([a.agent, 'run', '--scans-from', '-', '--orders', os.path.join(tmp, 'orders.jsonl'), '--data-dir', os.path.join(tmp, 'data'),
                              '--printer', f'file://{tmp}/labels/', '--kiosk-listen', f'127.0.0.1:{kiosk}', '--log-level', 'warning'],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, 'agent.log'), 'wb'), env=env)
    os.makedirs(os.path.join(tmp, 'labels'), exist_ok=True)
    wait_port(kiosk)
    time.sleep(2)
    idle_rss = rss_kib(agent.pid)
    idle_pss, idle_private = smaps(agent.pid)
    c0, t0 = cpu_seconds(agent.pid), time.monotonic()
    time.sleep(a.idle_seconds)
    idle_cpu = (cpu_seconds(agent.pid) - c0) / (time.monotonic() - t0) * 100

    all_orders = orders(n)
    scans = [s for o in all_orders for s in scans_for(o)]
    interval = a.load_seconds / len(scans)
    c0, t0 = cpu_seconds(agent.pid), time.monotonic()
    for i, s in enumerate(scans):
        agent.stdin.write((s + '\n').encode())
        agent.stdin.flush()
        target = t0 + (i + 1) * interval
        time.sleep(max(0, target - time.monotonic()))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(os.listdir(os.path.join(tmp, 'labels'))) < n:
        time.sleep(0.1)
    load_elapsed = time.monotonic() - t0
    load_cpu = (cpu_seconds(agent.pid) - c0) / load_elapsed * 100
    load_rss, peak_rss = rss_kib(agent.pid), rss_kib(agent.pid, 'VmHWM')
    load_pss, load_private = smaps(agent.pid)
    labels = len([f for f in os.listdir(os.path.join(tmp, 'labels')) if f.endswith('.' + a.format)])
    agent.send_signal(signal.SIGTERM)
    agent.stdin.close()
    rc = agent.wait(30)

    port = free_port()
    peer = subprocess.Popen([sys.executable, '-m', 'http.server', str(port), '--bind', '127.0.0.1'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
    wait_port(port)
    time.sleep(2)
    peer_rss = rss_kib(peer.pid)
    peer_pss, peer_private = smaps(peer.pid)
    c0, t0 = cpu_seconds(peer.pid), time.monotonic()
    time.sleep(min(a.idle_seconds, 10))
    peer_cpu = (cpu_seconds(peer.pid) - c0) / (time.monotonic() - t0) * 100
    peer.terminate()
    peer.wait()

    print(f'| measure | packstation run | Python 3 http.server, idle (peer runtime) |')
    print(f'|---|---|---|')
    print(f'| resident memory (RSS), idle | {idle_rss / 1024:.1f} MiB | {peer_rss / 1024:.1f} MiB |')
    print(f'| proportional (PSS) / private memory, idle | {idle_pss / 1024:.1f} / {idle_private / 1024:.1f} MiB | {peer_pss / 1024:.1f} / {peer_private / 1024:.1f} MiB |')
    print(f'| CPU, idle ({a.idle_seconds:.0f} s) | {idle_cpu:.2f} % of a core | {peer_cpu:.2f} % of a core |')
    print(f'| resident memory (RSS), packing {per_minute} orders/min ({n} orders, {len(scans)} scans, {labels} {a.format.upper()} labels) | {load_rss / 1024:.1f} MiB (peak {peak_rss / 1024:.1f} MiB) | — |')
    print(f'| PSS / private memory, packing {per_minute} orders/min | {load_pss / 1024:.1f} / {load_private / 1024:.1f} MiB | — |')
    print(f'| CPU, packing {per_minute} orders/min | {load_cpu:.2f} % of a core | — |')
    print(f'agent exit status after SIGTERM: {rc}; labels printed {labels}/{n}', file=sys.stderr)
    if labels != n or rc != 0:
        sys.exit('the agent did not print every label or did not stop cleanly')


if __name__ == '__main__':
    main()
