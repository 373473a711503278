#!/usr/bin/env python3
"""Record evdev fixtures for the Swift decoder tests from a real kernel.

Boots the packvm guest, types known data into the scanner gadgets while `cat
/dev/input/eventN` records the raw stream, checks every capture (key frames exactly as
predicted from the HID reports, no autorepeat, hidkeys.decode() gives the expected text),
and writes Tests/Fixtures/evdev/NAME.bin (raw 24-byte struct input_event records) with a
sidecar NAME.txt (what was typed, layout, terminator, device, the HID reports sent).

    python3 scripts/vm/capture_fixtures.py [--out DIR] [NAME ...]

Re-running produces different timestamps but the same event codes.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hidkeys  # noqa: E402
import packvm  # noqa: E402

H = hidkeys
ASCII = ''.join(chr(c) for c in range(0x21, 0x7f))       # ! .. ~ (94 characters)
GS1_A, GS1_B = '01095060001343521725123110ABC123', '21SN0042'   # (01)(17)(10) GS (21)
GS = '\x1d'
CAPS_TEXT = 'Order-AbC-123xYz'
DE_TEXT = 'ÄÖÜäöüß@€ yzYZ-/#+*<>|{[]}\\~^°'
TWO_SCANS = ('4006381333931', 'ABC-123')

PER_CHAR = ('each character: one report with its modifiers + usage (key down), then one all-zero '
            'report (all keys up)')

FIXTURES = [
    dict(name='us-printable-ascii-enter', scanner=0, layout='us',
         scans=[H.text_reports(ASCII + '\n')],
         typed=ASCII, terminator='Enter', expected=ASCII + '\n',
         how=PER_CHAR + '; Shift = Left Shift (modifier 0x02)'),
    dict(name='us-gs1-gs-ctrl-bracket', scanner=0, layout='us',
         scans=[H.text_reports(GS1_A) + H.GS_CTRL_BRACKET + H.text_reports(GS1_B + '\n')],
         typed=GS1_A + GS + GS1_B, terminator='Enter', expected=GS1_A + GS + GS1_B + '\n',
         how=PER_CHAR + '; GS (0x1d) as Ctrl+] = report [0x01 (Left Ctrl), usage 0x30 (]})] then '
             'all-zero: evdev KEY_LEFTCTRL + KEY_RIGHTBRACE'),
    dict(name='us-gs1-gs-alt-0029', scanner=0, layout='us',
         scans=[H.text_reports(GS1_A) + H.alt_numpad('0029') + H.text_reports(GS1_B + '\n')],
         typed=GS1_A + GS + GS1_B, terminator='Enter', expected=GS1_A + GS + GS1_B + '\n',
         how=PER_CHAR + '; GS (0x1d) as Alt+keypad 0 0 2 9: Left Alt (0x04) held, keypad 0, 0, 2, 9 '
             '(usages 0x62 0x62 0x5a 0x61 = KEY_KP0 KEY_KP0 KEY_KP2 KEY_KP9) each pressed and released '
             'with Alt still down, then Alt released; decimal 29 = GS; NumLock is never sent'),
    dict(name='us-capslock-on-mixed-case', scanner=0, layout='us',
         scans=[H.caps_lock() + H.text_reports(CAPS_TEXT + '\n') + H.caps_lock()],
         typed=CAPS_TEXT, terminator='Enter', expected=CAPS_TEXT.swapcase() + '\n',
         how='CapsLock tapped (on), then ' + PER_CHAR + ' (the scanner does not know CapsLock is on: '
             'capitals are sent with Shift), Enter, then CapsLock tapped again (off). A decoder that '
             'applies CapsLock like a keyboard gets the inverted case (expected_text); the barcode '
             'itself is `typed`. The guest keyboard handler also sets the CapsLock LED, which shows '
             'up as EV_LED LED_CAPSL events in the stream'),
    dict(name='de-umlauts-altgr', scanner=1, layout='de',
         scans=[H.text_reports(DE_TEXT + '\n', 'de')],
         typed=DE_TEXT, terminator='Enter', expected=DE_TEXT + '\n',
         how=PER_CHAR + ', as a scanner set to the German (QWERTZ) keyboard sends them: '
             'ÄÖÜäöüß on their own keys (usages 0x34 0x33 0x2f 0x2d), y/z swapped, AltGr = Right Alt '
             '(0x40) for @ (AltGr+Q) € (AltGr+E) | { [ ] } \\ ~; ^ is a dead key on German keyboards, '
             'sent as ^ then Space'),
    dict(name='us-two-scans-no-terminator', scanner=0, layout='us',
         scans=[H.text_reports(TWO_SCANS[0]), H.text_reports(TWO_SCANS[1])],
         typed=''.join(TWO_SCANS), terminator='none', expected=''.join(TWO_SCANS),
         how=PER_CHAR + f'; two scans {TWO_SCANS[0]!r} and {TWO_SCANS[1]!r}, no terminator, the '
             'second starting about 0.25-0.5 s after the first ended (the only separation is time)'),
]


def check(fx, data):
    """Problems with a capture ([] = good)."""
    problems = []
    if not data or len(data) % H.EVENT_SIZE:
        return [f'{len(data)} bytes is not a whole number of input_events']
    events = H.parse_events(data)
    reports = [r for scan in fx['scans'] for r in scan]
    if any(t == H.EV_KEY and v == 2 for _, _, t, _, v in events):
        problems.append('autorepeat events (value 2) in the stream')
    if H.key_frames(events) != H.expected_key_frames(reports):
        problems.append('key frames differ from the reports sent')
    got = H.decode(events, fx['layout'])
    if got != fx['expected']:
        problems.append(f'decodes to {got!r}, expected {fx["expected"]!r}')
    return problems


def sidecar(fx, data, vm):
    s = vm.scanners[fx['scanner']]
    events = H.parse_events(data)
    kinds = {}
    for _, _, t, c, v in events:
        k = {0: 'EV_SYN', 1: 'EV_KEY', 4: 'EV_MSC', 0x11: 'EV_LED'}.get(t, f'type {t}')
        kinds[k] = kinds.get(k, 0) + 1
    presses = sum(1 for _, _, t, _, v in events if t == H.EV_KEY and v == 1)
    reports = [r for scan in fx['scans'] for r in scan]
    lines = [
        f"# {fx['name']}.bin: raw evdev stream of a USB HID barcode scanner, captured with",
        '# `cat /dev/input/eventN` from a real Linux kernel (usbhid + hid-generic + evdev) in the',
        '# packvm QEMU guest; the scanner is a USB HID boot-keyboard gadget on dummy_hcd.',
        '# Records: struct input_event, 24 bytes, little-endian (x86_64): tv_sec int64, tv_usec int64,',
        '# type uint16, code uint16, value int32. Strings below are JSON. Made by',
        '# scripts/vm/capture_fixtures.py; checked by Tests/vm/test_evdev_fixtures.py.',
        f"file: {fx['name']}.bin",
        f"typed: {json.dumps(fx['typed'], ensure_ascii=False)}",
        f"typed_utf8_hex: {fx['typed'].encode().hex()}",
        f"layout: {fx['layout']}",
        f"terminator: {fx['terminator']}" + (' (KEY_ENTER, code 28)' if fx['terminator'] == 'Enter' else ''),
        f"expected_text: {json.dumps(fx['expected'], ensure_ascii=False)}",
        f"device: {s.vid:04x}:{s.pid:04x} {json.dumps(s.manufacturer + ' ' + s.product)} (USB, high speed, "
        f"boot keyboard 3/1/1)",
        f'kernel: {vm.kver}',
        f"events: {len(events)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}); key presses: {presses}",
        f"how: {fx['how']}",
        f'reports: {len(reports)} HID boot-keyboard input reports (8 bytes: modifiers, reserved, 6 usages), in order:',
        ' '.join(r.hex() for r in reports),
    ]
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=os.path.join(packvm.REPO, 'Tests', 'Fixtures', 'evdev'))
    ap.add_argument('names', nargs='*', help='only these fixtures')
    args = ap.parse_args()
    todo = [f for f in FIXTURES if not args.names or f['name'] in args.names]
    os.makedirs(args.out, exist_ok=True)
    t0 = time.monotonic()
    with packvm.GuestVM(scanners=[packvm.Scanner(), packvm.HONEYWELL], printer=False, host_root=False) as vm:
        print(f'guest {vm.kver} ready after {vm.ready_seconds:.1f}s')
        for fx in todo:
            for attempt in range(3):
                data = vm.capture(fx['scanner'], *fx['scans'], gap=0.3)
                problems = check(fx, data)
                if not problems:
                    break
                print(f"  {fx['name']}: attempt {attempt + 1}: {'; '.join(problems)}")
            else:
                sys.exit(f"{fx['name']}: no clean capture")
            with open(os.path.join(args.out, fx['name'] + '.bin'), 'wb') as f:
                f.write(data)
            with open(os.path.join(args.out, fx['name'] + '.txt'), 'w') as f:
                f.write(sidecar(fx, data, vm))
            print(f"  {fx['name']}: {len(data)} bytes, {len(data) // 24} events")
    print(f'done in {time.monotonic() - t0:.1f}s -> {args.out}')


if __name__ == '__main__':
    main()
