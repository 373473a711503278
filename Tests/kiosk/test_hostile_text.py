"""Hostile text renders as text: the hub page, the kiosk page and the SVG label preview in
headless Chromium (issue 12, escaping).

Everything a station or an order import can set carries a payload: scanner and printer names,
states and details in a heartbeat; event kinds and order ids in results; the order's id, notes,
gift message, line descriptions and skus, and the addresses printed on the label; a scanned
barcode. Each payload tries to become markup (`<img onerror>`, `"><svg onload>`, `</script>`)
and one hides its `<` behind U+0600, a prepended mark that joins the next character into one
grapheme (the escaper of issue 12 walked graphemes and wrote that `<` raw). Through the DOM the
test asserts that each text shows exactly as sent, that no element or event handler was
injected, and that no payload ran (`window.__pwned` stays unset).

Starts its own hub and agent from PACKSTATION_BIN's directory on 127.0.0.1, stops them by PID.
"""
import json
import os
import subprocess
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from test_kiosk import BIN, HUB_BIN, ROOT, chromium, free_port, require_tools, stop, wait_for, wait_port

# Each payload sets window.__pwned to its own number if it ever runs.
MARKED = '\u0600<img src=x onerror=window.__pwned=1>'
PAYLOADS = {
    'order_id': MARKED,
    'notes': '"><svg onload=window.__pwned=2>',
    'gift': '</script><script>window.__pwned=3</script>',
    'sku': "SKU-'><img src=x onerror=window.__pwned=4>",
    'description': '\u0600<script>window.__pwned=5</script> & more',
    'to_name': '\u0600<img src=x onerror=window.__pwned=6>',
    'street': '</foreignObject><svg:script xmlns:svg="http://www.w3.org/2000/svg">window.__pwned=7</svg:script>',
    'city': ']]><![CDATA[<img src=x onerror=window.__pwned=8>]]>',
    'scan': '<img src=x onerror=window.__pwned=9>',
    'scanner': '\u0600<img src=x onerror=window.__pwned=10>',
    'scanner_state': '"><svg onload=window.__pwned=11>',
    'printer': '</td></tr></table><script>window.__pwned=12</script>',
    'printer_detail': '\u0600<iframe src=javascript:window.top.__pwned=13>',
    'event_kind': '\u0600<img src=x onerror=window.__pwned=14>',
    'event_order': '"><svg onload=window.__pwned=15>',
}

# Elements the pages have of their own; anything else is injected.
INJECTED = """
const own = arguments[0];
const bad = [];
for (const e of document.querySelectorAll('*')) {
  const name = e.localName;
  if (!own.includes(name)) bad.push(name);
  for (const a of e.attributes) if (a.name.toLowerCase().startsWith('on')) bad.push(name + '[' + a.name + ']');
  if (name === 'script' && !e.src) bad.push('inline script');
}
return {bad: bad, pwned: window.__pwned === undefined ? null : window.__pwned};
"""
HUB_PAGE_ELEMENTS = ['html', 'head', 'meta', 'title', 'link', 'script', 'body', 'header', 'h1', 'a', 'span', 'form', 'input', 'button', 'main',
                     'section', 'h2', 'p', 'ul', 'li', 'b', 'div', 'figure', 'figcaption', 'svg', 'line', 'text', 'rect', 'title',
                     'table', 'tbody', 'thead', 'tr', 'th', 'td', 'br', 'dl', 'dt', 'dd']
KIOSK_ELEMENTS = ['html', 'head', 'meta', 'title', 'style', 'link', 'script', 'body', 'header', 'span', 'div', 'main', 'section', 'h2',
                  'table', 'tbody', 'tr', 'td', 'img']
SVG_ELEMENTS = ['svg', 'rect', 'path', 'circle', 'image', 'foreignObject', 'div']


def order():
    o = json.load(open(os.path.join(ROOT, 'examples', 'orders', '1001.json')))
    o['id'] = PAYLOADS['order_id']
    o['barcodes'] = ['XSS-0001']
    o['notes'] = PAYLOADS['notes']
    o['gift_message'] = PAYLOADS['gift']
    o['lines'] = [dict(o['lines'][0], sku=PAYLOADS['sku'], description=PAYLOADS['description'], quantity=1)]
    o['shipment'].pop('tracking', None)
    o['shipment']['to'].update(name=PAYLOADS['to_name'], street=[PAYLOADS['street']], city=PAYLOADS['city'])
    return o


