"""The kiosk page of a dock scanner (a bench with `bench.mode = "load"`, docs/dock.md) in headless
Chromium, in English and in Spanish (`kiosk.language`), against the real hub (all on 127.0.0.1,
started here, stopped by PID).

The load section before a carrier is chosen, then the trailer's carrier, loaded / expected /
missing counts and the age of the package list, the verdicts' titles, checked through the DOM
after each scan, with a screenshot of each language.
"""
import json
import os
import subprocess
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from test_kiosk import BIN, HUB_BIN, chromium, free_port, require_tools, scan, shot, stop, wait_for, wait_port


def order(oid, carrier, packages=1, tracking=None):
    shipment = {'carrier': carrier, 'service': 'Ground', 'packages': packages,
                'from': {'name': 'Warehouse', 'street': ['S 1'], 'city': 'X', 'country': 'US'},
                'to': {'name': 'Ana', 'street': ['A 2'], 'city': 'Y', 'country': 'US'}}
    if tracking:
        shipment['tracking'] = tracking
    return {'id': oid, 'barcodes': [f'ORD-{oid}'], 'status': 'ready', 'payment': 'captured',
            'lines': [{'sku': f'S-{oid}', 'quantity': 1, 'barcodes': ['4006381333931']}], 'shipment': shipment}


def packed(oid):
    body = {'order_id': oid, 'station': 'dock-1', 'packer': None, 'outcome': 'packed',
            'started_at': '2026-11-23T10:00:00.000Z', 'ended_at': '2026-11-23T10:01:00.000Z',
            'lines': [{'sku': f'S-{oid}', 'expected': 1, 'packed': 1, 'short': 0, 'short_reason': None, 'serials': [], 'lots': []}],
            'scans': [{'seq': 1, 'data': '4006381333931', 'verdict': 'order_complete', 'at': '2026-11-23T10:01:00.000Z'}]}
    return {'items': [{'key': f'pack-{oid}', 'type': 'pack_result', 'order_id': oid, 'body': body}]}


