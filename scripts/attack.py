#!/usr/bin/env python3
"""The hub and the agent under attack, as issue 12 tried them, against real binaries on 127.0.0.1.

    python3 scripts/attack.py BIN_DIR [--only NAME ...] [--list]

BIN_DIR holds `packstation` and `packstation-hub` (release binaries: `swift build -c release
--show-bin-path`; the test suite passes its own). Starts a hub with two stations (bench-a,
bench-b) and an agent with its kiosk, runs every attack, prints what the attacker saw, and exits 1
if any attack got more than a clear refusal. Everything it starts is stopped by PID; nothing
outside a temp dir is touched. Standard library only.
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

HUB_TIMEOUT = 3  # seconds: the hub and kiosk are started with this request-head/idle timeout


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
    """A hub with bench-a and bench-b, orders for each, and (when asked) an agent with its kiosk."""

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
                                            '--request-timeout', str(HUB_TIMEOUT), '--idle-timeout', str(HUB_TIMEOUT), *extra],
                            fd_limit=fd_limit)
        wait_port(port, p, log)
        return port, p

    def start_agent(self):
        self.kiosk_port = free_port()
        env = dict(os.environ, PACKSTATION_SERVER_URL=f'http://127.0.0.1:{self.hub_port}', PACKSTATION_TOKEN=self.token_a,
                   PACKSTATION_STATION_NAME='bench-a')
        env.pop('PACKSTATION_CONFIG', None)
        config = os.path.join(self.tmp, 'station.toml')
        with open(config, 'w') as f:
            f.write(f'[kiosk]\nrequest_timeout = {HUB_TIMEOUT}\n')
        p, log = self.start('agent', [self.agent_bin, 'run', '--config', config, '--data-dir', os.path.join(self.tmp, 'agent'),
                                      '--printer', f'file://{self.tmp}/labels', '--scans-from', '-',
                                      '--kiosk-listen', f'127.0.0.1:{self.kiosk_port}'], env=env)
        wait_port(self.kiosk_port, p, log)

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
def stored_script_on_the_hub_page(b):
    """A heartbeat's scanner name, an event kind and an order id carry markup; the page shows text."""
    s, _, t = request(b.hub_port, 'POST', '/v1/status', {'scanners': [{'name': XSS, 'state': '<b>ok</b>'}], 'printers': []}, b.auth(b.token_a))
    expect(s == 200, f'heartbeat not taken: {s} {t}')
    event = {'key': str(uuid.uuid4()), 'type': 'event', 'order_id': None, 'body': {'kind': '<script>window.__pwned=1</script>', 'at': '2026-12-04T10:00:00Z'}}
    s, _, t = b.post_results(b.token_a, event)
    expect(s == 200, f'event not taken: {s} {t}')
    s, h, page = request(b.hub_port, 'GET', '/')
    expect(s == 200, f'page: {s}')
    expect('<img' not in page and '<script>window' not in page and '<b>ok' not in page, 'markup from a station reached the page raw')
    expect('&lt;img src=x' in page, 'the scanner name is not shown as text')
    csp = h.get('content-security-policy', '')
    expect("script-src" in csp or "default-src 'none'" in csp or "default-src 'self'" in csp, f'no CSP on the page: {csp!r}')
    expect("'unsafe-inline'" not in csp.split('script-src')[-1].split(';')[0] if 'script-src' in csp else True, f'the CSP lets inline script run: {csp}')
    return f'page shows the markup as text; CSP {csp!r}'


@attack
def results_for_orders_that_are_not_yours(b):
    """bench-a reports B's order, a cancelled, an on-hold and an unknown order: each refused, none packed."""
    seen = []
    for oid, status, code in [('B-1', 403, 'not_your_order'), ('A-CANCEL', 409, 'order_cancelled'),
                              ('A-HOLD', 409, 'order_on_hold'), ('NOPE-1', 409, 'unknown_order')]:
        s, _, t = b.post_results(b.token_a, b.result(oid, 'bench-a'))
        expect((s, error_code(t)) == (status, code), f'{oid}: expected {status} {code}, got {s} {t[:300]}')
        expect(json.loads(t)['error'].get('item') == 0, f'{oid}: the refusal does not name the item: {t[:300]}')
        expect(not b.packed(oid), f'{oid} was marked packed')
        seen.append(f'{oid}: {s} {code}')
    s, _, t = b.post_results(b.token_a, b.result('A-HOLD', 'bench-a', override={'supervisor': 'sup-1', 'reason': 'customer called'}))
    expect(s == 200, f'an on-hold order with a supervisor override was refused: {s} {t[:300]}')
    return '; '.join(seen) + '; on hold with an override: stored'


@attack
def a_body_naming_another_station(b):
    s, _, t = b.post_results(b.token_a, b.result('A-1', 'bench-b'))
    expect((s, error_code(t)) == (403, 'station_mismatch'), f'got {s} {t[:300]}')
    expect(not b.packed('A-1'), 'A-1 was marked packed')
    return f'{s} station_mismatch'


