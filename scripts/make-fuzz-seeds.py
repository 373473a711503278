#!/usr/bin/env python3
"""Writes the seed corpus and dictionaries of the fuzz targets (FuzzTesting/, docs/fuzzing.md).

Every seed is written here, from the formats' rules and the project's own schemas: valid inputs
of each shape the parsers accept, and a few near misses for each error they report. The
dictionaries hold the formats' tokens (JSON and TOML syntax, the order and result member names,
the station.toml keys, ZPL commands, GS1 AIs from Sources/Barcodes). The outputs are committed
so CI needs no Python to fuzz; run this again after changing it (it replaces seed-* files only,
so inputs kept from crashes stay).
"""
import base64
import json
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ = os.path.join(ROOT, 'FuzzTesting')
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'vm'))
import hidkeys  # noqa: E402  (our HID → evdev key tables, shared with the VM tests)

GS = '\x1d'


def gtin_check(payload):
    """The GS1 mod-10 check digit of a digit string (the digit that follows it)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return str((10 - total % 10) % 10)


def gtin(payload):
    return payload + gtin_check(payload)


# ---------------------------------------------------------------------------------------------
# Order JSON (docs/schema/order.schema.json)

def order(n, **extra):
    o = {
        'id': str(n), 'barcodes': [f'ORD-{n}'], 'status': 'ready', 'payment': 'captured',
        'lines': [{'sku': f'SKU-{n}', 'quantity': 1, 'barcodes': [gtin('400638133393')]}],
    }
    o.update(extra)
    return o


ADDRESS_FROM = {'name': 'Bench Test Sender', 'street': ['Lagerweg 1'], 'city': 'Bremen', 'postal_code': '28195', 'country': 'DE'}
ADDRESS_TO = {'name': 'Zoë Ångström', 'company': 'Ünïcödé AB', 'street': ['Storgatan 2', 'c/o Box 7'], 'city': 'Malmö',
              'postal_code': '211 22', 'country': 'SE', 'phone': '+46 40 000000'}
ZPL_LABEL = '^XA^FO50,50^A0N,40,40^FDTEST^FS^XZ'

ORDERS = {
    'minimal': order(1),
    'full': order(
        2, priority='express', value={'amount': '649.90', 'currency': 'EUR'}, flags=['gift', 'fragile'],
        notes='Line one\nline two\ttabbed "quoted" \\ back', gift_message='Alles Gute \u2764',
        lines=[
            {'sku': 'MUG', 'description': 'Mug', 'quantity': 2, 'barcodes': [gtin('400638133393')],
             'dimensions_mm': {'length': 120, 'width': 90, 'height': 100}, 'weight_g': 350},
            {'sku': 'TEE', 'quantity': 1, 'barcodes': [gtin('03600029145'), 'TEE-M'], 'serialized': True},
            {'sku': 'UPCE', 'quantity': 3, 'barcodes': ['01234565']},
        ],
        shipment={'carrier': 'DHL', 'service': 'Express', 'tracking': 'JD0146', 'from': ADDRESS_FROM, 'to': ADDRESS_TO,
                  'packages': 2, 'label': {'format': 'zpl', 'data': base64.b64encode(ZPL_LABEL.encode()).decode()}}),
    'on-hold-pending': order(3, status='on_hold', payment='pending', priority='standard'),
    'cancelled': order(4, status='cancelled'),
    'value-number': order(5, value={'amount': 12.5, 'currency': 'USD'}),
    # Near misses: each breaks one rule, so the fuzzer starts next to every error path.
    'missing-lines': {k: v for k, v in order(6).items() if k != 'lines'},
    'empty-lines': order(7, lines=[]),
    'duplicate-sku': order(8, lines=[{'sku': 'A', 'quantity': 1, 'barcodes': []}, {'sku': 'A', 'quantity': 2, 'barcodes': []}]),
    'shared-barcode': order(9, barcodes=['X1'], lines=[{'sku': 'A', 'quantity': 1, 'barcodes': ['X1']}]),
    'bad-types': {'id': 10, 'barcodes': 'ORD', 'status': 'done', 'payment': None, 'lines': [{'sku': '', 'quantity': 0}]},
    'bad-money': order(11, value={'amount': '1.234', 'currency': 'eur'}),
    'bad-label': order(12, shipment={'carrier': 'UPS', 'service': 'Std', 'from': ADDRESS_FROM, 'to': ADDRESS_TO,
                                     'label': {'format': 'pdf', 'data': '!!!'}}),
    # Several packages: one carrier label each, package weights; and the near misses of each rule.
    'packages': order(13, shipment={'carrier': 'UPS', 'service': 'Std', 'from': ADDRESS_FROM, 'to': ADDRESS_TO, 'packages': 3,
                                    'package_weights': [1200, 800, 450],
                                    'label': {'format': 'zpl', 'data': base64.b64encode(ZPL_LABEL.encode()).decode()},
                                    'labels': [{'format': 'zpl', 'data': base64.b64encode(ZPL_LABEL.encode()).decode(), 'package': k} for k in (3, 2)]}),
    'bad-packages': order(14, shipment={'carrier': 'UPS', 'service': 'Std', 'from': ADDRESS_FROM, 'to': ADDRESS_TO, 'packages': 3,
                                        'package_weights': [1200, 0],
                                        'labels': [{'format': 'zpl', 'data': 'XlhBXlha', 'package': k} for k in (1, 1, 4)]}),
}

JSON_TEXTS = {
    'escapes': '{"s": "\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u2028\\ud83d\\ude00"}',
    'numbers': '[0, -0, 1.5, -2e10, 3E+2, 4e-3, 123456789012345678901234567890, 0.000]',
    'nesting': '[[[[[[[[{"a": [{"b": {}}]}]]]]]]]]',
    'literals': '[true, false, null, "", {}, []]',
    'bom-and-space': '\ufeff \t\r\n{ "id" : "1" } \n',
    'duplicate-key': '{"id": "1", "id": "2"}',
    'lone-surrogate': '["\\ud800", "\\udc00"]',
    'unclosed': '{"id": "1", "lines": [',
    'trailing-comma': '{"a": 1,}',
    'leading-zero': '[01]',
    'control-char': '["a\x01b"]',
}


# ---------------------------------------------------------------------------------------------
# station.toml (docs/configuration.md)

TOML = {
    'full': '''# a bench with everything set
[station]
name = "bench-7"
data_dir = '/var/lib/packstation'
high_value_threshold = 50_000
supervisor_badges = ["BADGE-1", 'BADGE-2']

[server]
url = "https://hub.example:8443"
token = "s3cr\\u00e9t\\t"
ca_file = "/etc/ssl/certs/ca.pem"

[sync]
batch_size = 500

[printer]
uri = "tcp://192.0.2.10:9100"
name = "zebra1"
format = "zpl"
dpi = 300
template = "shipping"
packing_slip = true
wait_seconds = 0

[scanner]
layout = "de(nodeadkeys)"
terminator = "tab"
timeout_ms = 50
autodetect = false
devices = ["05e0:1200", "name=Honeywell,layout=de"]

[[bench]]
name = "left"
scanners = ["05e0:1200"]
printer = "file:///tmp/labels/"

[[bench]]
name = "right"
scanners = []

[kiosk]
listen = "[::1]:8470"
sound = "both"
enabled = true
''',
    'minimal': '[station]\nname = "a"\n',
    'empty': '',
    'comments-only': '# nothing\n   # set\n\n',
    'dotted-keys': 'station.name = "dotted"\nprinter . dpi = 203\n"kiosk".enabled = false\n',
    'crlf': '[station]\r\nname = "crlf"\r\n',
    'numbers': '[x]\na = +1\nb = -0\nc = 1_000\nd = 0x1F\ne = 0o17\nf = 0b101\ng = 1.5e3\nh = inf\ni = nan\n',
    'multiline-array': '[scanner]\ndevices = [\n  "a",  # first\n  "b",\n]\n',
    # Near misses.
    'unknown-key': '[station]\nnom = "x"\n',
    'unknown-section': '[stations]\nname = "x"\n',
    'wrong-type': '[printer]\ndpi = "203"\n',
    'twice': '[station]\nname = "a"\nname = "b"\n',
    'table-twice': '[station]\n[station]\n',
    'bench-not-array': '[bench]\nname = "x"\n',
    'unclosed-string': '[station]\nname = "x\n',
    'bad-escape': '[station]\nname = "\\q"\n',
    'date': '[station]\nname = 1979-05-27\n',
    'bad-printer': '[printer]\nuri = "lpt://1"\n',
    'bad-listen': '[kiosk]\nlisten = "8470"\n',
}


# ---------------------------------------------------------------------------------------------
# CSV order import (OrderImport.csvColumns)

CSV_HEADER = 'order_id,order_barcodes,status,payment,priority,sku,description,quantity,item_barcodes,serialized'
CSV = {
    'two-orders': CSV_HEADER + '\n'
    f'1001,ORD-1001;TOTE-7,ready,captured,express,MUG,"Mug, blue",2,{gtin("400638133393")},false\n'
    '1001,,,,,TEE,"T-shirt ""M""",1,TEE-M;' + gtin('03600029145') + ',yes\n'
    '1002,ORD-1002,on_hold,pending,,CAP,Cap,1,,\n',
    'crlf-bom': '\ufeff' + CSV_HEADER + '\r\n1,O1,,,,A,"multi\r\nline",1,,\r\n',
    'few-columns': 'SKU,Quantity,Order_ID\nA,1,9\n',
    'no-trailing-newline': 'order_id,sku,quantity\n5,A,3',
    'blank-lines': 'order_id,sku,quantity\n\n6,A,1\n,,\n\n',
    # Near misses.
    'missing-column': 'order_id,sku\n1,A\n',
    'ragged': 'order_id,sku,quantity\n1,A\n2,B,1,extra\n',
    'unclosed-quote': 'order_id,sku,quantity\n1,"A,1\n2,B,1\n',
    'bad-quantity': 'order_id,sku,quantity\n1,A,many\n2,B,-1\n',
    'split-order': 'order_id,sku,quantity\n1,A,1\n2,B,1\n1,C,1\n',
    'empty': '',
}


