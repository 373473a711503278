#!/usr/bin/env python3
"""The hub and the agent under attack, as issue 12 tried them, against real binaries on 127.0.0.1.

    python3 scripts/attack.py BIN_DIR [--only NAME ...] [--list]

BIN_DIR holds `packstation` and `packstation-hub` (release binaries from `swift build -c release`;
scripts/test.sh builds them). This script runs every attack of the issue:

- its own attacks on the hub's parsers and server (quadratic JSON, unbounded error lists,
  half-sent and idle sockets, DNS rebinding, page headers, loopback spoofing, the database's
  mode, a wrong secret, the smaller holes, a broken CSV import, TLS), on a hub with two stations;
- scripts/attack-authorization.py: station A against station B's orders and keys;
- scripts/attack-web.py: markup on the hub page, the kiosk's headers, Host check, token,
  timeouts and connection limit, and a plain-http server address.

Each line says what the attacker saw; exit 1 if any attack got more than a clear refusal.
Everything started is stopped by PID; nothing outside temp dirs is touched. Standard library only.
"""
import argparse
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HUB_TIMEOUT = 3  # seconds: the hub is started with this request-head and idle timeout


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_port(port, proc, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'exited with {proc.returncode} before listening:\n{open(log).read()[-3000:]}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f'nothing listens on {port}:\n{open(log).read()[-3000:]}')


def request(port, method, path, body=None, headers=None, timeout=30):
    """One HTTP exchange; returns (status, headers as a lower-cased dict, body text)."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    h = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h.setdefault('Content-Type', 'application/json')
    if isinstance(body, str):
        body = body.encode()
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read().decode('utf-8', 'replace')
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def error_code(text):
    try:
        return json.loads(text)['error']['code']
    except Exception:
        return None


class Bench:
    """A hub with bench-a and bench-b and orders for each."""

    def __init__(self, bins, tmp):
        self.bins, self.tmp, self.procs = bins, tmp, []
        self.hub_bin = os.path.join(bins, 'packstation-hub')
        self.agent_bin = os.path.join(bins, 'packstation')
        self.db = os.path.join(tmp, 'hub.sqlite')
        self.token_a = self.hub('station', 'add', 'bench-a').strip().splitlines()[-1]
        self.token_b = self.hub('station', 'add', 'bench-b').strip().splitlines()[-1]
        orders = os.path.join(tmp, 'orders.jsonl')
        with open(orders, 'w') as f:
            for oid, status in [('A-1', 'ready'), ('A-2', 'ready'), ('A-HOLD', 'on_hold'), ('A-CANCEL', 'cancelled')]:
                f.write(json.dumps(self.order(oid, status)) + '\n')
        self.hub('import', orders, '--station', 'bench-a')
        with open(orders, 'w') as f:
            f.write(json.dumps(self.order('B-1', 'ready')) + '\n')
        self.hub('import', orders, '--station', 'bench-b')
        with open(orders, 'w') as f:
            f.write(json.dumps(self.order('ANY-1', 'ready')) + '\n')
        self.hub('import', orders)
        self.hub_port, self.hub_proc = self.serve_hub()

    @staticmethod
    def order(oid, status):
        return {'id': oid, 'barcodes': [f'ORD-{oid}'], 'status': status, 'payment': 'captured', 'priority': 'standard',
                'lines': [{'sku': 'SKU-1', 'description': 'Widget', 'quantity': 1, 'barcodes': ['4006381333931']}],
                'shipment': {'carrier': 'UPS', 'service': 'Ground', 'packages': 1,
                             'from': {'name': 'Shop', 'street': ['1 Main St'], 'city': 'Springfield', 'postal_code': '12345', 'country': 'US'},
                             'to': {'name': 'Customer', 'street': ['2 Side St'], 'city': 'Shelbyville', 'postal_code': '54321', 'country': 'US'}}}

    def hub(self, *args, check=True):
        r = subprocess.run([self.hub_bin, *args, '--db', self.db], capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f'packstation-hub {" ".join(args)}: {r.stderr}')
        return r.stdout if check else r

    def start(self, name, argv, env=None, fd_limit=None):
        log = os.path.join(self.tmp, name + '.log')
        def limits():
            if fd_limit:
                resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))
        p = subprocess.Popen(argv, stdout=open(log, 'w'), stderr=subprocess.STDOUT, env=env, preexec_fn=limits)
        self.procs.append(p)
        return p, log

    def serve_hub(self, *extra, fd_limit=1024):
        port = free_port()
        p, log = self.start(f'hub-{port}', [self.hub_bin, 'serve', '--db', self.db, '--port', str(port),
                                            '--head-timeout', str(HUB_TIMEOUT), '--idle-timeout', str(HUB_TIMEOUT), *extra],
                            fd_limit=fd_limit)
        wait_port(port, p, log)
        return port, p

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()

    def auth(self, token):
        return {'Authorization': f'Bearer {token}'}

    def result(self, order_id, station, key=None, override=None, outcome='packed'):
        body = {'order_id': order_id, 'station': station, 'packer': 'p1', 'outcome': outcome,
                'started_at': '2026-12-04T10:00:00Z', 'ended_at': '2026-12-04T10:01:00Z',
                'lines': [{'sku': 'SKU-1', 'expected': 1, 'packed': 1, 'short': 0}],
                'scans': [{'seq': 1, 'data': '4006381333931'}]}
        if override:
            body['override'] = override
        return {'key': key or str(uuid.uuid4()), 'type': 'pack_result', 'order_id': order_id, 'body': body}

    def post_results(self, token, *items):
        return request(self.hub_port, 'POST', '/v1/results', {'items': list(items)}, self.auth(token))

    def packed(self, order_id):
        _, _, text = request(self.hub_port, 'GET', '/v1/admin/orders?limit=1000')
        return any(o['id'] == order_id and o['state'] == 'packed' for o in json.loads(text)['orders'])


ATTACKS = []


def attack(fn):
    ATTACKS.append(fn)
    return fn


class Failed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failed(what)


XSS = '\u0600<img src=x onerror=window.__pwned=1>'


@attack
def quadratic_json(b):
    def members(n):
        return '{' + ','.join(f'"k{i}":0' for i in range(n)) + '}'
    # The results route reads up to 8 MiB (1,000 results); a duplicate-key scan per member costs
    # 16x for 4x the members, hashing 4x.
    t40, s, _ = timed_post(b, '/v1/results', members(40_000))
    t160, s2, _ = timed_post(b, '/v1/results', members(160_000))
    big = members(560_000)  # ~7.6 MB
    t560, s3, text = timed_post(b, '/v1/results', big)
    expect(s in (400, 422) and s2 in (400, 422) and s3 in (400, 413, 422), f'statuses {s} {s2} {s3}')
    expect(t560 < 10, f'an {len(big) >> 20} MiB object took {t560:.1f} s')
    expect(t160 < max(0.5, 8 * t40), f'160k members {t160:.2f} s vs 40k {t40:.2f} s: not linear')
    return f'40k members {t40 * 1000:.0f} ms, 160k {t160 * 1000:.0f} ms, {len(big) / 1e6:.1f} MB {t560 * 1000:.0f} ms'


def timed_post(b, path, body):
    t0 = time.monotonic()
    s, _, t = request(b.hub_port, 'POST', path, body, {**b.auth(b.token_a), 'Content-Type': 'application/json'}, timeout=120)
    return time.monotonic() - t0, s, t


def rss_peak_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


@attack
def unbounded_error_lists(b):
    """An 8 MB heartbeat of 2.79 million `{}`, one of 21,000 that fits the status route's 64 KiB,
    and a result with a million bad lines (4 million problems) get short answers."""
    out = []
    bodies = [('/v1/status', '{"scanners":[' + ','.join(['{}'] * 2_790_000) + ']}'),
              ('/v1/status', '{"scanners":[' + ','.join(['{}'] * 21_000) + ']}'),
              ('/v1/results', json.dumps({'items': [b.result('A-1', 'bench-a')]}).replace('"lines": [', '"lines": [' + '{},' * 1_000_000, 1))]
    for path, body in bodies:
        _, s, t = timed_post(b, path, body)
        expect(s in (413, 422), f'{path}: status {s}')
        expect(len(t) < 64 * 1024, f'{path}: the error answer is {len(t)} bytes')
        if s == 422:
            problems = json.loads(t)['error'].get('problems', [])
            expect(len(problems) <= 100, f'{path}: {len(problems)} problems listed')
        out.append(f'{path} {len(body) / 1e6:.1f} MB -> {s}, {len(t)} bytes')
    peak = rss_peak_kib(b.hub_proc.pid)
    expect(peak < 256 * 1024, f'the hub peaked at {peak >> 10} MiB')
    return '; '.join(out) + f'; hub peak RSS {peak >> 10} MiB'


def half_sent(port, n, host='127.0.0.1'):
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b'POST /v1/results HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le')
        socks.append(s)
    return socks


def count_closed(socks, deadline):
    """Waits until every socket is closed by the server (recv returns b'' or an error) or the deadline."""
    open_ = list(socks)
    for s in open_:
        s.setblocking(False)
    while open_ and time.monotonic() < deadline:
        still = []
        for s in open_:
            try:
                if s.recv(4096) == b'':
                    s.close()
                    continue
                s.close()  # an answer (e.g. 408) then close counts as closed
                continue
            except BlockingIOError:
                still.append(s)
            except OSError:
                s.close()
        open_ = still
        time.sleep(0.1)
    for s in open_:
        s.close()
    return len(socks) - len(open_)


@attack
def slowloris(b):
    """200 half-sent requests trickling a byte a second are closed by the request-head timeout."""
    socks = half_sent(b.hub_port, 200)
    t0 = time.monotonic()
    for _ in range(HUB_TIMEOUT + 1):
        for s in socks:
            try:
                s.sendall(b'n')
            except OSError:
                pass
        time.sleep(1)
    closed = count_closed(socks, t0 + HUB_TIMEOUT + 5)
    expect(closed == 200, f'{200 - closed} of 200 half-sent requests still open {HUB_TIMEOUT + 5} s later')
    return f'200 half-sent requests closed within {time.monotonic() - t0:.1f} s (timeout {HUB_TIMEOUT} s)'


@attack
def two_thousand_idle_sockets(b):
    """2,000 idle sockets against a hub with the usual 1,024 fd limit: it keeps answering, then closes them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4096), max(hard, 4096)))
    socks = []
    t0 = time.monotonic()
    for _ in range(2000):
        try:
            socks.append(socket.create_connection(('127.0.0.1', b.hub_port), timeout=2))
        except OSError:
            break
    s, _, _ = request(b.hub_port, 'GET', '/healthz', timeout=5)
    expect(s == 200, f'with {len(socks)} idle sockets open the hub answered {s}')
    closed = count_closed(socks, t0 + HUB_TIMEOUT + 10)
    expect(closed == len(socks), f'{len(socks) - closed} idle sockets still open')
    s, _, _ = request(b.hub_port, 'GET', '/healthz', timeout=5)
    expect(s == 200, 'the hub stopped answering')
    return f'{len(socks)} idle sockets: /healthz answered, all closed within {time.monotonic() - t0:.1f} s'