@attack
def lookup_and_queue_of_other_orders(b):
    s, _, t = request(b.hub_port, 'GET', '/v1/orders/lookup?barcode=ORD-B-1', headers=b.auth(b.token_a))
    expect((s, error_code(t)) == (403, 'not_your_order'), f"B's order: {s} {t[:200]}")
    expect('bench-b' not in t and '"lines"' not in t, "the refusal shows B's order or names the station")
    s, _, t = request(b.hub_port, 'GET', '/v1/orders/lookup?barcode=ORD-A-CANCEL', headers=b.auth(b.token_a))
    expect((s, error_code(t)) == (409, 'order_cancelled'), f'cancelled: {s} {t[:200]}')
    s, _, t = request(b.hub_port, 'GET', '/v1/orders/lookup?barcode=ORD-ANY-1', headers=b.auth(b.token_a))
    expect(s == 200, f'an any-station order: {s}')
    s, _, t = request(b.hub_port, 'GET', '/v1/orders/queue', headers=b.auth(b.token_a))
    ids = sorted(o['id'] for o in json.loads(t)['orders'])
    expect('B-1' not in ids and 'A-CANCEL' not in ids, f'queue of bench-a holds {ids}')
    return f"B's order 403, cancelled 409, any-station 200; bench-a's queue {ids}"


@attack
def idempotency_keys_across_stations(b):
    key = 'shared-key-' + uuid.uuid4().hex[:8]
    s1, _, t1 = b.post_results(b.token_a, b.result('A-2', 'bench-a', key=key))
    s2, _, t2 = b.post_results(b.token_b, b.result('B-1', 'bench-b', key=key))
    expect(s1 == 200 and json.loads(t1)['items'][0]['status'] == 'stored', f'A: {s1} {t1[:200]}')
    expect(s2 == 200 and json.loads(t2)['items'][0]['status'] == 'stored', f'B with the same key: {s2} {t2[:200]}')
    s3, _, t3 = b.post_results(b.token_a, b.result('A-2', 'bench-a', key=key))
    expect(s3 == 200 and json.loads(t3)['items'][0]['status'] == 'duplicate', f'A resending the same body: {s3} {t3[:200]}')
    s4, _, t4 = b.post_results(b.token_a, b.result('A-2', 'bench-a', key=key, outcome='short_shipped'))
    expect((s4, error_code(t4)) == (409, 'key_reused'), f'A reusing the key with another body: {s4} {t4[:200]}')
    return 'same key from two stations: both stored; same body: duplicate; another body: 409 key_reused'


def timed_post(b, path, body):
    t0 = time.monotonic()
    s, _, t = request(b.hub_port, 'POST', path, body, b.auth(b.token_a), timeout=120)
    return time.monotonic() - t0, s, t


@attack
def quadratic_json(b):
    def members(n):
        return '{' + ','.join(f'"k{i}":0' for i in range(n)) + '}'
    t40, s, _ = timed_post(b, '/v1/status', members(40_000))
    t160, s2, _ = timed_post(b, '/v1/status', members(160_000))
    big = members(560_000)  # ~8 MB
    t560, s3, text = timed_post(b, '/v1/status', big)
    expect(s in (400, 422) and s2 in (400, 422) and s3 in (400, 413, 422), f'statuses {s} {s2} {s3}')
    expect(t560 < 10, f'an {len(big) >> 20} MiB object took {t560:.1f} s')
    expect(t160 < max(0.5, 8 * t40), f'160k members {t160:.2f} s vs 40k {t40:.2f} s: not linear')
    return f'40k members {t40 * 1000:.0f} ms, 160k {t160 * 1000:.0f} ms, {len(big) / 1e6:.1f} MB {t560 * 1000:.0f} ms'


def rss_peak_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


