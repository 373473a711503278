"""The supervisor's page (the hub's `/`) in headless Chromium, in English and in Spanish.

Starts its own hub (`packstation-hub serve --language en|es`, an admin token) on 127.0.0.1 with
orders, two stations and their heartbeats, opens the page with the token, and checks through the
DOM what a supervisor sees: the orders by state, the backlog by priority and age, the stations'
health; then a station sends a pack result and the page changes by itself (server-sent events,
no reload): one more order packed, a bar in the per-hour chart, the error verdicts per 100 scans.
Then a search by customer and by tracking number, and the order's history with its scans and
verdicts. The browser's console must show no Content-Security-Policy violation. Screenshots go to
PACKSTATION_KIOSK_ARTIFACTS (hub-page-LANG-*.png). Stops the hub by PID.
"""
import base64
import datetime
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from test_kiosk import ARTIFACTS, HUB_BIN, free_port, shot, stop, wait_for, wait_port

ADMIN = 'page-admin-token-0123456789abcdef'

WORDS = {
    'en': {'states': 'Orders by state', 'packed': 'packed', 'nothing': 'Nothing packed in the last 12 hours.', 'live': 'live',
           'online': 'online', 'offline': 'offline', 'matching': 'Orders matching', 'history': 'Order 1001', 'search': 'Search',
           'reconnecting': 'reconnecting…'},
    'es': {'states': 'Pedidos por estado', 'packed': 'empaquetado', 'nothing': 'Nada empaquetado en las últimas 12 horas.', 'live': 'en directo',
           'online': 'en línea', 'offline': 'sin conexión', 'matching': 'Pedidos que coinciden con', 'history': 'Pedido 1001', 'search': 'Buscar',
           'reconnecting': 'reconectando…'},
}


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def order(oid, priority='standard', name=None, email=None, tracking=None):
    o = {'id': oid, 'barcodes': ['ORD-' + oid], 'status': 'ready', 'payment': 'captured', 'priority': priority,
         'lines': [{'sku': 'MUG-' + oid, 'quantity': 1, 'barcodes': ['4006381333931']}]}
    if name or email:
        o['customer'] = {'name': name, 'email': email}
    if tracking:
        address = {'name': 'W', 'street': ['Calle Mayor 1'], 'city': 'Madrid', 'postal_code': '28013', 'country': 'ES'}
        o['shipment'] = {'carrier': 'SEUR', 'service': '24', 'tracking': tracking, 'from': address, 'to': address}
    return o