@attack
def dns_rebinding(b):
    """A hub without an admin token answers only its loopback names (the kiosk: attack-web.py)."""
    s, _, t = request(b.hub_port, 'GET', '/v1/admin/summary', headers={'Host': f'evil.example:{b.hub_port}'})
    expect(s in (400, 403, 421) and '"orders"' not in t, f'the hub (no admin token) answered a foreign Host with {s}')
    s2, _, _ = request(b.hub_port, 'GET', '/v1/admin/summary', headers={'Host': f'127.0.0.1:{b.hub_port}'})
    expect(s2 == 200, f'the hub refused its own Host: {s2}')
    return f'Host evil.example: {s}; Host 127.0.0.1: {s2}'


@attack
def security_headers(b):
    """The hub page (the kiosk page: attack-web.py)."""
    s, h, _ = request(b.hub_port, 'GET', '/')
    expect(s == 200, f'hub page: {s}')
    csp = h.get('content-security-policy', '')
    expect('frame-ancestors' in csp and "'unsafe-inline'" not in csp.split('script-src')[-1].split(';')[0], f'CSP {csp!r}')
    expect(h.get('x-content-type-options') == 'nosniff', 'no X-Content-Type-Options')
    expect('referrer-policy' in h, 'no Referrer-Policy')
    return f'CSP {csp!r}, nosniff, Referrer-Policy {h["referrer-policy"]}'