@attack
def unbounded_error_lists(b):
    """An 8 MB heartbeat of 2.79 million `{}` and a result with a million bad lines get short answers."""
    out = []
    bodies = [('/v1/status', '{"scanners":[' + ','.join(['{}'] * 2_790_000) + ']}'),
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
    expect(peak < 600 * 1024, f'the hub peaked at {peak >> 10} MiB')
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
    s, _, t = request(b.hub_port, 'GET', '/v1/admin/summary', headers={'Host': f'evil.example:{b.hub_port}'})
    expect(s in (400, 403, 421), f'the hub (no admin token) answered a foreign Host with {s}')
    s2, _, _ = request(b.kiosk_port, 'GET', '/state', headers={'Host': f'evil.example:{b.kiosk_port}'})
    expect(s2 in (400, 403, 421), f'the kiosk answered a foreign Host with {s2}')
    s3, _, _ = request(b.kiosk_port, 'GET', '/state', headers={'Host': f'127.0.0.1:{b.kiosk_port}'})
    expect(s3 == 200, f'the kiosk refused its own Host: {s3}')
    return f'foreign Host: hub {s}, kiosk {s2}; own Host: kiosk {s3}'


@attack
def security_headers(b):
    out = []
    for name, port in [('hub', b.hub_port), ('kiosk', b.kiosk_port)]:
        s, h, _ = request(port, 'GET', '/')
        expect(s == 200, f'{name} page: {s}')
        csp = h.get('content-security-policy', '')
        expect('frame-ancestors' in csp, f'{name}: no frame-ancestors in {csp!r}')
        expect(h.get('x-content-type-options') == 'nosniff', f'{name}: no X-Content-Type-Options')
        expect('referrer-policy' in h, f'{name}: no Referrer-Policy')
        out.append(f'{name}: CSP {csp!r}')
    return '; '.join(out)


@attack
def kiosk_on_all_interfaces_without_a_token(b):
    env = dict(os.environ)
    env.pop('PACKSTATION_CONFIG', None)
    r = subprocess.run([b.agent_bin, 'run', '--data-dir', os.path.join(b.tmp, 'agent-open'), '--scans-from', '/dev/null',
                        '--exit-when-done', '--printer', f'file://{b.tmp}/labels-open', '--kiosk-listen', '0.0.0.0:0'],
                       capture_output=True, text=True, timeout=60, env=env)
    expect(r.returncode in (1, 2), f'the agent served the kiosk on 0.0.0.0 without a token (exit {r.returncode})')
    expect('token' in r.stderr.lower(), f'the error does not say what to do: {r.stderr[-400:]}')
    return f'exit {r.returncode}: {r.stderr.strip().splitlines()[-1][:160]}'


@attack
def plain_http_to_a_remote_server(b):
    config = os.path.join(b.tmp, 'insecure.toml')
    with open(config, 'w') as f:
        f.write('[server]\nurl = "http://10.20.30.40:8080"\ntoken = "1.abc"\n')
    r = subprocess.run([b.agent_bin, 'doctor', '--config', config, '--data-dir', os.path.join(b.tmp, 'agent-doctor'), '--json'],
                       capture_output=True, text=True, timeout=120)
    expect(r.returncode == 1 and 'allow_insecure' in r.stdout + r.stderr, f'doctor did not fail on plain http: exit {r.returncode}')
    with open(config, 'a') as f:
        f.write('allow_insecure = true\n')
    r2 = subprocess.run([b.agent_bin, 'doctor', '--config', config, '--data-dir', os.path.join(b.tmp, 'agent-doctor'), '--json'],
                        capture_output=True, text=True, timeout=120)
    insecure = [json.loads(l) for l in r2.stdout.splitlines() if l.startswith('{') and 'allow_insecure' in l]
    expect(all(c.get('status') != 'fail' for c in insecure), f'doctor still fails with allow_insecure: {insecure}')
    return 'doctor fails on http://10.20.30.40, passes that check with server.allow_insecure = true'


@attack
def loopback_spoofing_host(b):
    r = subprocess.run([b.hub_bin, 'serve', '--db', os.path.join(b.tmp, 'spoof.sqlite'), '--host', '127.0.0.1.nip.io', '--port', '0'],
                       capture_output=True, text=True, timeout=30)
    expect(r.returncode != 0 and 'admin' in r.stderr.lower(), f'the hub took 127.0.0.1.nip.io for loopback: exit {r.returncode} {r.stderr[-300:]}')
    return f'refused: {r.stderr.strip().splitlines()[-1][:160]}'


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('bin_dir')
    ap.add_argument('--only', action='append')
    ap.add_argument('--list', action='store_true')
    args = ap.parse_args()
    if args.list:
        for a in ATTACKS:
            print(a.__name__)
        return 0
    failed = 0
    with tempfile.TemporaryDirectory(prefix='packstation-attack.') as tmp:
        b = Bench(args.bin_dir, tmp)
        try:
            b.start_agent()
            for a in ATTACKS:
                if args.only and a.__name__ not in args.only:
                    continue
                t0 = time.monotonic()
                try:
                    seen = a(b)
                    print(f'ok    {a.__name__} ({time.monotonic() - t0:.1f} s): {seen}', flush=True)
                except Failed as e:
                    failed += 1
                    print(f'FAIL  {a.__name__}: {e}', flush=True)
                except Exception as e:  # a crash of the script or of a peer is a failure too
                    failed += 1
                    print(f'FAIL  {a.__name__}: {type(e).__name__}: {e}', flush=True)
            if b.hub_proc.poll() is not None:
                failed += 1
                print(f'FAIL  the hub died during the attacks (exit {b.hub_proc.returncode})')
        finally:
            b.stop()
    print(f'{len(ATTACKS) - failed if not args.only else len(args.only) - failed} attacks refused, {failed} got through')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
