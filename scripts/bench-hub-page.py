#!/usr/bin/env python3
"""The supervisor's page on a hub of 100,000 orders: page, search and history times, and the live
update's fan-out to many open pages, each beside a peer measured in the same run.

    scripts/bench-hub-page.py HUB_BINARY [--orders 100000] [--results 20000] [--stations 8]
        [--clients 100] [--rounds 20] [--fanouts 10] [--keep DIR]

Builds a hub database with --orders orders (customers with names and e-mails, a tracking number
on one in ten, same day / express / standard, imported in one file) and --stations stations,
starts `HUB_BINARY serve` on 127.0.0.1 and has the stations send --results pack results (3-6
scans each, ~3 % error verdicts, ended over the last 12 hours, 20 packers) in batches of 500.
Then, --rounds sequential requests each (after one warm-up), p50 / p90 / max in ms:
  - peer:   GET /v1/admin/summary (an admin read of six counts: the floor of an admin request);
  - page:   GET / (the whole page, its live section read and rendered for the request, as when no
            page is open: what one live update costs the hub, plus the page around it);
  - search by customer (a substring of 100,000 names and e-mails), by tracking number, by order id;
  - history: GET /?order=ID of an order with a pack result.
Search beside its peer, one hyperfine run (when hyperfine, curl and sqlite3 are here): curl asking
the hub for the page of a search by tracking number and by customer, and the sqlite3 CLI running
the same lookup on the same database file (the hub's query as this hub runs it: its indexes when
it has them, else the JSON of every order), a process each.
Fan-out: --clients event streams open at once (asyncio sockets); a station posts one pack result
and the time until the LAST of the open pages has the update that includes it is taken, --fanouts
times (p50 / max). Its peer: --clients browsers loading GET / at once (what the page before issue
15 made each open page do every 10 s): the time until the last of them has its page. Also the
hub's CPU time over 30 s with the clients open and nothing happening (the 5 s ticks).
Prints one line per figure and a JSON summary. Stops the hub by PID.
"""
import argparse, asyncio, concurrent.futures, datetime, json, os, random, shutil, signal, socket, statistics, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

ERRORS = ['wrong_item', 'over_quantity', 'unknown_barcode']
FIRST = ['María', 'José', 'Ana', 'John', 'Łukasz', 'Chloé', 'Ahmed', 'Mei', 'Olga', 'Pedro', 'Sara', 'Tom']
LAST = ['Pérez', 'García', "O'Brien", 'Nowak', 'Dubois', 'Khan', 'Chen', 'Ivanova', 'Santos', 'Smith']


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def ms(values):
    v = sorted(values)
    return {'p50': round(statistics.median(v) * 1000, 1), 'p90': round(v[int(0.9 * (len(v) - 1))] * 1000, 1), 'max': round(v[-1] * 1000, 1), 'n': len(v)}