# ---------------------------------------------------------------------------------------------
# Results batch (POST /v1/results, docs/schema/pack-result.schema.json)

def pack_result(order_id, key, outcome='packed'):
    return {'key': key, 'type': 'pack_result', 'order_id': order_id, 'body': {
        'order_id': order_id, 'station': 'bench-a', 'started_at': '2026-01-01T10:00:00Z', 'ended_at': '2026-01-01T10:01:00Z',
        'outcome': outcome, 'lines': [{'sku': 'A', 'expected': 2, 'packed': 2, 'short': 0}],
        'scans': [{'seq': 1, 'data': '4006381333931'}, {'seq': 2, 'data': ']C1' + GS + '0109506000134352'}]}}


def event(key, kind='scan_rejected'):
    return {'key': key, 'type': 'event', 'order_id': None, 'body': {'kind': kind, 'at': '2026-01-01T10:00:00Z', 'data': {'x': [1, 'y']}}}


RESULTS = {
    'one-result': {'items': [pack_result('1001', 'k1')]},
    'mixed': {'items': [pack_result('1001', 'k1', 'short_shipped'), event('k2'), pack_result('1002', 'k3', 'abandoned')]},
    'event-only': {'items': [event('e1', 'printer_error')]},
    # Near misses.
    'no-items': {'items': []},
    'not-array': {'items': {}},
    'duplicate-key': {'items': [event('k'), event('k')]},
    'wrong-order': {'items': [dict(pack_result('1', 'k'), order_id='2')]},
    'bad-outcome': {'items': [pack_result('1', 'k', 'lost')]},
    'bad-line': {'items': [dict(pack_result('1', 'k'), body=dict(pack_result('1', 'k')['body'], lines=[{'sku': 'A', 'expected': 'two'}]))]},
    'boxes': {'items': [dict(pack_result('1', 'k'), body=dict(pack_result('1', 'k')['body'], boxes=[
        {'number': 1, 'lines': [{'sku': 'A', 'quantity': 2}], 'weight_g': 700}, {'number': 2, 'lines': [{'sku': 'A', 'quantity': 1}]}]))]},
    'bad-boxes': {'items': [dict(pack_result('1', 'k'), body=dict(pack_result('1', 'k')['body'], boxes=[
        {'number': 0, 'lines': []}, {'number': 2, 'lines': [{'sku': '', 'quantity': 0, 'lot': 'x'}], 'weight_g': None}, 'box']))]},
    'array-body': [1, 2],
}


