#!/usr/bin/env python3
"""The web attacks of issue 12 against the built binaries: a stored script on the hub page, the
kiosk's headers, DNS rebinding, a kiosk beyond loopback without a token, idle and half-sent
sockets, a socket flood, and a plain-http server address beyond this machine.

    scripts/attack-web.py BIN_DIR     # BIN_DIR holds packstation and packstation-hub

Starts `packstation-hub serve` on 127.0.0.1 and `packstation run` with its kiosk on 0.0.0.0 (with
a kiosk token, short timeouts and a small connection limit), then attacks over plain sockets (the
token's checks from this machine's network address: loopback peers, the bench's own screen, need
none) and
checks what the attacker and the user see. What must still work is checked too (the page with
the token, loopback names), so a server that refuses everything fails. The browser's view of the
same payloads is Tests/kiosk/test_hostile_text.py. One line per check; exit 1 if any failed.
Takes ~15 s.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

MARKED = '\u0600<img src=x onerror=alert(1)>'
CUSTOMER = '</script><script>alert(4)</script>'
EMAIL = '<svg/onload=alert(5)>@x.example'
TOKEN = 'attack-web-kiosk-token-0123456789'
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(('ok    ' if ok else 'FAIL  ') + name + ('' if ok or not detail else ': ' + str(detail)[:400]), flush=True)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f'error: {what} exited with {proc.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f'error: {what} did not listen on {port}')


def network_address():
    """This machine's IPv4 address that is not loopback (where a packet to a documentation
    network would leave from; nothing is sent), or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(('198.51.100.1', 9))
        address = s.getsockname()[0]
    except OSError:
        return None
    finally:
        s.close()
    return None if address.startswith('127.') or address == '0.0.0.0' else address


def raw(port, lines, timeout=10, address='127.0.0.1'):
    """One HTTP/1.1 exchange over a socket, so every header (Host too) is the attacker's."""
    s = socket.create_connection((address, port), timeout=timeout)
    s.sendall(('\r\n'.join(lines + ['Connection: close', '', ''])).encode())
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b'\r\n\r\n')
    head_lines = head.decode('latin-1').split('\r\n')
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(':') for h in head_lines[1:])}
    return int(head_lines[0].split()[1]), headers, body.decode('utf-8', 'replace')


def get(port, path, host=None, extra=(), address='127.0.0.1'):
    try:
        return raw(port, [f'GET {path} HTTP/1.1', f'Host: {host or f"{address}:{port}"}', *extra], address=address)
    except OSError as e:  # a server that hangs or resets: the check fails, the run goes on
        return 0, {}, f'no answer: {e}'