@pytest.fixture(params=['en', 'es'])
def dock(request, tmp_path):
    require_tools()
    tmp = str(tmp_path)
    db = os.path.join(tmp, 'hub.sqlite')
    hub_cmd = lambda *a: subprocess.run([HUB_BIN, *a, '--db', db], check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    token = hub_cmd('station', 'add', 'dock-1')
    orders = os.path.join(tmp, 'orders.jsonl')
    with open(orders, 'w') as f:
        # UPS: 1001 (tracked), 1002 (two boxes, no tracking); DHL: 1003.
        for o in (order('1001', 'UPS', tracking='1Z1001'), order('1002', 'UPS', packages=2), order('1003', 'DHL', tracking='JD1003')):
            f.write(json.dumps(o) + '\n')
    hub_cmd('import', orders)
    hub_port = free_port()
    hub = subprocess.Popen([HUB_BIN, 'serve', '--db', db, '--port', str(hub_port)],
                           stdin=subprocess.DEVNULL, stdout=open(os.path.join(tmp, 'hub.log'), 'ab'), stderr=subprocess.STDOUT)
    agent = browser = None
    try:
        wait_port(hub_port, hub, 'the hub')
        for oid in ('1001', '1002', '1003'):
            req = urllib.request.Request(f'http://127.0.0.1:{hub_port}/v1/results', data=json.dumps(packed(oid)).encode(), method='POST',
                                         headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
            with urllib.request.urlopen(req, timeout=10) as r:
                assert json.load(r)['stored'] == 1
        config = os.path.join(tmp, 'station.toml')
        with open(config, 'w') as f:
            f.write(f'[kiosk]\nlanguage = "{request.param}"\n\n[[bench]]\nname = "dock"\nmode = "load"\n')
        kiosk_port = free_port()
        env = dict(os.environ, PACKSTATION_SERVER_URL=f'http://127.0.0.1:{hub_port}', PACKSTATION_TOKEN=token,
                   PACKSTATION_STATION_NAME='dock-1', PACKSTATION_CONFIG=config)
        agent = subprocess.Popen([BIN, 'run', '--scans-from', '-', '--data-dir', os.path.join(tmp, 'data'), '--printer', 'file://' + os.path.join(tmp, 'labels'),
                                  '--kiosk-listen', f'127.0.0.1:{kiosk_port}'],
                                 env=env, stdin=subprocess.PIPE, stdout=open(os.path.join(tmp, 'agent.log'), 'wb'), stderr=subprocess.STDOUT, cwd=tmp)
        wait_port(kiosk_port, agent, 'the agent kiosk')
        browser = chromium('1200,900')
        browser.get(f'http://127.0.0.1:{kiosk_port}/')
        yield {'language': request.param, 'agent': agent, 'browser': browser}
    finally:
        if browser:
            browser.quit()
        if agent:
            stop(agent)
        stop(hub)


def load_section(b):
    """The load section's data and text, read in one script (the page re-renders on every state)."""
    return b.execute_script('const l = document.querySelector(".bench .load"); return l && '
                            '{carrier: l.dataset.carrier, loaded: l.dataset.loaded, expected: l.dataset.expected, missing: l.dataset.missing, '
                            'age: l.dataset.age, text: l.textContent, lang: document.documentElement.lang}')


def verdict(b, seq):
    return b.execute_script('const v = document.querySelector(".bench .verdict"); return v && Number(v.dataset.seq) >= arguments[0] && '
                            '{kind: v.dataset.kind, title: v.querySelector(".kind").textContent, message: v.querySelector(".message").textContent, '
                            'tone: v.className}', seq)


TEXT = {
    'en': {'choose': 'Dock: scan CMD:LOAD:<CARRIER> to choose the trailer',
           'counts': 'Loading UPS trailer: {} loaded · 3 expected · {} missing · list ',
           'titles': {'load_started': 'load started', 'loaded': 'loaded', 'already_loaded': 'already loaded',
                      'wrong_carrier': 'wrong carrier', 'unknown_package': 'unknown package'},
           'order': 'Loading at the dock: scan each package'},
    'es': {'choose': 'Muelle: escanee CMD:LOAD:<TRANSPORTISTA> para elegir el remolque',
           'counts': 'Cargando el remolque de UPS: {} cargado(s) · 3 esperado(s) · {} falta(n) · lista de hace ',
           'titles': {'load_started': 'carga iniciada', 'loaded': 'cargado', 'already_loaded': 'ya cargado',
                      'wrong_carrier': 'transportista equivocado', 'unknown_package': 'paquete desconocido'},
           'order': 'Carga en el muelle: escanee cada paquete'},
}


def test_the_load_section_of_a_dock_scanner(dock):
    b, lang = dock['browser'], dock['language']
    words = TEXT[lang]
    # Before a carrier is named: the bench asks for one.
    first = wait_for(b, lambda: load_section(b), 'the load section')
    assert first['carrier'] == '' and first['loaded'] == '0' and first['text'] == words['choose'], first
    assert first['lang'] == lang, first
    assert words['order'] in b.find_element(By.CSS_SELECTOR, '.order-id').text
    shot(b, f'dock-{lang}-1-choose-trailer')

    scan(dock, 'CMD:LOAD:UPS')
    got = wait_for(b, lambda: verdict(b, 1), 'load started')
    assert got['kind'] == 'load_started' and got['title'] == words['titles']['load_started'], got
    # The list arrives in the background: three UPS packages expected, none loaded.
    section = wait_for(b, lambda: (lambda s: s if s and s['expected'] == '3' else None)(load_section(b)), 'the package list', timeout=60)
    assert section['carrier'] == 'UPS' and section['loaded'] == '0' and section['missing'] == '3', section
    assert section['age'] != '' and int(section['age']) < 60, section
    assert section['text'].startswith(words['counts'].format(0, 3)), section

    steps = [('1Z1001', 'loaded', 1), ('PKG:1002:1', 'loaded', 2), ('1Z1001', 'already_loaded', 2),
             ('JD1003', 'wrong_carrier', 2), ('NOT-A-PACKAGE', 'unknown_package', 2)]
    for seq, (code, kind, loaded) in enumerate(steps, start=2):
        scan(dock, code)
        got = wait_for(b, lambda: verdict(b, seq), f'verdict {seq} ({kind})')
        assert got['kind'] == kind and got['title'] == words['titles'][kind], (code, got)
        assert ('bad' in got['tone']) == (kind in ('wrong_carrier', 'unknown_package')), (code, got)
        section = wait_for(b, lambda: (lambda s: s if s and s['loaded'] == str(loaded) else None)(load_section(b)), f'{loaded} loaded')
        assert section['missing'] == str(3 - loaded) and section['expected'] == '3', (code, section)
        assert section['text'].startswith(words['counts'].format(loaded, 3 - loaded)), (code, section)
        if kind == 'wrong_carrier':
            assert 'DHL' in got['message'], got   # the message is the agent's (English)
            shot(b, f'dock-{lang}-2-wrong-carrier')
    shot(b, f'dock-{lang}-3-two-loaded')

    scan(dock, 'CMD:LOAD:END')
    got = wait_for(b, lambda: verdict(b, len(steps) + 2), 'load ended')
    assert got['kind'] == 'load_ended', got
    wait_for(b, lambda: load_section(b) is None, 'the load section to go')
    assert b.find_element(By.CSS_SELECTOR, '.order-id').text == {'en': 'Scan an order to start', 'es': 'Escanee un pedido para empezar'}[lang]
    assert stop(dock['agent']) == 0