@attack
def loopback_spoofing_host(b):
    r = subprocess.run([b.hub_bin, 'serve', '--db', os.path.join(b.tmp, 'spoof.sqlite'), '--host', '127.0.0.1.nip.io', '--port', '0'],
                       capture_output=True, text=True, timeout=30)
    expect(r.returncode != 0 and 'admin' in r.stderr.lower(), f'the hub took 127.0.0.1.nip.io for loopback: exit {r.returncode} {r.stderr[-300:]}')
    return f'refused (exit {r.returncode}): {r.stderr.strip().splitlines()[0][:160]}'


@attack
def database_file_mode(b):
    modes = {f: oct(os.stat(os.path.join(b.tmp, f)).st_mode & 0o777) for f in os.listdir(b.tmp) if f.startswith('hub.sqlite')}
    expect(all(m == '0o600' for m in modes.values()), f'modes {modes}')
    return f'{modes}'


@attack
def wrong_secret(b):
    sid = b.token_a.split('.')[0]
    s, _, t = request(b.hub_port, 'GET', '/v1/orders/queue', headers={'Authorization': f'Bearer {sid}.{"0" * 48}'})
    expect(s == 401 and 'bench-a' not in t, f'{s} {t[:200]}')
    return f'{s} {error_code(t)}, no station named'