def seconds_until_closed(sock, limit, trickle=b''):
    sock.settimeout(0.2)
    start = time.monotonic()
    sent = 0
    while time.monotonic() - start < limit:
        try:
            if sent < len(trickle):
                sock.send(trickle[sent:sent + 1])
                sent += 1
            if sock.recv(4096) == b'':
                return time.monotonic() - start
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - start
    return limit


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('PACKSTATION_BIN_DIR', '')
    agent_bin, hub_bin = os.path.join(bin_dir, 'packstation'), os.path.join(bin_dir, 'packstation-hub')
    for b in (agent_bin, hub_bin):
        if not os.access(b, os.X_OK):
            sys.exit(f'error: {b} is not an executable; give the directory of the built binaries')
    tmp = tempfile.mkdtemp(prefix='attack-web-')
    db = os.path.join(tmp, 'hub.sqlite')
    hub_cli = lambda *a: subprocess.run([hub_bin, *a, '--db', db], check=True, capture_output=True, text=True).stdout.strip()
    station_token = hub_cli('station', 'add', 'bench-box')
    with open(os.path.join(tmp, 'orders.json'), 'w') as f:
        json.dump({'id': MARKED, 'barcodes': ['XSS-1'], 'status': 'ready', 'payment': 'captured',
                   'customer': {'name': CUSTOMER, 'email': EMAIL},
                   'lines': [{'sku': 'S-1', 'quantity': 1, 'barcodes': ['4006381333931']}]}, f)
    hub_cli('import', os.path.join(tmp, 'orders.json'))
    hub_port, kiosk_port = free_port(), free_port()
    hub = agent = None
    try:
        hub = subprocess.Popen([hub_bin, 'serve', '--db', db, '--port', str(hub_port)], stdin=subprocess.DEVNULL,
                               stdout=open(os.path.join(tmp, 'hub.log'), 'wb'), stderr=subprocess.STDOUT)
        wait_port(hub_port, hub, 'the hub')

        # A stored script on the hub page: a heartbeat and an event from a station.
        def post(path, body):
            req = urllib.request.Request(f'http://127.0.0.1:{hub_port}{path}', data=json.dumps(body).encode(), method='POST',
                                         headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + station_token})
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        post('/v1/status', {'scanners': [{'name': MARKED, 'state': '"><svg onload=alert(2)>'}], 'printers': [], 'outbox_pending': 0})
        post('/v1/results', {'items': [{'key': 'x-1', 'type': 'event', 'order_id': None,
                                        'body': {'kind': MARKED, 'at': '2026-11-23T10:00:00Z'}}]})
        status, headers, page = get(hub_port, '/')
        shown = '\u0600&lt;img src=x onerror=alert(1)&gt;'
        scalars = page.replace('\u0600', '')
        # Three places: the scanner's name, the event's kind, and the order id in the queue.
        check('hub page: a station\'s scanner name, event kind and an imported order id are text',
              status == 200 and page.count(shown) == 3 and '<img' not in scalars and '<svg' not in scalars, (status, page[-600:]))
        # The supervisor's page: a search echoes the query and shows the customer as text; an order's
        # history shows its id as text; the live stream carries the same escaped section.
        quoted = urllib.parse.quote(MARKED, safe='')
        status, _, page = get(hub_port, '/?q=' + quoted)
        scalars = page.replace('\u0600', '')
        check('hub page: a search for markup finds the order and shows query, id, customer name and e-mail as text',
              status == 200 and 'data-matched="id"' in page and '&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;' in page
              and '&lt;svg/onload=alert(5)&gt;@x.example' in page and '<img' not in scalars and '<svg' not in scalars
              and page.count('<script') == 1, (status, page[:1500]))
        status, _, page = get(hub_port, '/?q=' + urllib.parse.quote("alert(5)') OR 1=1 --", safe=''))
        check('hub page: a search is a parameter, never SQL (a quote and OR 1=1 find nothing, no error)',
              status == 200 and 'id="search-results"' in page and 'data-matched' not in page, (status, page[:600]))
        status, _, page = get(hub_port, '/?order=' + quoted)
        scalars = page.replace('\u0600', '')
        check('hub page: an order\'s history names it as text', status == 200 and 'id="history"' in page
              and '<img' not in scalars and shown in page, (status, page[:800]))
        status, headers, stream = get(hub_port, '/events')
        scalars = stream.replace('\u0600', '')
        check('hub page: the live stream (one update for a client that does not ask for a stream) carries the section escaped',
              status == 200 and headers.get('content-type', '').startswith('text/event-stream') and 'event: live' in stream
              and shown in stream and '<img' not in scalars, (status, headers, stream[:300]))

        # The kiosk, listening beyond loopback: refused without a token.
        env = dict(os.environ, PACKSTATION_SERVER_URL=f'http://127.0.0.1:{hub_port}', PACKSTATION_TOKEN=station_token,
                   PACKSTATION_STATION_NAME='bench-box', CUPS_SERVER='127.0.0.1:9')
        refused = subprocess.Popen([agent_bin, 'run', '--scans-from', '-', '--data-dir', os.path.join(tmp, 'data0'),
                                    '--kiosk-listen', f'0.0.0.0:{kiosk_port}'], env=env, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _, stderr = refused.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            refused.kill()
            _, stderr = refused.communicate()
            stderr = 'it started and served the kiosk to the network without a token\n' + stderr
        check('kiosk on 0.0.0.0 without kiosk.token: the agent refuses to start and says what to set',
              refused.returncode == 1 and 'kiosk.token is not set' in stderr and '?token=TOKEN' in stderr, stderr)

        env.update(PACKSTATION_KIOSK_TOKEN=TOKEN, PACKSTATION_KIOSK_HEAD_TIMEOUT_SECONDS='2', PACKSTATION_KIOSK_IDLE_TIMEOUT_SECONDS='2',
                   PACKSTATION_KIOSK_MAX_CONNECTIONS='64')
        agent = subprocess.Popen([agent_bin, 'run', '--scans-from', '-', '--data-dir', os.path.join(tmp, 'data'),
                                  '--printer', f'file://{tmp}/labels/', '--kiosk-listen', f'0.0.0.0:{kiosk_port}'],
                                 env=env, stdin=subprocess.PIPE, stdout=open(os.path.join(tmp, 'agent.log'), 'wb'), stderr=subprocess.STDOUT)
        wait_port(kiosk_port, agent, 'the kiosk')
        bearer = f'Authorization: Bearer {TOKEN}'

        status, _, body = get(kiosk_port, '/state')
        check('kiosk: the bench\'s own screen (a browser on 127.0.0.1) needs no token', status == 200 and 'bench-box' in body, (status, body[:200]))
        remote = network_address()
        if remote is None:
            print('skip  kiosk: the token from another machine: this machine has no network address to connect from', flush=True)
        else:
            status, headers, body = get(kiosk_port, '/state', address=remote)
            check(f'kiosk: from the network ({remote}) without a token, 401 saying how to present it, nothing of the state',
                  status == 401 and '?token=TOKEN' in body and 'bench-box' not in body, (status, body))
            status, headers, _ = get(kiosk_port, '/?token=wrong-wrong-wrong-wrong', address=remote)
            check('kiosk: a wrong token, 401 and no cookie', status == 401 and 'set-cookie' not in headers, (status, headers))
            status, headers, _ = get(kiosk_port, f'/?token={TOKEN}', address=remote)
            cookie = headers.get('set-cookie', '')
            check('kiosk: the token once in the address, 303 to / with an HttpOnly SameSite=Strict cookie',
                  status == 303 and headers.get('location') == '/' and 'HttpOnly' in cookie and 'SameSite=Strict' in cookie, (status, headers))
            status, _, body = get(kiosk_port, '/state', extra=[f'Cookie: packstation_kiosk={TOKEN}'], address=remote)
            check('kiosk: the cookie opens the state', status == 200 and 'bench-box' in body, (status, body[:200]))

        status, headers, page = get(kiosk_port, '/', extra=[bearer])
        csp = headers.get('content-security-policy', '')
        check('kiosk page: CSP runs only its own script (no inline), no framing; nosniff; no referrer',
              status == 200 and "script-src 'self'" in csp and 'unsafe' not in csp and "frame-ancestors 'none'" in csp
              and headers.get('x-content-type-options') == 'nosniff' and headers.get('referrer-policy') == 'no-referrer'
              and '<script src="/kiosk.js"' in page and page.count('<script') == 1 and '<style' not in page, (headers, page[:300]))

        for host in ('attacker.example', '127.0.0.1.nip.io', 'localhost.attacker.example'):
            status, _, body = get(kiosk_port, '/state', host=f'{host}:{kiosk_port}', extra=[bearer, f'Cookie: packstation_kiosk={TOKEN}'])
            check(f'kiosk: DNS rebinding as Host {host} is refused (421), even with the token', status == 421 and 'bench-box' not in body, (status, body))
        for host in ('localhost', '127.0.0.1', '[::1]', '192.168.1.20'):
            status, _, _ = get(kiosk_port, '/healthz', host=f'{host}:{kiosk_port}')
            check(f'kiosk: Host {host} is answered', status == 200, status)

        idle = socket.create_connection(('127.0.0.1', kiosk_port))
        t = seconds_until_closed(idle, 10)
        check(f'kiosk: an idle socket is closed by the 2 s idle timeout ({t:.1f} s)', t < 4, t)
        slow = socket.create_connection(('127.0.0.1', kiosk_port))
        t = seconds_until_closed(slow, 10, trickle=b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + b'a' * 100)
        check(f'kiosk: a head trickled a byte per 200 ms is closed by the 2 s head timeout ({t:.1f} s)', t < 4, t)

        flood = [socket.create_connection(('127.0.0.1', kiosk_port)) for _ in range(300)]
        start = time.monotonic()
        status, _, _ = get(kiosk_port, '/', extra=[bearer])
        took = time.monotonic() - start
        closed = sum(1 for s in flood if seconds_until_closed(s, 0.05) < 0.05)
        for s in flood:
            s.close()
        check(f'kiosk: 300 idle sockets against a limit of 64, the page still served in {took:.2f} s ({closed} idle sockets shed)',
              status == 200 and took < 3 and closed >= 300 - 64, (status, took, closed))

        # A plain-http server beyond this machine (the file's server.url, not the environment's).
        env = {k: v for k, v in os.environ.items() if not k.startswith('PACKSTATION_')}
        env['CUPS_SERVER'] = '127.0.0.1:9'
        toml = os.path.join(tmp, 'insecure.toml')
        with open(toml, 'w') as f:
            f.write('[server]\nurl = "http://127.0.0.1.nip.io:9"\ntoken = "1.secret"\n')
        doctor = subprocess.run([agent_bin, 'doctor', '--config', toml, '--data-dir', os.path.join(tmp, 'd2')], env=env,
                                capture_output=True, text=True, timeout=60)
        check('doctor: http:// to 127.0.0.1.nip.io fails as an insecure server address (not loopback by prefix)',
              doctor.returncode == 1 and 'FAIL server address' in doctor.stdout and '1.secret' not in doctor.stdout, doctor.stdout)
        with open(toml, 'a') as f:
            f.write('allow_insecure = true\n')
        doctor = subprocess.run([agent_bin, 'doctor', '--config', toml, '--data-dir', os.path.join(tmp, 'd2')], env=env,
                                capture_output=True, text=True, timeout=60)
        check('doctor: server.allow_insecure = true turns it into a warning', 'FAIL server address' not in doctor.stdout
              and 'warn server address' in doctor.stdout, doctor.stdout)
    finally:
        stop(agent)
        stop(hub)
    failed = results.count(False)
    print(f'{len(results) - failed} of {len(results)} checks passed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