# ---------------------------------------------------------------------------------------------
# Barcodes (AIM identifiers, EAN/UPC, GS1 element strings, Digital Link)

BARCODES = {
    'ean13': gtin('400638133393'),
    'ean13-aim': ']E0' + gtin('400638133393'),
    'ean13-addon': ']E3' + gtin('977123456700') + '12',
    'upca': gtin('03600029145'),
    'ean8': gtin('9638507'),
    'upce': '01234565',
    'gtin14': gtin('0950600013435'),
    'itf14': ']I1' + gtin('1950600013435'),
    'gs1-128': ']C1' + '01' + gtin('0950600013435') + '10ABC123' + GS + '17261231' + '21SER' + GS + '3103000500',
    'gs1-datamatrix': ']d2' + '01' + gtin('0950600013435') + '21' + 'X' * 20 + GS + '11240229',
    'gs1-qr': ']Q3' + '00' + gtin('09506000000000000') + '400' + 'PO-7',
    'gs1-bracketed': '(01)' + gtin('0950600013435') + '(10)LOT 5(15)250100(3922)1299',
    'gs1-leading-gs': GS + '01' + gtin('0950600013435'),
    'digital-link': 'https://id.gs1.org/01/' + gtin('0950600013435') + '/10/AB%2FC/21/12345?17=261231&3103=000500',
    'digital-link-short': 'https://example.com/shop/01/' + gtin('0950600013435'),
    'text': 'ORD-1001',
    'text-aim': ']C0TOTE-0042',
    'unicode': 'Łódź-\u00e9\u0301-\U0001F4E6',
    # Near misses.
    'bad-check-digit': '4006381333932',
    'bad-ai': ']C1' + '9' * 4 + 'X',
    'bad-date': ']C1' + '01' + gtin('0950600013435') + '17261332',
    'short-sscc': ']C1' + '00123',
    'bad-digital-link': 'https://id.gs1.org/01/123/21/',
}


