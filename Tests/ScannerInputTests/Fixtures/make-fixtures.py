#!/usr/bin/env python3
"""Writes the generated evdev captures the ScannerInput tests decode.

The key strokes come from scripts/vm/hidkeys.py: hand-written US/GB/DE/FR layout tables that
share nothing with libxkbcommon, turned into the evdev frames usbhid makes of boot-keyboard
reports (MSC_SCAN + EV_KEY + SYN_REPORT, 1 ms apart). Each NAME.bin has NAME.txt beside it:
the scans the decoder must print, one JSON string per line. Run it again after changing it;
the outputs are committed so the Swift tests need no Python.
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'scripts', 'vm'))
import hidkeys  # noqa: E402

EVENT = struct.Struct('<qqHHi')
PRINTABLE = ''.join(chr(c) for c in range(0x20, 0x7f))
START = 1_732_370_000_000_000  # microseconds


def capture(reports, start=START, step=1000):
    """Events for reports, one frame per report that changes something, `step` µs apart."""
    out, t = bytearray(), start
    modifiers = set(hidkeys.MOD_BIT_TO_EVDEV.values())
    for frame in hidkeys.expected_key_frames(reports):
        # The kernel's order inside a frame: the modifier byte first, then the key array
        # (releases before presses); expected_key_frames() sorts, so restore that order.
        frame = sorted(frame, key=lambda cv: (cv[0] not in modifiers, cv[1], cv[0]))
        for code, value in frame:
            usage = next(u for u, c in hidkeys.HID_TO_EVDEV.items() if c == code)
            out += EVENT.pack(t // 1_000_000, t % 1_000_000, hidkeys.EV_MSC, hidkeys.MSC_SCAN, 0x70000 | usage)
            out += EVENT.pack(t // 1_000_000, t % 1_000_000, hidkeys.EV_KEY, code, value)
        out += EVENT.pack(t // 1_000_000, t % 1_000_000, hidkeys.EV_SYN, hidkeys.SYN_REPORT, 0)
        t += step
    return bytes(out), t


def write(name, parts):
    """parts: list of (reports, expected scans or None, gap after in µs)."""
    data, t, expected = bytearray(), START, []
    for reports, scans, gap in parts:
        chunk, t = capture(reports, t)
        data += chunk
        t += gap
        expected += scans or []
    with open(os.path.join(HERE, name + '.bin'), 'wb') as f:
        f.write(data)
    with open(os.path.join(HERE, name + '.txt'), 'w', encoding='utf-8') as f:
        for s in expected:
            f.write(json.dumps(s) + '\n')


ENTER = [(0, hidkeys.KEY_ENTER_U), (0, 0)]
for layout in ('us', 'gb', 'de', 'fr'):
    # Every printable ASCII character in one scan, then the same with CapsLock on (a scanner that
    # compensates by inverting Shift on letters), then CapsLock off again.
    text = PRINTABLE
    write(f'ascii-{layout}', [
        (hidkeys.text_reports(text + '\n', layout), [text], 200_000),
        (hidkeys.caps_lock() + hidkeys.caps_lock_text_reports(text, layout) + ENTER + hidkeys.caps_lock(), [text], 200_000),
        (hidkeys.text_reports('After caps 123\n', layout), ['After caps 123'], 0),
    ])
    # GS both ways inside a GS1 element string with an AIM id, for this layout.
    gs1 = ']d2010950600013435221SN7'
    write(f'gs-{layout}', [
        (hidkeys.text_reports(gs1, layout) + hidkeys.GS_CTRL_BRACKET + hidkeys.text_reports('10LOT9\n', layout),
         [gs1 + '\x1d10LOT9'], 200_000),
        (hidkeys.text_reports(gs1, layout) + hidkeys.alt_numpad('0029') + hidkeys.text_reports('10LOT9\n', layout),
         [gs1 + '\x1d10LOT9'], 0),
    ])
print('fixtures written to', HERE)
