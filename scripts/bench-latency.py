#!/usr/bin/env python3
"""Benchmark: end-to-end latency of the bench agent, as the packer waits for it.

usage: scripts/bench-latency.py PATH/TO/packstation [--orders 300] [--interval-ms 40] [--json FILE]

Drives `packstation run --scans-from -` (orders from a file, no server, labels as ZPL to the test
printer scripts/peers/zebra_printer.py on raw TCP 127.0.0.1, the kiosk on) end to end:
  scan → screen   from writing a scan line to the agent's standard input to the first event on
                  the kiosk's event stream (/events, read by this script as a browser would)
                  whose verdict is that scan's (or a later one's);
  scan → printer  from writing the scan that completes an order to the test printer receiving
                  the last ^XZ of that order's labels (its `received_at`).
Each order is the order barcode and 4 item scans (3 lines, one of quantity 2), one scan every
--interval-ms, so scans do not queue behind each other.

Side by side, in the same run, the floor: a trivial Python process that does no work (peer),
reading the same scan lines on its standard input and, for each, writing an event on its own
server-sent event stream, and for each completing scan one small ZPL format to a second test
printer over a kept-open TCP connection. Measured the same way by the same code.

And the disk's floor: 4 KiB fsync'ed in the agent's data directory, as each journal commit does.

Also reads the agent's own histograms from /metrics (packstation_scan_to_screen_seconds,
packstation_scan_to_printer_seconds) and checks that their counts match the scans and orders.
Prints a Markdown table for docs/benchmarks.md; exits 1 when the run is incomplete.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# The peer: the least a process can do to answer a scan on an event stream and a printer.
PEER = r'''
import socket, sys, threading
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
client, _ = server.accept()
client.recv(65536)
client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n")
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
printer = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
printer.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
seq = 0
for line in sys.stdin:
    scan = line.strip()
    if not scan:
        continue
    seq += 1
    client.sendall(('data: {"benches":[{"verdict":{"seq":%d,"scan":"%s"}}]}\n\n' % (seq, scan)).encode())
    if scan.startswith("LAST-"):
        printer.sendall(("^XA^FO50,50^A0N,40,40^FD%s^FS^XZ" % scan[5:]).encode())
'''


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f'nothing listens on {port}')


def start_printer(log_dir):
    os.makedirs(log_dir, exist_ok=True)
    p = subprocess.Popen([sys.executable, os.path.join(HERE, 'peers', 'zebra_printer.py'), '--log', log_dir, '--speed', '0'],
                         stdout=subprocess.PIPE, stderr=open(os.path.join(log_dir, 'printer.log'), 'wb'), text=True)
    m = re.match(r'READY data=(\d+) control=(\d+)', p.stdout.readline())
    if not m:
        sys.exit('the test printer did not start')
    return p, int(m.group(1))


def printed(log_dir):
    path = os.path.join(log_dir, 'labels.jsonl')
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def orders(n):
    out = []
    for i in range(n):
        oid = str(700000 + i)
        lines = [{'sku': f'S{oid}-{j}', 'description': f'Item {j}', 'quantity': 2 if j == 0 else 1, 'barcodes': [f'29{oid}{j:05d}']} for j in range(3)]
        out.append({'id': oid, 'barcodes': [f'ORD-{oid}'], 'status': 'ready', 'payment': 'captured', 'priority': 'standard',
                    'value': {'amount': '49.00', 'currency': 'EUR'}, 'lines': lines,
                    'shipment': {'carrier': 'DHL', 'service': 'Paket', 'tracking': f'JD{oid}',
                                 'from': {'name': 'Northwind Fulfilment', 'street': ['Hafenstrasse 12'], 'city': 'Hamburg', 'postal_code': '20457', 'country': 'DE'},
                                 'to': {'name': f'Customer {i}', 'street': [f'Main St {i}'], 'city': 'Berlin', 'postal_code': '10115', 'country': 'DE'}}})
    return out


def scans_for(order):
    out = [order['barcodes'][0]]
    for line in order['lines']:
        out += [line['barcodes'][0]] * line['quantity']
    return out


class EventStream(threading.Thread):
    """Reads server-sent events from an HTTP response and notes, per verdict number (`seq` of the
    first bench), when it was first seen."""

    def __init__(self, port, path, host_header):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(f'GET {path} HTTP/1.1\r\nHost: {host_header}\r\nAccept: text/event-stream\r\n\r\n'.encode())
        self.seen = {}      # seq → time.time() when first seen
        self.highest = 0
        self.events = 0
        self.lock = threading.Condition()

    def run(self):
        buf = b''
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            now = time.time()
            if not chunk:
                return
            buf += chunk
            while b'\n\n' in buf:
                event, buf = buf.split(b'\n\n', 1)
                for line in event.split(b'\n'):
                    if not line.startswith(b'data: '):
                        continue
                    try:
                        state = json.loads(line[6:])
                        verdict = state['benches'][0]['verdict']
                    except (ValueError, KeyError, IndexError, TypeError):
                        continue
                    if not verdict:
                        continue
                    with self.lock:
                        self.events += 1
                        for seq in range(self.highest + 1, verdict['seq'] + 1):
                            self.seen[seq] = now
                        self.highest = max(self.highest, verdict['seq'])
                        self.lock.notify_all()

    def wait_for(self, seq, timeout):
        deadline = time.monotonic() + timeout
        with self.lock:
            while self.highest < seq and time.monotonic() < deadline:
                self.lock.wait(0.1)
        return self.highest >= seq


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def stats(values):
    return {'n': len(values), 'p50': percentile(values, 0.5) * 1000, 'p99': percentile(values, 0.99) * 1000, 'max': max(values) * 1000}


def drive(process, stream, scan_lines, interval, completing):
    """Writes each scan line, paced; returns the write times."""
    written = []
    t0 = time.monotonic()
    for i, line in enumerate(scan_lines):
        target = t0 + i * interval
        time.sleep(max(0, target - time.monotonic()))
        at = time.time()
        process.stdin.write((line + '\n').encode())
        process.stdin.flush()
        written.append(at)
    return written


def measure(written, stream, scans_per_order, label_times, order_ids):
    screen = [stream.seen[i + 1] - at for i, at in enumerate(written) if (i + 1) in stream.seen]
    printer = []
    for k, oid in enumerate(order_ids):
        done = written[(k + 1) * scans_per_order - 1]
        if oid in label_times:
            printer.append(label_times[oid] - done)
    return screen, printer


def histogram_summary(text, name):
    """Count and the bucket bound under which 50 % and 99 % fall, from a Prometheus histogram."""
    buckets, count = [], 0
    for line in text.splitlines():
        m = re.match(name + r'_bucket\{le="([^"]+)"\} (\d+)', line)
        if m:
            buckets.append((float('inf') if m.group(1) == '+Inf' else float(m.group(1)), int(m.group(2))))
        m = re.match(name + r'_count (\d+)', line)
        if m:
            count = int(m.group(1))
    buckets.sort()

    def bound(q):
        for le, c in buckets:
            if count and c >= q * count:
                return le * 1000
        return float('nan')
    return count, bound(0.5), bound(0.99)


def run_agent(a, tmp, order_list, scan_lines):
    printer, port = start_printer(os.path.join(tmp, 'printer-agent'))
    with open(os.path.join(tmp, 'orders.jsonl'), 'w') as f:
        for o in order_list:
            f.write(json.dumps(o) + '\n')
    kiosk = free_port()
    env = dict(os.environ, CUPS_SERVER='127.0.0.1:9', PACKSTATION_PRINTER_FORMAT='zpl')
    agent = subprocess.Popen([a.agent, 'run', '--scans-from', '-', '--orders', os.path.join(tmp, 'orders.jsonl'), '--data-dir', os.path.join(tmp, 'data'),
                              '--printer', f'tcp://127.0.0.1:{port}', '--kiosk-listen', f'127.0.0.1:{kiosk}', '--log-level', 'warning'],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, 'agent.log'), 'wb'), env=env)
    wait_port(kiosk)
    stream = EventStream(kiosk, '/events', f'127.0.0.1:{kiosk}')
    stream.start()
    time.sleep(1)
    written = drive(agent, stream, scan_lines, a.interval_ms / 1000, None)
    stream.wait_for(len(scan_lines), 30)
    per_order = len(scan_lines) // len(order_list)
    deadline = time.monotonic() + 60
    labels = []
    while time.monotonic() < deadline:
        labels = printed(os.path.join(tmp, 'printer-agent'))
        if len({oid for oid in (o['id'] for o in order_list) if any(oid in l['zpl'] for l in labels)}) == len(order_list):
            break
        time.sleep(0.2)
    time.sleep(0.5)
    labels = printed(os.path.join(tmp, 'printer-agent'))
    label_times = {}
    for o in order_list:
        mine = [l['received_at'] for l in labels if o['id'] in l['zpl']]
        if mine:
            label_times[o['id']] = max(mine)
    import urllib.request
    with urllib.request.urlopen(f'http://127.0.0.1:{kiosk}/metrics', timeout=10) as r:
        metrics = r.read().decode()
    agent.send_signal(signal.SIGTERM)
    agent.stdin.close()
    rc = agent.wait(30)
    printer.terminate()
    printer.wait()
    screen, to_printer = measure(written, stream, per_order, label_times, [o['id'] for o in order_list])
    return screen, to_printer, metrics, rc, len(labels)


def run_peer(a, tmp, order_list, scan_lines):
    printer, port = start_printer(os.path.join(tmp, 'printer-peer'))
    peer = subprocess.Popen([sys.executable, '-c', PEER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    sse_port = int(peer.stdout.readline())
    stream = EventStream(sse_port, '/events', f'127.0.0.1:{sse_port}')
    stream.start()
    time.sleep(1)
    per_order = len(scan_lines) // len(order_list)
    # The completing scan carries the order id so the peer knows what to print.
    lines = [f'LAST-{order_list[i // per_order]["id"]}' if (i + 1) % per_order == 0 else s for i, s in enumerate(scan_lines)]
    written = drive(peer, stream, lines, a.interval_ms / 1000, None)
    stream.wait_for(len(lines), 30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(printed(os.path.join(tmp, 'printer-peer'))) < len(order_list):
        time.sleep(0.1)
    labels = printed(os.path.join(tmp, 'printer-peer'))
    label_times = {l['fields'][0]: l['received_at'] for l in labels if l['fields']}
    peer.stdin.close()
    peer.wait(10)
    printer.terminate()
    printer.wait()
    return measure(written, stream, per_order, label_times, [o['id'] for o in order_list])


def fsync_floor(directory, n=300):
    """The disk's floor under a durable commit: 4 KiB appended and fsync'ed, n times, in the
    directory the agent's journal was in (SQLite in WAL mode with synchronous = FULL fsyncs its
    log once per commit, so every scan waits for at least one of these)."""
    path = os.path.join(directory, 'fsync-probe')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    times = []
    try:
        for _ in range(n):
            os.write(fd, b'x' * 4096)
            t = time.perf_counter()
            os.fsync(fd)
            times.append(time.perf_counter() - t)
    finally:
        os.close(fd)
        os.unlink(path)
    return stats(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('agent')
    ap.add_argument('--orders', type=int, default=300)
    ap.add_argument('--interval-ms', type=float, default=40, help='pause between scan lines')
    ap.add_argument('--json', help='also write the figures as JSON to FILE')
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='packstation-bench-latency-')
    order_list = orders(a.orders)
    scan_lines = [s for o in order_list for s in scans_for(o)]

    screen, to_printer, metrics, rc, label_count = run_agent(a, tmp, order_list, scan_lines)
    peer_screen, peer_printer = run_peer(a, tmp, order_list, scan_lines)
    disk = fsync_floor(os.path.join(tmp, 'data'))

    problems = []
    if len(screen) != len(scan_lines):
        problems.append(f'{len(scan_lines) - len(screen)} of {len(scan_lines)} verdicts never reached the event stream')
    if len(to_printer) != len(order_list):
        problems.append(f'{len(order_list) - len(to_printer)} of {len(order_list)} orders printed no label')
    if rc != 0:
        problems.append(f'the agent exited with {rc} after SIGTERM (log: {tmp}/agent.log)')
    h_screen = histogram_summary(metrics, 'packstation_scan_to_screen_seconds')
    h_printer = histogram_summary(metrics, 'packstation_scan_to_printer_seconds')
    if h_screen[0] != len(scan_lines) or h_printer[0] != len(order_list):
        problems.append(f'/metrics counts {h_screen[0]} scans on screen and {h_printer[0]} orders printed; expected {len(scan_lines)} and {len(order_list)}')

    s, p = stats(screen or [0]), stats(to_printer or [0])
    ps, pp = stats(peer_screen or [0]), stats(peer_printer or [0])
    load = os.getloadavg()
    print(f'{a.orders} orders, {len(scan_lines)} scans, one every {a.interval_ms:g} ms; {label_count} ZPL labels to the test printer on raw TCP; '
          f'load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores at the end.')
    print()
    print('| from → to | packstation run: p50 / p99 / max | goal at p99 | agent\'s own histogram (/metrics): p50 / p99 bucket | peer (Python echo, no work): p50 / p99 / max |')
    print('|---|---|---|---|---|')
    print(f'| scan → verdict on the kiosk event stream ({s["n"]} scans) | {s["p50"]:.1f} / {s["p99"]:.1f} / {s["max"]:.1f} ms | < 20 ms | ≤ {h_screen[1]:g} / ≤ {h_screen[2]:g} ms | {ps["p50"]:.2f} / {ps["p99"]:.2f} / {ps["max"]:.2f} ms |')
    print(f'| completing scan → label at the printer ({p["n"]} orders) | {p["p50"]:.1f} / {p["p99"]:.1f} / {p["max"]:.1f} ms | < 100 ms | ≤ {h_printer[1]:g} / ≤ {h_printer[2]:g} ms | {pp["p50"]:.2f} / {pp["p99"]:.2f} / {pp["max"]:.2f} ms |')
    print()
    print(f'Disk floor, same run and file system: fsync of 4 KiB appended to a file in the data directory, {disk["n"]} times: '
          f'p50 {disk["p50"]:.2f} / p99 {disk["p99"]:.2f} / max {disk["max"]:.2f} ms (each scan\'s journal commit waits for at least one).')
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'disk': disk, 'screen': s, 'printer': p, 'peer_screen': ps, 'peer_printer': pp, 'histogram_screen': h_screen, 'histogram_printer': h_printer}, f, indent=1)
    for problem in problems:
        print('problem: ' + problem, file=sys.stderr)
    if problems:
        sys.exit(1)


if __name__ == '__main__':
    main()