@attack
def small_holes(b):
    s1, _, t1 = request(b.hub_port, 'POST', '/v1/status', {'outbox_pending': -5}, b.auth(b.token_a))
    expect(s1 == 422, f'negative outbox_pending: {s1}')
    r = b.result('A-2', 'bench-a')
    r['body']['lines'][0]['packed'] = -1
    s2, _, _ = b.post_results(b.token_a, r)
    expect(s2 == 422, f'a negative packed count: {s2}')
    s3, _, t3 = request(b.hub_port, 'POST', '/v1/status', '{}', {**b.auth(b.token_a), 'Content-Type': 'text/plain'})
    expect(s3 == 415, f'text/plain body: {s3}')
    s4, h4, _ = request(b.hub_port, 'DELETE', '/v1/results', headers=b.auth(b.token_a))
    expect(s4 == 405 and 'POST' in h4.get('allow', ''), f'DELETE: {s4} Allow={h4.get("allow")!r}')
    return f'negative counts {s1}/{s2}, text/plain {s3}, DELETE {s4} Allow: {h4.get("allow")}'


@attack
def csv_with_an_unclosed_quote(b):
    path = os.path.join(b.tmp, 'orders.csv')
    with open(path, 'w') as f:
        f.write('order_id,order_barcodes,status,payment,priority,sku,description,quantity,item_barcodes,serialized\n')
        # The quote opened in the last column of line 2 is never closed: read as CSV has always
        # been read here, it swallowed lines 3-4 into one field and imported CSV-1 only.
        f.write('CSV-1,ORD-CSV-1,ready,captured,standard,SKU-1,Widget,1,4006381333931,"false\n')
        f.write('CSV-2,ORD-CSV-2,ready,captured,standard,SKU-1,Widget,1,4006381333931,false\n')
        f.write('CSV-3,ORD-CSV-3,ready,captured,standard,SKU-1,Widget,1,4006381333931,false\n')
    r = b.hub('import', path, check=False)
    expect(r.returncode == 1 and 'line 2' in r.stderr and 'quote' in r.stderr, f'exit {r.returncode}: {r.stderr[-300:]}')
    _, _, t = request(b.hub_port, 'GET', '/v1/admin/orders?limit=1000')
    ids = [o['id'] for o in json.loads(t)['orders']]
    expect(not any(i.startswith('CSV-') for i in ids), f'orders imported anyway: {ids}')
    return r.stderr.strip().splitlines()[-1][:160]


