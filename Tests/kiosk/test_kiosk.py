"""The kiosk page in headless Chromium during a replayed pack session against the real hub
and the test printer (all on 127.0.0.1, started here, stopped by PID).

Checks the page's DOM and screenshots: the order, each verdict and the counts, the priority /
high value / gift marks, the label preview after the order completes, and the offline banner
(with the number pending) when the hub stops, gone again when it is back. Then SIGTERM stops
the agent gracefully (exit 0) and the hub holds the result exactly once.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get('PACKSTATION_BIN', os.path.join(ROOT, '.build', 'debug', 'packstation'))
HUB_BIN = os.environ.get('PACKSTATION_HUB_BIN', os.path.join(os.path.dirname(BIN), 'packstation-hub'))
ARTIFACTS = os.environ.get('PACKSTATION_KIOSK_ARTIFACTS', os.path.join(tempfile.gettempdir(), 'packstation-kiosk-artifacts'))


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
            raise AssertionError(f'{what} exited with {proc.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f'{what} did not listen on {port}')


def stop(proc, timeout=15):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Hub:
    def __init__(self, tmp):
        self.db = os.path.join(tmp, 'hub.sqlite')
        self.port = free_port()
        self.log = os.path.join(tmp, 'hub.log')
        self.proc = None
        run = lambda *a: subprocess.run([HUB_BIN, *a, '--db', self.db], check=True, capture_output=True, text=True).stdout.strip()
        self.token = run('station', 'add', 'bench-box')
        run('import', os.path.join(ROOT, 'examples', 'orders', '1001.json'))
        run('import', os.path.join(ROOT, 'examples', 'orders', '1005-boxes.json'))

    def start(self):
        self.proc = subprocess.Popen([HUB_BIN, 'serve', '--db', self.db, '--port', str(self.port)],
                                     stdin=subprocess.DEVNULL, stdout=open(self.log, 'ab'), stderr=subprocess.STDOUT)
        wait_port(self.port, self.proc, 'the hub')

    def stop(self):
        stop(self.proc)

    def results(self, order_id):
        req = urllib.request.Request(f'http://127.0.0.1:{self.port}/v1/admin/results?order_id={order_id}',
                                     headers={'Authorization': 'Bearer ' + self.token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)['results']


def require_tools():
    """The binaries and the browser, or a skip (a failure in CI, where scripts/test.sh installs them)."""
    for tool, path in (('packstation', BIN), ('packstation-hub', HUB_BIN), ('chromium', shutil.which('chromium')),
                       ('chromedriver', shutil.which('chromedriver'))):
        if not path or not os.path.exists(path):
            if os.environ.get('CI'):
                raise AssertionError(f'{tool} is missing (scripts/test.sh installs it)')
            pytest.skip(f'{tool} is not installed')
    os.makedirs(ARTIFACTS, exist_ok=True)


def chromium(size='1600,1000', *extra):
    """Headless Chromium driven by chromedriver."""
    options = Options()
    options.binary_location = shutil.which('chromium')
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', f'--window-size={size}', *extra):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which('chromedriver')), options=options)


@pytest.fixture
def session(tmp_path):
    require_tools()
    tmp = str(tmp_path)
    hub = Hub(tmp)
    hub.start()
    printer_port, control_port = free_port(), free_port()
    printer_dir = os.path.join(tmp, 'printer')
    os.makedirs(printer_dir)
    printer_log = os.path.join(printer_dir, 'labels.jsonl')
    printer = subprocess.Popen(['python3', os.path.join(ROOT, 'scripts', 'peers', 'zebra_printer.py'), '--port', str(printer_port),
                                '--control-port', str(control_port), '--log', printer_dir],
                               stdin=subprocess.DEVNULL, stdout=open(os.path.join(tmp, 'printer.out'), 'wb'), stderr=subprocess.STDOUT)
    wait_port(printer_port, printer, 'the test printer')
    kiosk_port = free_port()
    env = dict(os.environ, PACKSTATION_SERVER_URL=f'http://127.0.0.1:{hub.port}', PACKSTATION_TOKEN=hub.token,
               PACKSTATION_STATION_NAME='bench-box')
    agent_log = os.path.join(tmp, 'agent.log')
    agent = subprocess.Popen([BIN, 'run', '--scans-from', '-', '--data-dir', os.path.join(tmp, 'data'),
                              '--printer', f'tcp://127.0.0.1:{printer_port}', '--kiosk-listen', f'127.0.0.1:{kiosk_port}'],
                             env=env, stdin=subprocess.PIPE, stdout=open(agent_log, 'wb'), stderr=subprocess.STDOUT, cwd=tmp)
    wait_port(kiosk_port, agent, 'the agent kiosk')
    browser = chromium('1600,1000', '--autoplay-policy=no-user-gesture-required')
    browser.get(f'http://127.0.0.1:{kiosk_port}/')
    s = {'hub': hub, 'agent': agent, 'browser': browser, 'printer_log': printer_log, 'agent_log': agent_log, 'kiosk_port': kiosk_port,
         'env': env, 'data': os.path.join(tmp, 'data')}
    try:
        yield s
    finally:
        browser.quit()
        stop(agent)
        stop(printer)
        hub.stop()


def scan(s, line):
    s['agent'].stdin.write((line + '\n').encode())
    s['agent'].stdin.flush()


def wait_for(browser, predicate, what, timeout=20):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as e:  # the page re-renders between find and read
            last = e
        time.sleep(0.1)
    raise AssertionError(f'timed out waiting for {what} (last: {last!r}); page:\n{browser.find_element(By.TAG_NAME, "body").text}')


def verdict(browser, seq):
    v = browser.find_element(By.CSS_SELECTOR, '.bench .verdict')
    if int(v.get_attribute('data-seq')) < seq:
        return None
    return v.get_attribute('data-kind'), v.find_element(By.CSS_SELECTOR, '.message').text


def counts(browser):
    # Read in one script: the page replaces its elements on every state change (the status loop
    # publishes every 5 s), so elements found one call earlier may be gone.
    rows = browser.execute_script('return Array.from(document.querySelectorAll("table.lines tr")).map(tr => '
                                  '[tr.dataset.sku, tr.dataset.packed, tr.dataset.expected])')
    return {sku: (int(packed), int(expected)) for sku, packed, expected in rows}


def shot(browser, name):
    path = os.path.join(ARTIFACTS, name + '.png')
    browser.save_screenshot(path)
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and len(data) > 10_000, path
    return path


def test_replayed_session_on_the_kiosk_page(session):
    b = session['browser']
    wait_for(b, lambda: b.find_element(By.CSS_SELECTOR, '.bench[data-bench="bench-1"]'), 'the bench column')
    assert b.find_element(By.ID, 'station').text == 'bench-box'
    assert 'Scan an order to start' in b.find_element(By.CSS_SELECTOR, '.order-id').text

    steps = [  # scan, expected verdict kind, expected counts afterwards (None: no order open)
        ('ORD-1001', 'order_opened', {'MUG-BLUE': (0, 2), 'TEE-M': (0, 1), 'HEADSET-PRO': (0, 1)}),
        ('4006381333931', 'accepted', {'MUG-BLUE': (1, 2), 'TEE-M': (0, 1), 'HEADSET-PRO': (0, 1)}),
        ('5060123456783', 'wrong_item', {'MUG-BLUE': (1, 2), 'TEE-M': (0, 1), 'HEADSET-PRO': (0, 1)}),
        (']E00036000291452', 'accepted', {'MUG-BLUE': (1, 2), 'TEE-M': (1, 1), 'HEADSET-PRO': (0, 1)}),
        ('4006381333931', 'accepted', {'MUG-BLUE': (2, 2), 'TEE-M': (1, 1), 'HEADSET-PRO': (0, 1)}),
        ('4006381333931', 'over_quantity', {'MUG-BLUE': (2, 2), 'TEE-M': (1, 1), 'HEADSET-PRO': (0, 1)}),
    ]
    for seq, (data, kind, expected) in enumerate(steps, start=1):
        scan(session, data)
        got = wait_for(b, lambda: verdict(b, seq), f'verdict {seq} ({kind})')
        assert got[0] == kind, (data, got)
        assert counts(b) == expected, (data, counts(b))
        classes = b.execute_script('return document.querySelector(".bench .verdict").className')
        assert ('bad' in classes) == (kind in ('wrong_item', 'over_quantity')), classes
        if seq == 1:
            shot(b, '01-order-opened')
        if seq == 3:
            shot(b, '02-wrong-item')
    order = json.load(open(os.path.join(ROOT, 'examples', 'orders', '1001.json')))
    marks = b.execute_script('return Array.from(document.querySelectorAll(".mark")).map(m => m.textContent).join(" | ")')
    if order.get('priority', 'standard') != 'standard':
        assert order['priority'].replace('_', ' ').upper() in marks, marks
    assert 'HIGH VALUE' in marks, marks  # 649.90 EUR is over station.high_value_threshold (500.00)
    if order.get('gift_message') or 'gift' in order.get('flags', []):
        assert 'GIFT INSERT' in marks, marks

    # The hub stops: the packer keeps packing; the order completes, its result waits, the
    # banner says so.
    session['hub'].stop()
    scan(session, ']C1010950600013435221SN-000110LOT42')
    got = wait_for(b, lambda: verdict(b, len(steps) + 1), 'order complete')
    assert got[0] == 'order_complete', got
    assert 'Scan an order to start' in b.find_element(By.CSS_SELECTOR, '.order-id').text
    wait_for(b, lambda: (lambda e: e if e.get_attribute('data-label-state') == 'printed' else None)(
        b.find_element(By.CSS_SELECTOR, '.label')), 'the label printed')
    assert wait_for(b, lambda: b.execute_script('const i = document.querySelector(".label img"); return i && i.complete && i.naturalWidth'),
                    'the label preview') > 300
    # The preview is the label as SVG (the browser draws it; the agent loads no raster library),
    # served so that, opened on its own, it can run and fetch nothing.
    with urllib.request.urlopen(b.execute_script('return document.querySelector(".label img").src'), timeout=10) as r:
        assert r.headers['Content-Type'] == 'image/svg+xml', r.headers
        assert "default-src 'none'" in r.headers['Content-Security-Policy'], r.headers
        preview = r.read().decode()
    assert preview.startswith('<svg ') and 'Order 1001' in preview, preview[:300]
    banner = wait_for(b, lambda: (lambda e: e if 'show' in e.get_attribute('class') else None)(b.find_element(By.ID, 'offline')),
                      'the offline banner', timeout=40)
    assert int(banner.get_attribute('data-pending')) >= 1, banner.text
    assert 'OFFLINE' in banner.text and 'nothing is lost' in banner.text, banner.text
    shot(b, '03-offline-label-printed')
    with open(session['printer_log']) as f:
        printed = [json.loads(line) for line in f if line.strip()]
    assert len(printed) == 1, printed
    assert '1001' in printed[0]['zpl'], printed

    # The hub is back: the result goes out, the banner goes away.
    session['hub'].start()
    wait_for(b, lambda: 'show' not in b.find_element(By.ID, 'offline').get_attribute('class'), 'the banner to go', timeout=90)
    shot(b, '04-back-online')
    results = session['hub'].results('1001')
    assert [r['type'] for r in results].count('pack_result') == 1, results
    assert [r['body'].get('kind') for r in results if r['type'] == 'event'].count('label_printed') == 1, results

    # Metrics on the kiosk port.
    with urllib.request.urlopen(f'http://127.0.0.1:{session["kiosk_port"]}/metrics', timeout=10) as r:
        metrics = r.read().decode()
    assert 'packstation_scans_total{verdict="accepted"} 3' in metrics, metrics
    assert 'packstation_orders_packed_total 1' in metrics
    assert 'packstation_labels_printed_total 1' in metrics

    # SIGTERM: a graceful stop.
    assert stop(session['agent']) == 0, open(session['agent_log']).read()


def test_a_shipment_of_two_boxes_on_the_kiosk_page(session):
    """CMD:NEWBOX at the bench: the verdict shows as done, the page marks BOX 2, box 1's label
    prints at once as "1 of 2", the completing scan prints "2 of 2", and the hub stores one
    result with both boxes."""
    b = session['browser']
    wait_for(b, lambda: b.find_element(By.CSS_SELECTOR, '.bench[data-bench="bench-1"]'), 'the bench column')
    steps = [('ORD-1005', 'order_opened'), ('4012345678901', 'accepted'), ('CMD:NEWBOX', 'box_closed')]
    for seq, (data, kind) in enumerate(steps, start=1):
        scan(session, data)
        got = wait_for(b, lambda: verdict(b, seq), f'verdict {seq} ({kind})')
        assert got[0] == kind, (data, got)
    assert got[1] == 'Box 1 closed with 1 unit; its label prints (1 of 2). Box 2 is open: scan its items.', got
    assert 'done' in b.execute_script('return document.querySelector(".bench .verdict").className')
    mark = wait_for(b, lambda: b.execute_script('const m = document.querySelector(".mark.box"); return m && [m.textContent, m.dataset.box]'), 'the box mark')
    assert mark == ['BOX 2', '2'], mark
    wait_for(b, lambda: (lambda e: e if e.get_attribute('data-label-state') == 'printed' else None)(
        b.find_element(By.CSS_SELECTOR, '.label')), 'box 1 label printed')
    shot(b, '05-box-closed')
    for seq, (data, kind) in enumerate([('4012345678918', 'accepted'), ('CMD:QTY:3', 'quantity_set'), ('4012345678918', 'order_complete')], start=len(steps) + 1):
        scan(session, data)
        got = wait_for(b, lambda: verdict(b, seq), f'verdict {seq} ({kind})')
        assert got[0] == kind, (data, got)
    assert got[1] == 'Order 1005 is complete in 2 boxes. Close box 2; its label prints (2 of 2).', got
    wait_for(b, lambda: len([l for l in open(session['printer_log']) if l.strip()]) >= 2, 'two labels at the printer')
    with open(session['printer_log']) as f:
        printed = [json.loads(line)['zpl'] for line in f if line.strip()]
    assert len(printed) == 2 and '^FD1 of 2^FS' in printed[0] and '^FD2 of 2^FS' in printed[1], printed
    assert '^FD2.10 kg^FS' in printed[0] and '^FD0.40 kg^FS' in printed[1], printed
    results = wait_for(b, lambda: [r for r in session['hub'].results('1005') if r['type'] == 'pack_result'], 'the result on the hub', timeout=60)
    assert len(results) == 1, results
    assert [(x['number'], x['lines'], x.get('weight_g')) for x in results[0]['body']['boxes']] == [
        (1, [{'sku': 'LAMP-DESK', 'quantity': 1}], 2100), (2, [{'sku': 'BULB-E27', 'quantity': 4}], 400)], results


def test_what_comes_next_on_the_kiosk_page(session):
    """An idle bench shows "Next up": the orders the agent has cached, most urgent first (1001 is
    express, 1005 standard); while an order is open the list is gone, and the packed order does
    not come back."""
    b = session['browser']
    wait_for(b, lambda: b.find_element(By.CSS_SELECTOR, '.bench[data-bench="bench-1"]'), 'the bench column')
    subprocess.run([BIN, 'sync', 'prefetch', '--data-dir', session['data']], env=session['env'], check=True, capture_output=True, timeout=60)
    scan(session, 'CMD:SIGNOUT')  # any verdict publishes the kiosk state at once
    nxt = wait_for(b, lambda: b.execute_script('const n = document.querySelector(".bench .next"); return n && n.dataset.next'), 'the next orders')
    assert nxt == '1001 1005', nxt
    lines = b.execute_script('return Array.from(document.querySelectorAll(".bench .next .next-order")).map(e => e.textContent)')
    assert lines[0].startswith('Order 1001 · EXPRESS · ship by 2026-12-04 · 4 units'), lines
    assert lines[1].startswith('Order 1005 · ') and 'EXPRESS' not in lines[1], lines
    assert 'urgent' in b.execute_script('return document.querySelector(".bench .next .next-order").className')
    shot(b, '06-next-up')
    scan(session, 'ORD-1001')
    wait_for(b, lambda: verdict(b, 2), 'order 1001 opened')
    assert b.execute_script('return document.querySelector(".bench .next")') is None, 'no list while packing'
    for seq, data in enumerate(['4006381333931', ']E00036000291452', '4006381333931', ']C1010950600013435221SN-000110LOT42'], start=3):
        scan(session, data)
        wait_for(b, lambda: verdict(b, seq), f'verdict {seq}')
    assert verdict(b, 6)[0] == 'order_complete'
    nxt = wait_for(b, lambda: b.execute_script('const n = document.querySelector(".bench .next"); return n && n.dataset.next'), 'the next orders after 1001')
    assert nxt == '1005', nxt
