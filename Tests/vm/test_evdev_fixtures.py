"""The evdev fixtures in Tests/Fixtures/evdev/ say what they contain, and the layout tables
of scripts/vm/hidkeys.py are consistent. No guest needed: runs everywhere."""
import glob
import json
import os

import pytest

import hidkeys as H

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXDIR = os.path.join(ROOT, 'Tests', 'Fixtures', 'evdev')
BINS = sorted(glob.glob(os.path.join(FIXDIR, '*.bin')))


def read_sidecar(path):
    meta, lines = {}, [line for line in open(path, encoding='utf-8').read().splitlines() if not line.startswith('#')]
    for n, line in enumerate(lines):
        key, _, value = line.partition(': ')
        if key == 'reports':
            meta['reports'] = [bytes.fromhex(h) for h in lines[n + 1].split()]
            break
        meta[key] = value
    for k in ('typed', 'expected_text'):
        meta[k] = json.loads(meta[k])
    return meta


def test_fixtures_exist():
    names = {os.path.basename(b)[:-4] for b in BINS}
    assert {'us-printable-ascii-enter', 'us-gs1-gs-ctrl-bracket', 'us-gs1-gs-alt-0029',
            'us-capslock-on-mixed-case', 'de-umlauts-altgr', 'us-two-scans-no-terminator'} <= names


@pytest.mark.parametrize('path', BINS, ids=[os.path.basename(b) for b in BINS])
def test_fixture_matches_its_sidecar(path):
    data = open(path, 'rb').read()
    meta = read_sidecar(path[:-4] + '.txt')
    assert meta['file'] == os.path.basename(path)
    assert len(data) % 24 == 0 and len(data) < 32 * 1024
    events = H.parse_events(data)
    assert {t for _, _, t, _, _ in events} <= {H.EV_SYN, H.EV_KEY, H.EV_MSC, H.EV_LED}
    stamps = [s + u / 1e6 for s, u, *_ in events]
    assert stamps == sorted(stamps)
    # the stream is exactly what the kernel makes of the reports listed in the sidecar ...
    assert H.key_frames(events) == H.expected_key_frames(meta['reports'])
    # ... and decodes, with the layout the reports emulate, to the stated text
    assert H.decode(events, meta['layout']) == meta['expected_text']
    term = '\n' if meta['terminator'].startswith('Enter') else ''
    assert meta['expected_text'].endswith(term)
    assert bytes.fromhex(meta['typed_utf8_hex']).decode() == meta['typed']


def test_two_scans_are_separated_by_time_only():
    events = H.parse_events(open(os.path.join(FIXDIR, 'us-two-scans-no-terminator.bin'), 'rb').read())
    t = [s + u / 1e6 for s, u, typ, _, v in events if typ == H.EV_KEY and v == 1]
    gaps = sorted(b - a for a, b in zip(t, t[1:]))
    assert gaps[-1] > 0.2 and gaps[-1] > 10 * gaps[len(gaps) // 2]


# ------------------------------------------------------------------------------ hidkeys itself
def _simulate(reports):
    """Events as usbhid would produce them (see test_guest_devices for the real thing)."""
    ev = []
    for frame in H.expected_key_frames(reports):
        ev += [(0, 0, H.EV_KEY, c, v) for c, v in frame] + [(0, 0, H.EV_SYN, 0, 0)]
    return ev


ASCII = ''.join(chr(c) for c in range(0x20, 0x7f))


@pytest.mark.parametrize('layout,text', [
    ('us', ASCII + '\n\t'),
    ('gb', ASCII + '£¬€\n'),
    ('de', ASCII + 'ÄÖÜäöüß€§°²³µ\n'),
    ('fr', ASCII + 'àéèçù²µ€£§¨\n'),
])
def test_layout_round_trip(layout, text):
    assert H.decode(_simulate(H.text_reports(text, layout)), layout) == text


def test_layouts_differ_where_they_should():
    assert H.text_reports('z', 'de')[0][2] == 0x1c and H.text_reports('z', 'us')[0][2] == 0x1d
    assert H.text_reports('a', 'fr')[0][2] == 0x14
    assert H.text_reports('@', 'de')[0][:3] == bytes([H.ALTGR, 0, 0x14])
    assert H.text_reports('@', 'gb')[0][:3] == bytes([H.MOD_LSHIFT, 0, 0x34])
    assert len(H.text_reports('^', 'de')) == 4            # dead key + space


def test_control_sequences():
    gs = H.text_reports('1') + H.GS_CTRL_BRACKET + H.text_reports('2') + H.alt_numpad('0029') + H.text_reports('3')
    assert H.decode(_simulate(gs)) == '1\x1d2\x1d3'
    caps = H.caps_lock() + H.text_reports('aB1') + H.caps_lock() + H.text_reports('aB')
    assert H.decode(_simulate(caps)) == 'Ab1aB'
    assert H.decode(_simulate(H.caps_lock() + H.caps_lock_text_reports('aB1'))) == 'aB1'
    with pytest.raises(ValueError):
        H.text_reports('€', 'us')