def api(port, method, path, token=None, body=None):
    req = urllib.request.Request(f'http://127.0.0.1:{port}{path}', method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json', **({'Authorization': 'Bearer ' + token} if token else {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.load(r)


def text_of(browser, css):
    # One script: the kiosk replaces its elements on every state change.
    return browser.execute_script('return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)', css)


@pytest.fixture
def world(tmp_path):
    require_tools()
    tmp = str(tmp_path)
    db = os.path.join(tmp, 'hub.sqlite')
    hub_cli = lambda *a: subprocess.run([HUB_BIN, *a, '--db', db], check=True, capture_output=True, text=True).stdout.strip()
    box_token = hub_cli('station', 'add', 'bench-box')
    evil_token = hub_cli('station', 'add', 'bench-evil')
    orders = os.path.join(tmp, 'hostile.json')
    with open(orders, 'w') as f:
        json.dump(order(), f, ensure_ascii=False)
    hub_cli('import', orders)
    hub_port = free_port()
    hub = subprocess.Popen([HUB_BIN, 'serve', '--db', db, '--port', str(hub_port)], stdin=subprocess.DEVNULL,
                           stdout=open(os.path.join(tmp, 'hub.log'), 'ab'), stderr=subprocess.STDOUT)
    agent = None
    browser = None
    try:
        wait_port(hub_port, hub, 'the hub')
        kiosk_port = free_port()
        env = dict(os.environ, PACKSTATION_SERVER_URL=f'http://127.0.0.1:{hub_port}', PACKSTATION_TOKEN=box_token,
                   PACKSTATION_STATION_NAME='bench-box')
        agent_log = os.path.join(tmp, 'agent.log')
        os.makedirs(os.path.join(tmp, 'labels'))
        agent = subprocess.Popen([BIN, 'run', '--scans-from', '-', '--data-dir', os.path.join(tmp, 'data'),
                                  '--printer', f'file://{tmp}/labels/', '--kiosk-listen', f'127.0.0.1:{kiosk_port}'],
                                 env=env, stdin=subprocess.PIPE, stdout=open(agent_log, 'wb'), stderr=subprocess.STDOUT, cwd=tmp)
        wait_port(kiosk_port, agent, 'the agent kiosk')
        browser = chromium('1600,1000')
        yield {'hub_port': hub_port, 'kiosk_port': kiosk_port, 'agent': agent, 'browser': browser, 'evil_token': evil_token,
               'agent_log': agent_log}
    finally:
        if browser:
            browser.quit()
        if agent:
            stop(agent)
        stop(hub)


def scan(world, line):
    world['agent'].stdin.write((line + '\n').encode())
    world['agent'].stdin.flush()


def assert_clean(browser, own, where):
    found = browser.execute_script(INJECTED, own)
    assert found == {'bad': [], 'pwned': None}, f'{where}: {found}'


def test_hostile_text_renders_as_text_everywhere(world):
    b = world['browser']
    kiosk = f'http://127.0.0.1:{world["kiosk_port"]}'

    # The kiosk page: the order as imported, a hostile scan, the label preview.
    b.get(kiosk + '/')
    wait_for(b, lambda: b.find_element(By.CSS_SELECTOR, '.bench'), 'the bench column')
    scan(world, 'XSS-0001')
    wait_for(b, lambda: b.find_element(By.CSS_SELECTOR, '.order-id').get_attribute('data-order') == PAYLOADS['order_id'], 'the hostile order')
    assert text_of(b, '.order-id') == ['Order ' + PAYLOADS['order_id']]
    assert PAYLOADS['notes'] in text_of(b, '.mark.note')
    assert any(PAYLOADS['gift'] in t for t in text_of(b, '.mark.gift_insert')), text_of(b, '.mark')
    assert text_of(b, 'table.lines td:first-child') == [PAYLOADS['description'] + PAYLOADS['sku']]
    assert text_of(b, 'table.lines .sku') == [PAYLOADS['sku']]
    assert b.execute_script('return document.querySelector("table.lines tr").dataset.sku') == PAYLOADS['sku']
    assert_clean(b, KIOSK_ELEMENTS, 'kiosk page, order open')
    # Its style sheet and script are served files the policy allows ('self'): the page is styled.
    assert b.execute_script('return getComputedStyle(document.body).backgroundColor') == 'rgb(16, 20, 24)'

    scan(world, PAYLOADS['scan'])
    wait_for(b, lambda: PAYLOADS['scan'] in b.find_element(By.CSS_SELECTOR, '.verdict .message').get_attribute('textContent'),
             'the hostile scan in the verdict')
    assert_clean(b, KIOSK_ELEMENTS, 'kiosk page, hostile scan')

    scan(world, '4006381333931')
    wait_for(b, lambda: b.execute_script('const l = document.querySelector(".label"); return l && l.dataset.labelState') == 'printed',
             'the label printed', timeout=40)
    assert b.execute_script('return document.querySelector(".label").dataset.labelOrder') == PAYLOADS['order_id']
    # The page re-renders on every state change: find the image afresh each time.
    assert wait_for(b, lambda: b.execute_script('const i = document.querySelector(".label img"); return i && i.complete && i.naturalWidth'),
                    'the preview') > 300
    alt, preview = b.execute_script('const i = document.querySelector(".label img"); return [i.alt, i.src]')
    assert alt == 'label for order ' + PAYLOADS['order_id']
    assert_clean(b, KIOSK_ELEMENTS, 'kiosk page, label printed')

    # The preview opened as a document of its own: the addresses are text in the SVG.
    b.get(preview)
    texts = b.execute_script('return Array.from(document.querySelectorAll("foreignObject div")).map(d => d.textContent)')
    for field in ('to_name', 'street', 'city'):
        assert any(PAYLOADS[field] in t for t in texts), (field, texts)
    assert any(PAYLOADS['order_id'] in t for t in texts), texts
    assert_clean(b, SVG_ELEMENTS, 'the SVG label preview')

    # The hub page: a heartbeat and events from a station that means harm, the imported order,
    # and the hostile order's pack result synced by the agent.
    hub = world['hub_port']
    heartbeat = {'scanners': [{'name': PAYLOADS['scanner'], 'state': PAYLOADS['scanner_state'], 'detail': PAYLOADS['printer_detail']}],
                 'printers': [{'name': PAYLOADS['printer'], 'state': 'ready', 'detail': PAYLOADS['printer_detail']}],
                 'outbox_pending': 0, 'agent_version': PAYLOADS['scanner']}
    assert api(hub, 'POST', '/v1/status', world['evil_token'], heartbeat)[0] == 200
    events = {'items': [{'key': 'evil-1', 'type': 'event', 'order_id': PAYLOADS['event_order'],
                         'body': {'kind': PAYLOADS['event_kind'], 'at': '2026-01-01T00:00:00Z', 'data': {'x': PAYLOADS['scan']}}}]}
    assert api(hub, 'POST', '/v1/results', world['evil_token'], events)[0] == 200
    wait_for(b, lambda: any(r['type'] == 'pack_result' for r in api(hub, 'GET', '/v1/admin/results?limit=50')[1]['results']),
             'the pack result on the hub', timeout=60)
    b.get(f'http://127.0.0.1:{hub}/')
    # The live section as the page's script swaps it in from the event stream (DOMParser), not only as served.
    wait_for(b, lambda: int(b.execute_script('return document.body.dataset.updates || 0')) >= 1, 'a live update of the hub page')
    cells = text_of(b, 'td')
    for field in ('order_id', 'event_kind', 'event_order'):
        assert PAYLOADS[field] in cells, (field, cells)
    devices = ' '.join(cells)
    assert f'{PAYLOADS["scanner"]} ({PAYLOADS["scanner_state"]})' in devices, devices
    assert f'{PAYLOADS["printer"]} (ready)' in devices, devices
    assert_clean(b, HUB_PAGE_ELEMENTS, 'the hub page')
    # The page's style sheet is the hub's own file (the policy allows 'self' only), and applied.
    assert b.execute_script('return getComputedStyle(document.querySelector("table")).borderCollapse') == 'collapse'
    assert cells.count(PAYLOADS['order_id']) >= 1, 'the hostile order\'s pack result in the latest results'
    # Its history and a search that finds it: the id, the event's data and the scans are text.
    b.get(f'http://127.0.0.1:{hub}/?order=' + urllib.parse.quote(PAYLOADS['order_id'], safe=''))
    wait_for(b, lambda: b.find_element(By.ID, 'history'), 'the order history')
    assert PAYLOADS['order_id'] in b.find_element(By.CSS_SELECTOR, '#history h2').text
    assert_clean(b, HUB_PAGE_ELEMENTS, 'the hub page with the order\'s history')
    b.get(f'http://127.0.0.1:{hub}/?q=' + urllib.parse.quote(PAYLOADS['order_id'], safe=''))
    found = text_of(b, '#search-results td')
    assert PAYLOADS['order_id'] in found, found
    assert b.find_element(By.CSS_SELECTOR, '#search input').get_attribute('value') == PAYLOADS['order_id']
    assert_clean(b, HUB_PAGE_ELEMENTS, 'the hub page with a search')