# ---------------------------------------------------------------------------------------------
# Scanner captures (struct input_event records, as `cat /dev/input/eventN` writes them)

EVENT = struct.Struct('<qqHHi')
START = 1_732_370_000_000_000


def typed(text, layout='us', t=START, step=1000, terminator=hidkeys.KEY_ENTER_U):
    """Events for `text` typed on a layout (GS as Ctrl+]), ended by `terminator` (a HID usage, or None)."""
    reports = []
    for i, part in enumerate(text.split(GS)):
        if i:
            reports += hidkeys.GS_CTRL_BRACKET
        reports += hidkeys.text_reports(part, layout)
    if terminator is not None:
        reports += hidkeys.tap(0, terminator)
    out = bytearray()
    for frame in hidkeys.expected_key_frames(reports):
        for code, value in frame:
            out += EVENT.pack(t // 1_000_000, t % 1_000_000, hidkeys.EV_KEY, code, value)
        out += EVENT.pack(t // 1_000_000, t % 1_000_000, hidkeys.EV_SYN, hidkeys.SYN_REPORT, 0)
        t += step
    return bytes(out), t


def options(terminator=0, layout=0, timeout=0, short=False, partial=False):
    """The target's first byte (FuzzScanDecoder.swift)."""
    return bytes([terminator | layout << 2 | timeout << 4 | (0x40 if short else 0) | (0x80 if partial else 0)])


def scans():
    one, t = typed('4006381333931')
    two, t = typed('TOTE-42', t=t + 5_000_000)
    de, _ = typed('Zürich-ß', layout='de')
    fr, _ = typed('AZERTY-é', layout='fr')
    tab, _ = typed('ABC', terminator=hidkeys.KEY_TAB_U)
    gs1, _ = typed(']C1' + '01' + gtin('0950600013435') + '10AB' + GS + '21X')
    untermin, _ = typed('12345', terminator=None)
    dropped = one[:5 * EVENT.size] + EVENT.pack(START // 1_000_000, 0, hidkeys.EV_SYN, 3, 0) + one[5 * EVENT.size:]
    backwards = two + one
    return {
        'us-two-scans': options() + one + two,
        'gs1-ctrl-bracket': options() + gs1,
        'de': options(layout=1) + de,
        'fr': options(layout=2) + fr,
        'tab-terminator': options(terminator=2) + tab,
        'no-terminator-timeout': options(terminator=3, timeout=1) + untermin,
        'unterminated': options() + untermin,
        'too-long': options(short=True) + typed('X' * 40)[0],
        'syn-dropped': options() + dropped,
        'time-backwards': options() + backwards,
        'partial-record': options(partial=True) + one[:-7],
        'huge-times': options() + EVENT.pack(2**62, 999_999, 1, 30, 1) + EVENT.pack(-2**62, -1, 1, 30, 0)
        + EVENT.pack(2**63 - 1, 2**63 - 1, 1, 28, 1) + EVENT.pack(-2**63, -2**63, 1, 28, 0),
    }


# ---------------------------------------------------------------------------------------------
# Carrier labels (ZPL streams, PDFs)

ZPL = {
    'one': ZPL_LABEL,
    'two-with-prologue': '~JA\r\n^XA^FO10,10^FDA^FS^XZ\r\n^XA^FO10,10^FDB^FS^XZ\n',
    'lowercase': '^xa^fo1,1^fdx^fs^xz',
    'graphic': '^XA^FO0,0^GFA,8,8,1,FF00FF00FF00FF00^FS^XZ',
    # Near misses.
    'unclosed': '^XA^FDA^XA^FDB^XZ',
    'unopened': '^FDA^XZ',
    'truncated': '^XA^FDA^FS',
    'stray-between': '^XA^XZ^JUS^XA^XZ',
    'stray-after': '^XA^XZ^MMT',
    'caret-prologue': '^JUS^XA^XZ',
    'empty': '',
}


def pdf(pages, eof=True):
    objs = ['<< /Type /Catalog /Pages 2 0 R >>', f'<< /Type /Pages /Count {pages} >>']
    objs += ['<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] >>'] * pages
    body = ''.join(f'{i + 1} 0 obj\n{o}\nendobj\n' for i, o in enumerate(objs))
    return '%PDF-1.4\n' + body + 'trailer\n<< /Root 1 0 R >>\n' + ('%%EOF\n' if eof else '')


# ZPL as carriers write it, for FuzzZPLDocument: each construct ZPLDocument reads, then the
# carrier-shaped corpus (scripts/make-carrier-corpus.py, our own invented layouts).
ZPL_DOCUMENT = {
    **{k: v for k, v in ZPL.items() if k != 'empty'},
    'settings-only': '^XA^MCY^XZ\r\n^XA^PW812^LL1218^XZ\r\n^XA^FO10,10^FDlabel^FS^PQ2^XZ',
    'dg-between-labels': '~DGR:LOGO.GRF,8,2,,:FFFF:\r\n^XA^FO0,0^XGR:LOGO.GRF,1,1^FS^XZ\r\n~DGR:LOGO.GRF,40,20,gF,!\r\n^XA^FO0,0^XGR:LOGO.GRF^FS^XZ',
    'dg-z64': '~DGR:SEAL.GRF,4,2,:Z64:eJz7/5+BAQAG/QH/:1A2B\n^XA^FO5,5^XGR:SEAL.GRF^FS^XZ',
    'dg-b64': '~DGR:SEAL.GRF,4,2,:B64://8AAA==:ABCD\n^XA^FO5,5^XGR:SEAL.GRF^FS^XZ',
    'dy-binary': b'~DYR:LOGO,B,G,4,2,^~\x00\xff^XA^FO0,0^XGR:LOGO.GRF^FS^XZ',
    'gf-binary': b'^XA^FO0,0^GFB,4,4,2,^^~~^FS^XZ',
    'stored-format': '^XA^DFR:SHIP.ZPL^FS^FO10,10^A0N,30,30^FN1^FS^FO10,60^XGR:LOGO.GRF^FS^PQ2^XZ\r\n'
                     '^XA^XFR:SHIP.ZPL^FS^FN1^FDfirst^FS^XZ\r\n^XA^XFR:SHIP.ZPL^FS^FN1^FDsecond^FS^XZ',
    'image-save': '^XA^FO1,1^FDstatic^FS^ISR:IMG.GRF,N^XZ^XA^ILR:IMG.GRF^FO1,100^FDvariable^FS^XZ',
    'change-prefixes': '^XA^CC+\r\n+FO1,1+FDa^b+FS+XZ\r\n~CT#+XA#SD10+FO1,1+FH+FD_5E_7E+FS+XZ+CD;+XA+FO1;1+FDc+FS+PQ2;0;0;N+XZ',
    'comments-and-blanks': '^XA\r\n^FX a comment, with commas\r\n^FO 10 , 10\r\n^A0N,30,30^FD hi ^FS\r\n^X\r\nZ',
    'refused': '^XA^FO1,1^FDa^FS^XZ~JR^XA^JUS^XZ^XA^NS,1.2.3.4^XZ',
}


def carrier_corpus():
    """The four carrier files of scripts/make-carrier-corpus.py (deterministic)."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(ROOT, 'scripts', 'make-carrier-corpus.py'), out], check=True, stdout=subprocess.DEVNULL)
        return {'corpus-' + name.split('.')[0]: open(os.path.join(out, name), 'rb').read() for name in ('ups.zpl', 'fedex.zpl', 'dhl.zpl', 'usps.zpl')}


PDFS = {'pdf-one-page': pdf(1), 'pdf-three-pages': pdf(3), 'pdf-truncated': pdf(1, eof=False), 'pdf-no-pages': pdf(0)}


# ---------------------------------------------------------------------------------------------
# Dictionaries (libFuzzer -dict= format: one "quoted token" a line)

def gs1_ais():
    source = open(os.path.join(ROOT, 'Sources', 'Barcodes', 'GS1ApplicationIdentifier+Data.swift'), encoding='utf-8').read()
    return sorted(set(re.findall(r'\("(\d{2,4})", "', source)))


def config_keys():
    source = open(os.path.join(ROOT, 'Sources', 'Station', 'Configuration', 'ConfigurationKeys.swift'), encoding='utf-8').read()
    return re.findall(r'\.init\("([a-z_]+\.[a-z_]+)"', source)


def dict_line(token):
    escaped = ''.join(c if 0x20 <= ord(c) < 0x7f and c not in '"\\' else ''.join(f'\\x{b:02X}' for b in c.encode()) for c in token)
    return f'"{escaped}"'


JSON_TOKENS = ['{', '}', '[', ']', ':', ',', '"', 'true', 'false', 'null', '-', '0', '1e', '.5', '\\u', '\\ud83d\\ude00', '\\"', '\\\\']
ORDER_MEMBERS = ['"id"', '"barcodes"', '"status"', '"payment"', '"priority"', '"value"', '"amount"', '"currency"', '"flags"', '"notes"',
                 '"gift_message"', '"lines"', '"sku"', '"description"', '"quantity"', '"serialized"', '"dimensions_mm"', '"length"',
                 '"width"', '"height"', '"weight_g"', '"shipment"', '"carrier"', '"service"', '"tracking"', '"from"', '"to"', '"name"',
                 '"company"', '"street"', '"city"', '"postal_code"', '"country"', '"phone"', '"packages"', '"label"', '"format"',
                 '"data"', '"labels"', '"package"', '"package_weights"', '"ready"', '"on_hold"', '"cancelled"', '"captured"', '"pending"', '"express"', '"standard"', '"zpl"', '"pdf"']
RESULT_MEMBERS = ['"items"', '"key"', '"type"', '"order_id"', '"body"', '"pack_result"', '"event"', '"station"', '"started_at"',
                  '"ended_at"', '"outcome"', '"packed"', '"short_shipped"', '"abandoned"', '"open"', '"lines"', '"scans"', '"sku"',
                  '"expected"', '"short"', '"seq"', '"data"', '"kind"', '"at"', '"boxes"',
                  '"number"', '"quantity"', '"weight_g"']
TOML_TOKENS = ['[', ']', '[[', ']]', '=', '"', "'", '"""', "'''", '#', '\n', '\r\n', '.', ',', 'true', 'false', '1_000', '0x', '0o', '0b',
               '+', '-', 'inf', 'nan', '1e3', '\\u', '\\U', '\\b', '\\f', '\\t', '1979-05-27']
ZPL_TOKENS = ['^XA', '^XZ', '^xa', '^xz', '~JA', '~JR', '~DG', '^FO', '^FD', '^FS', '^A0N,30,30', '^BC', '^GF', '^JUS', '^MMT', '^PQ', '\r\n',
              '%PDF-', '%%EOF', '/Type', '/Page', '/Pages', '<<', '>>']
ZPL_DOCUMENT_TOKENS = ['^XA', '^XZ', '^FO', '^FT', '^FD', '^FV', '^SN', '^FN1', '^FS', '^FX', '^FH', '^A0N,30,30', '^A@N,20,20,E:ARIAL.TTF',
                       '^GB10,10,1', '^GFA,', '^GFB,', '^XG', '^IL', '^IM', '^IS', ',N', '^ID', '^DF', '^XF', '^PQ', '^PQ2,0,1,Y', '^CC', '~CC',
                       '^CT', '~CT', '^CD', '~CD', '^CW', '~DG', '~DY', '~DB', '~DT', '~DU', '~DS', '~DE', 'R:', 'E:', 'LOGO.GRF', 'SHIP.ZPL',
                       ':Z64:', ':B64:', ',B,G,', ',A,G,', '~JA', '~JR', '^JUS', '^NS', '~SD20', '^MCY', '^PW812', '^LL1218', '\r\n']
CSV_TOKENS = ['order_id', 'order_barcodes', 'status', 'payment', 'priority', 'sku', 'description', 'quantity', 'item_barcodes',
              'serialized', ',', '"', '""', '\n', '\r\n', ';', '\ufeff', 'ready', 'on_hold', 'cancelled', 'captured', 'pending', 'yes']


def write_dir(target, seeds):
    path = os.path.join(FUZZ, 'Corpus', target)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.startswith('seed-'):
            os.remove(os.path.join(path, name))
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode('utf-8')
        elif not isinstance(data, bytes):
            data = json.dumps(data, ensure_ascii=False, indent=1 if name in ('full',) else None).encode('utf-8')
        with open(os.path.join(path, 'seed-' + name), 'wb') as f:
            f.write(data)


def write_dict(target, tokens):
    path = os.path.join(FUZZ, 'Dictionaries')
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, target + '.dict'), 'w', encoding='ascii') as f:
        f.write(f'# {target}: tokens of its format, written by scripts/make-fuzz-seeds.py\n')
        for token in dict.fromkeys(tokens):
            f.write(dict_line(token) + '\n')