@attack
def plain_http_to_a_tls_hub(b):
    """serve --tls-cert/--tls-key: HTTPS with the hub's certificate works, plain HTTP gets nothing."""
    cert, key = os.path.join(b.tmp, 'hub.crt'), os.path.join(b.tmp, 'hub.key')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert],
                   check=True, capture_output=True, timeout=60)
    port, _ = b.serve_hub('--tls-cert', cert, '--tls-key', key)
    import ssl
    ctx = ssl.create_default_context(cafile=cert)
    conn = http.client.HTTPSConnection('127.0.0.1', port, context=ctx, timeout=10)
    conn.request('GET', '/v1/orders/queue', headers=b.auth(b.token_a))
    r = conn.getresponse()
    r.read()
    expect(r.status == 200, f'HTTPS queue: {r.status}')
    try:
        s, _, _ = request(port, 'GET', '/healthz', timeout=5)
        plain = f'plain HTTP answered {s}'
        expect(False, plain)
    except Failed:
        raise
    except Exception as e:
        plain = f'plain HTTP: {type(e).__name__}'
    return f'HTTPS with the hub certificate: {r.status}; {plain}'


def run_script(name, bins):
    """Runs another attack script of this directory; its lines are printed as they come."""
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, os.path.join(here, name), bins], text=True, capture_output=True, timeout=600)
    print(r.stdout, end='', flush=True)
    if r.returncode != 0:
        print(r.stderr[-2000:], end='', file=sys.stderr)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('bin_dir')
    ap.add_argument('--only', action='append', help='run only this attack of this script (and not the other scripts)')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()
    if args.list:
        for a in ATTACKS:
            print(a.__name__)
        return 0
    failed = []
    with tempfile.TemporaryDirectory(prefix='packstation-attack.') as tmp:
        b = Bench(args.bin_dir, tmp)
        try:
            for a in ATTACKS:
                if args.only and a.__name__ not in args.only:
                    continue
                t0 = time.monotonic()
                try:
                    seen = a(b)
                    print(f'ok    {a.__name__} ({time.monotonic() - t0:.1f} s): {seen}', flush=True)
                except Exception as e:  # a crash of the script or of a peer is a failure too
                    failed.append(a.__name__)
                    detail = str(e) if isinstance(e, Failed) else f'{type(e).__name__}: {e}'
                    print(f'FAIL  {a.__name__}: {detail}', flush=True)
            if b.hub_proc.poll() is not None:
                failed.append('hub-alive')
                print(f'FAIL  the hub died during the attacks (exit {b.hub_proc.returncode})')
        finally:
            b.stop()
    if not args.only:
        for script in ['attack-authorization.py', 'attack-web.py']:
            print(f'== {script}', flush=True)
            if not run_script(script, args.bin_dir):
                failed.append(script)
    print('every attack was refused' if not failed else f'got through: {", ".join(failed)}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