def get(port, path, headers=None, timeout=120):
    req = urllib.request.Request(f'http://127.0.0.1:{port}{path}', headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        body = r.read()
        assert r.status == 200, (path, r.status)
        return body


def timed(port, path, rounds):
    get(port, path)
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        get(port, path)
        times.append(time.perf_counter() - t)
    return ms(times)


def post(port, token, body):
    req = urllib.request.Request(f'http://127.0.0.1:{port}/v1/results', data=json.dumps(body).encode(), method='POST',
                                 headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 200
        return json.load(r)


def result(oid, station, packer, ended, rng):
    scans = [{'seq': 1, 'data': 'ORD-' + oid, 'verdict': 'order_opened', 'at': iso(ended - 60)}]
    for i in range(rng.randint(2, 5)):
        verdict = rng.choice(ERRORS) if rng.random() < 0.03 else 'accepted'
        scans.append({'seq': i + 2, 'data': '4006381333931', 'verdict': verdict, 'at': iso(ended - 50 + i)})
    return {'order_id': oid, 'station': station, 'packer': packer, 'outcome': 'packed', 'started_at': iso(ended - 60), 'ended_at': iso(ended),
            'lines': [{'sku': 'S-' + oid, 'expected': 1, 'packed': 1, 'short': 0, 'short_reason': None, 'serials': [], 'lots': []}], 'scans': scans}


class Stream:
    """One open page's event stream: the newest event id it has received."""
    def __init__(self):
        self.newest = -1
        self.received = {}

    async def run(self, port):
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.write(f'GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n'.encode())
        await writer.drain()
        self.writer = writer
        buffer = b''
        while True:
            chunk = await reader.read(1 << 20)
            if not chunk:
                return
            buffer += chunk
            while b'\nevent: live\n' in buffer:
                head, _, rest = buffer.partition(b'\nevent: live\n')
                i = head.rfind(b'id: ')
                if i >= 0:
                    event_id = int(head[i + 4:].split(b'\n')[0])
                    self.newest = max(self.newest, event_id)
                    self.received.setdefault(event_id, time.perf_counter())
                buffer = rest


async def fanout(port, token, clients, rounds, next_order):
    streams = [Stream() for _ in range(clients)]
    tasks = [asyncio.create_task(s.run(port)) for s in streams]
    deadline = time.perf_counter() + 60
    while any(s.newest < 0 for s in streams):
        assert time.perf_counter() < deadline, 'not every stream got its first update'
        await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    times = []
    for r in range(rounds):
        await asyncio.sleep(1.0)
        oid = next_order()
        before = max(s.newest for s in streams)
        sent = time.perf_counter()
        await loop.run_in_executor(None, post, port, token, {'items': [{'key': f'fan-{oid}', 'type': 'pack_result', 'order_id': oid,
                                                                        'body': result(oid, 'bench-0', 'ana', time.time(), random.Random(r))}]})
        while True:
            # The update that includes the new result carries a newer event id (order.packed).
            if all(s.newest > before for s in streams):
                times.append(max(min(t for i, t in s.received.items() if i > before) for s in streams) - sent)
                break
            assert time.perf_counter() - sent < 30, 'an open page never got the update'
            await asyncio.sleep(0.002)
    return streams, tasks, ms(times)


def search_beside_sqlite3(port, db, out):
    """hyperfine: curl asking the hub for a search's page, and sqlite3 running the same lookup."""
    columns = subprocess.run(['sqlite3', db, "SELECT name FROM pragma_table_info('orders')"], check=True, capture_output=True, text=True).stdout.split()
    text = 'pérez 4242'
    # What the hub ran before migration v5-hubperf-search-index: the JSON of every order.
    json_customer = (f"SELECT id FROM orders WHERE instr(lower(json_extract(body, '$.customer.name')), '{text}') > 0 "
                     f"OR instr(lower(json_extract(body, '$.customer.email')), '{text}') > 0 ORDER BY imported_at DESC, id LIMIT 51")
    json_tracking = "SELECT id FROM orders NOT INDEXED WHERE json_extract(body, '$.shipment.tracking') = 'JD0000000000042420' ORDER BY id LIMIT 51"
    url = f'http://127.0.0.1:{port}/?q='
    commands = ['-n', 'curl: the page of a search by tracking number', f"curl -sf -o /dev/null '{url}JD0000000000042420'"]
    if 'customer_name' in columns:
        tracking = "SELECT id FROM orders WHERE json_extract(body, '$.shipment.tracking') = 'JD0000000000042420' ORDER BY id LIMIT 51"
        customer = f"SELECT id FROM orders INDEXED BY orders_customer_search WHERE instr(customer_name, '{text}') > 0 OR instr(customer_email, '{text}') > 0 ORDER BY imported_at DESC, id LIMIT 51"
        commands += ['-n', 'sqlite3: the same tracking lookup (index)', f'sqlite3 {db} "{tracking}"']
    commands += ['-n', 'sqlite3: the tracking lookup without the index (the JSON of every order)', f'sqlite3 {db} "{json_tracking}"',
                 '-n', 'curl: the page of a search by customer', f"curl -sf -o /dev/null '{url}{urllib.parse.quote(text)}'"]
    if 'customer_name' in columns:
        commands += ['-n', 'sqlite3: the same customer lookup (index)', f'sqlite3 {db} "{customer}"']
    commands += ['-n', 'sqlite3: the customer lookup in the JSON of every order', f'sqlite3 {db} "{json_customer}"']
    subprocess.run(['hyperfine', '--warmup', '2', '--runs', '20', '--export-markdown', out, *commands], check=True, stdout=subprocess.DEVNULL)
    return open(out).read()


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        parts = f.read().rsplit(')', 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf('SC_CLK_TCK')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('hub')
    ap.add_argument('--orders', type=int, default=100_000)
    ap.add_argument('--results', type=int, default=20_000)
    ap.add_argument('--stations', type=int, default=8)
    ap.add_argument('--clients', type=int, default=100)
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--fanouts', type=int, default=10)
    ap.add_argument('--keep', help='keep the database and files in this directory (made; must not exist)')
    args = ap.parse_args()
    rng = random.Random(20261204)
    if args.keep:
        os.makedirs(args.keep)
    tmp = args.keep or tempfile.mkdtemp(prefix='bench-hub-page-')
    db = os.path.join(tmp, 'hub.sqlite')
    cli = lambda *a: subprocess.run([args.hub, *a, '--db', db], check=True, capture_output=True, text=True).stdout.strip()
    tokens = [cli('station', 'add', f'bench-{i}') for i in range(args.stations)]
    address = {'name': 'Northwind', 'street': ['Hafenstraße 12'], 'city': 'Hamburg', 'postal_code': '20457', 'country': 'DE'}
    with open(os.path.join(tmp, 'orders.jsonl'), 'w') as f:
        for n in range(args.orders):
            o = {'id': f'SO-{n:06d}', 'barcodes': [f'ORD-SO-{n:06d}'], 'status': 'ready', 'payment': 'captured',
                 'priority': rng.choices(['standard', 'express', 'same_day'], [8, 3, 1])[0],
                 'customer': {'name': f'{rng.choice(FIRST)} {rng.choice(LAST)} {n}', 'email': f'buyer{n}@example.com', 'language': 'es'},
                 'lines': [{'sku': f'S-{n}', 'quantity': 1, 'barcodes': ['4006381333931']}]}
            if n % 10 == 0:
                o['shipment'] = {'carrier': 'DHL', 'service': 'Paket', 'tracking': f'JD{n:016d}', 'from': address, 'to': address}
            f.write(json.dumps(o) + '\n')
    t = time.perf_counter()
    cli('import', os.path.join(tmp, 'orders.jsonl'))
    print(f'imported {args.orders} orders in {time.perf_counter() - t:.1f} s', flush=True)
    port = free_port()
    hub = subprocess.Popen([args.hub, 'serve', '--db', db, '--port', str(port), '--page-streams', str(max(64, args.clients + 8))],
                           stdin=subprocess.DEVNULL, stdout=open(os.path.join(tmp, 'hub.log'), 'wb'), stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        now = time.time()
        t = time.perf_counter()
        packers = [f'packer-{i}' for i in range(20)]
        for start in range(0, args.results, 500):
            station = (start // 500) % args.stations
            items = []
            for n in range(start, min(start + 500, args.results)):
                oid = f'SO-{n:06d}'
                items.append({'key': f'b-{oid}', 'type': 'pack_result', 'order_id': oid,
                              'body': result(oid, f'bench-{station}', rng.choice(packers), now - rng.uniform(60, 12 * 3600), rng)})
            post(port, tokens[station], {'items': items})
        print(f'stored {args.results} pack results in {time.perf_counter() - t:.1f} s', flush=True)
        load = os.getloadavg()[0]
        figures = {'orders': args.orders, 'results': args.results, 'load_at_start': round(load, 1)}
        for name, path in [('peer: GET /v1/admin/summary', '/v1/admin/summary'), ('page: GET /', '/'),
                           ('search: customer substring', '/?q=' + urllib.parse.quote('pérez 4242')), ('search: tracking number', '/?q=JD0000000000042420'),
                           ('search: order id', '/?q=SO-042421'), ('history: /?order=SO-000042', '/?order=SO-000042')]:
            figures[name] = timed(port, path, args.rounds)
            print(f'{name:34s} {figures[name]}', flush=True)
        page_bytes = len(get(port, '/'))
        figures['page bytes'] = page_bytes
        if all(shutil.which(tool) for tool in ('hyperfine', 'curl', 'sqlite3')):
            print(search_beside_sqlite3(port, db, os.path.join(tmp, 'search.md')), flush=True)
        else:
            print('search beside sqlite3: not run (needs hyperfine, curl and sqlite3)', flush=True)

        counter = iter(range(args.results, args.orders))
        next_order = lambda: f'SO-{next(counter):06d}'

        async def fan():
            streams, tasks, figure = await fanout(port, tokens[0], args.clients, args.fanouts, next_order)
            figures[f'fan-out: a result to {args.clients} open pages'] = figure
            print(f'fan-out: a result to {args.clients} open pages: {figure}', flush=True)
            before = cpu_seconds(hub.pid)
            await asyncio.sleep(30)
            idle = cpu_seconds(hub.pid) - before
            figures[f'hub CPU, {args.clients} pages open, 30 s idle'] = round(idle, 2)
            print(f'hub CPU with {args.clients} pages open, 30 s with nothing happening: {idle:.2f} s', flush=True)
            for s in streams:
                s.writer.close()
            for task in tasks:
                task.cancel()
        asyncio.run(fan())

        # The peer: every open page loads the whole page at once (the old page's 10 s refresh).
        times = []
        for _ in range(3):
            with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
                t = time.perf_counter()
                list(pool.map(lambda _: get(port, '/'), range(args.clients)))
                times.append(time.perf_counter() - t)
        figures[f'peer: {args.clients} pages loaded at once'] = ms(times)
        print(f'peer: {args.clients} browsers loading GET / at once, until the last has it: {ms(times)}', flush=True)
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(30)
        except subprocess.TimeoutExpired:
            hub.kill()
        print(f'files in {tmp}', file=sys.stderr)


if __name__ == '__main__':
    main()