def main():
    write_dir('FuzzOrderJSON', {**ORDERS, **JSON_TEXTS, 'jsonl-as-one': '\n'.join(json.dumps(o) for o in ORDERS.values())})
    write_dir('FuzzStationTOML', TOML)
    write_dir('FuzzCSVImport', CSV)
    write_dir('FuzzResultBatch', RESULTS)
    write_dir('FuzzBarcode', BARCODES)
    write_dir('FuzzScanDecoder', scans())
    write_dir('FuzzCarrierZPL', {**ZPL, **PDFS})
    write_dir('FuzzZPLDocument', {**ZPL_DOCUMENT, **carrier_corpus()})
    write_dict('FuzzOrderJSON', JSON_TOKENS + ORDER_MEMBERS)
    write_dict('FuzzResultBatch', JSON_TOKENS + RESULT_MEMBERS)
    write_dict('FuzzStationTOML', TOML_TOKENS + ['[' + s + ']' for s in dict.fromkeys(k.split('.')[0] for k in config_keys())]
               + [k.split('.')[1] + ' = ' for k in config_keys()] + ['cups://', 'ipp://', 'usb://', 'tcp://', 'file:///'])
    write_dict('FuzzCSVImport', CSV_TOKENS)
    write_dict('FuzzCarrierZPL', ZPL_TOKENS)
    write_dict('FuzzZPLDocument', ZPL_DOCUMENT_TOKENS)
    write_dict('FuzzBarcode', [']C1', ']E0', ']E3', ']d2', ']Q3', ']I1', ']e0', GS, '(', ')', 'https://id.gs1.org/', '/01/', '/21/', '?', '&', '=', '%2F']
               + gs1_ais())


if __name__ == '__main__':
    main()