class PageHub:
    def __init__(self, tmp, language):
        self.db = os.path.join(tmp, 'hub.sqlite')
        self.port = free_port()
        self.language = language
        self.log = os.path.join(tmp, 'hub.log')
        self.token_file = os.path.join(tmp, 'admin-token')
        with open(self.token_file, 'w') as f:
            f.write(ADMIN)
        run = lambda *a: subprocess.run([HUB_BIN, *a, '--db', self.db], check=True, capture_output=True, text=True).stdout.strip()
        self.bench1 = run('station', 'add', 'bench-1')
        self.bench2 = run('station', 'add', 'bench-2')
        orders = os.path.join(tmp, 'orders.jsonl')
        with open(orders, 'w') as f:
            for o in [order('1001', 'same_day', 'María José Pérez', 'mj.perez@example.es', '1Z999AA10123456784'),
                      order('1002', 'express', 'John O\'Brien', 'john@example.com'), order('1003'), order('1004')]:
                f.write(json.dumps(o) + '\n')
        run('import', orders)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([HUB_BIN, 'serve', '--db', self.db, '--port', str(self.port), '--admin-token-file', self.token_file,
                                      '--language', self.language], stdin=subprocess.DEVNULL, stdout=open(self.log, 'ab'), stderr=subprocess.STDOUT)
        wait_port(self.port, self.proc, 'the hub')

    def stop(self):
        stop(self.proc)

    def post(self, path, token, body):
        req = urllib.request.Request(f'http://127.0.0.1:{self.port}{path}', data=json.dumps(body).encode(), method='POST',
                                     headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status


@pytest.fixture(params=['en', 'es'])
def page(request, tmp_path):
    for tool, path in (('packstation-hub', HUB_BIN), ('chromium', shutil.which('chromium')), ('chromedriver', shutil.which('chromedriver'))):
        if not path or not os.path.exists(path):
            if os.environ.get('CI'):
                raise AssertionError(f'{tool} is missing (scripts/test.sh installs it)')
            pytest.skip(f'{tool} is not installed')
    os.makedirs(ARTIFACTS, exist_ok=True)
    hub = PageHub(str(tmp_path), request.param)
    hub.start()
    options = Options()
    options.binary_location = shutil.which('chromium')
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1600,1400'):
        options.add_argument(arg)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    browser = webdriver.Chrome(service=Service(shutil.which('chromedriver')), options=options)
    # The admin token as the browser's Basic credentials, on every request of the page (its
    # script, style sheet and event stream too), as a supervisor's browser sends them after its prompt.
    basic = base64.b64encode(b'supervisor:' + ADMIN.encode()).decode()
    browser.execute_cdp_cmd('Network.enable', {})
    browser.execute_cdp_cmd('Network.setExtraHTTPHeaders', {'headers': {'Authorization': 'Basic ' + basic}})
    try:
        yield hub, browser, WORDS[request.param]
    finally:
        browser.quit()
        hub.stop()


def live_count(b, state):
    return b.execute_script('const e = document.querySelector(`#live [data-state="${arguments[0]}"]`); return e ? Number(e.dataset.count) : null', state)


def csp_violations(b):
    return [e['message'] for e in b.get_log('browser') if 'Content Security Policy' in e['message'] or 'Refused to' in e['message']]


def test_the_supervisors_page_live(page):
    hub, b, w = page
    lang = hub.language
    now = time.time()
    assert hub.post('/v1/status', hub.bench1, {'scanners': [{'name': 'DS2208', 'state': 'ready'}],
                                               'printers': [{'name': 'zebra-1', 'state': 'paper_out'}],
                                               'outbox_pending': 3, 'oldest_pending_at': iso(now - 600)}) == 200
    b.get(f'http://127.0.0.1:{hub.port}/')
    assert b.find_element(By.TAG_NAME, 'html').get_attribute('lang') == lang
    # The event stream connects: the badge says live and the first update has been swapped in.
    wait_for(b, lambda: b.find_element(By.ID, 'live-state').text == w['live'], 'the live badge')
    wait_for(b, lambda: int(b.execute_script('return document.body.dataset.updates || 0')) >= 1, 'the first live update')
    assert w['states'] in b.find_element(By.ID, 'live').text
    assert live_count(b, 'ready') == 4 and live_count(b, 'packed') == 0 and live_count(b, 'total') == 4
    assert b.find_element(By.ID, 'nothing-packed').text == w['nothing']
    backlog = b.execute_script('return Array.from(document.querySelectorAll("#backlog tr[data-priority]")).map(tr => '
                               '[tr.dataset.priority, Array.from(tr.querySelectorAll("td")).map(td => Number(td.textContent))])')
    assert backlog == [['same_day', [1, 0, 0, 0, 1]], ['express', [1, 0, 0, 0, 1]], ['standard', [2, 0, 0, 0, 2]], ['total', [4, 0, 0, 0, 4]]], backlog
    row = b.find_element(By.CSS_SELECTOR, '#stations tr[data-station="bench-1"]')
    assert row.get_attribute('data-online') == 'true' and w['online'] in row.text
    assert 'zebra-1 (paper_out)' in row.text and row.find_element(By.CSS_SELECTOR, '.device.bad').text == 'zebra-1 (paper_out)'
    assert b.find_element(By.CSS_SELECTOR, '#stations tr[data-station="bench-1"] td[data-pending="3"]').text == '3'
    assert w['offline'] in b.find_element(By.CSS_SELECTOR, '#stations tr[data-station="bench-2"]').text
    shot(b, f'hub-page-{lang}-1-overview')

    # A station sends a result: the page changes by itself, without a reload.
    b.execute_script('window.__notReloaded = true')
    now = time.time()  # after the import: the bench's times follow it
    scans = [{'seq': 1, 'data': 'ORD-1001', 'verdict': 'order_opened', 'at': iso(now - 0.8)},
             {'seq': 2, 'data': '5060123456783', 'verdict': 'wrong_item', 'at': iso(now - 0.6)},
             {'seq': 3, 'data': '4006381333931', 'verdict': 'order_complete', 'at': iso(now - 0.4), 'sku': 'MUG-1001'},
             {'seq': 4, 'data': 'ORD-1001', 'verdict': 'order_already_open', 'at': iso(now - 0.2)}]
    result = {'order_id': '1001', 'station': 'bench-1', 'packer': 'ana', 'outcome': 'packed', 'started_at': iso(now - 1), 'ended_at': iso(now - 0.4),
              'lines': [{'sku': 'MUG-1001', 'expected': 1, 'packed': 1, 'short': 0, 'short_reason': None, 'serials': [], 'lots': []}],
              'scans': scans}
    sent = time.monotonic()
    assert hub.post('/v1/results', hub.bench1, {'items': [{'key': 'r-1001', 'type': 'pack_result', 'order_id': '1001', 'body': result}]}) == 200
    wait_for(b, lambda: live_count(b, 'packed') == 1, 'the packed order counted on the open page', timeout=10)
    took = time.monotonic() - sent
    assert b.execute_script('return window.__notReloaded === true'), 'the page was not reloaded'
    assert live_count(b, 'ready') == 3
    bars = b.execute_script('return Array.from(document.querySelectorAll("#chart-stations rect")).map(r => [r.dataset.series, Number(r.dataset.count)])')
    assert bars == [['bench-1', 1]], bars
    packers = b.execute_script('return Array.from(document.querySelectorAll("#chart-packers .legend li")).map(l => [l.dataset.series, Number(l.dataset.total)])')
    assert packers == [['ana', 1]], packers
    rate = b.find_element(By.CSS_SELECTOR, '#errors tr[data-station="bench-1"]')
    assert rate.get_attribute('data-per100') == '50.0', rate.text  # wrong_item and order_already_open in 4 scans
    height = b.execute_script('return document.querySelector("#chart-stations rect").getBoundingClientRect().height')
    assert height > 50, height  # drawn: the only bar is the full scale
    print(f'{lang}: the result reached the open page {took:.2f} s after it was posted')
    shot(b, f'hub-page-{lang}-2-after-result')

    # Search by customer, then by tracking number; the order opens to its history.
    box = b.find_element(By.CSS_SELECTOR, '#search input[name="q"]')
    box.send_keys('pérez')
    b.find_element(By.CSS_SELECTOR, '#search button').click()
    wait_for(b, lambda: b.find_element(By.ID, 'search-results'), 'the search results')
    assert w['matching'] in b.find_element(By.CSS_SELECTOR, '#search-results h2').text
    found = b.execute_script('return Array.from(document.querySelectorAll("#search-results tr[data-order]")).map(tr => [tr.dataset.order, tr.dataset.matched])')
    assert found == [['1001', 'customer']], found
    b.get(f'http://127.0.0.1:{hub.port}/?q=1Z999AA10123456784')
    found = b.execute_script('return Array.from(document.querySelectorAll("#search-results tr[data-order]")).map(tr => [tr.dataset.order, tr.dataset.matched])')
    assert found == [['1001', 'tracking']], found
    b.find_element(By.CSS_SELECTOR, '#search-results a[href="/?order=1001"]').click()
    wait_for(b, lambda: b.find_element(By.ID, 'history'), 'the order history')
    assert b.find_element(By.CSS_SELECTOR, '#history h2').text == w['history']
    timeline = b.execute_script('return Array.from(document.querySelectorAll("#timeline tr[data-kind]")).map(tr => tr.dataset.kind + ":" + tr.dataset.what)')
    scans_shown = [t for t in timeline if t.startswith('scan:')]
    assert scans_shown == ['scan:order_opened', 'scan:wrong_item', 'scan:order_complete', 'scan:order_already_open'], timeline
    assert 'pack_result:pack_result: packed' in timeline and any(t.startswith('state:') for t in timeline), timeline
    bad = b.execute_script('return Array.from(document.querySelectorAll("#timeline tr.scan.bad")).map(tr => tr.dataset.what)')
    assert bad == ['wrong_item', 'order_already_open'], bad
    # The live part goes on updating under the history.
    wait_for(b, lambda: int(b.execute_script('return document.body.dataset.updates || 0')) >= 1, 'live updates under the history')
    shot(b, f'hub-page-{lang}-3-history')
    assert csp_violations(b) == [], csp_violations(b)

    # The hub goes away: the page says it is reconnecting, and is live again when the hub is back.
    hub.stop()
    wait_for(b, lambda: b.find_element(By.ID, 'live-state').text == w['reconnecting'], 'the reconnecting badge')
    hub.start()
    wait_for(b, lambda: b.find_element(By.ID, 'live-state').text == w['live'], 'live again after the hub came back', timeout=30)
