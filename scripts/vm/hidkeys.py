"""USB HID boot-keyboard reports for emulated barcode scanners, and a reference decoder.

A keyboard-wedge barcode scanner is a USB HID keyboard: for every character of the barcode
it sends an 8-byte boot-keyboard report ``[modifiers, 0, key1..key6]`` (key down), then
usually an all-zero report (all keys up). Which (modifiers, usage) it sends for a character
depends on the keyboard layout the scanner is configured for: a scanner set to German sends
``z`` as the usage of the US ``y`` key, ``@`` as AltGr+Q, and so on. The Linux host
(usbhid + hid-input) turns the reports into evdev key codes (``HID_TO_EVDEV``); turning the
key codes back into text needs the same layout, which is what the agent's decoder must do.

This module
* builds report sequences: ``text_reports(text, layout)`` for layouts ``us``, ``gb``, ``de``,
  ``fr``; ``report()``, ``tap()``, ``ctrl()``, ``alt_numpad()``, ``caps_lock()`` for raw
  sequences (GS as Ctrl+] or Alt+keypad 0029, CapsLock, ...);
* predicts the evdev stream the kernel makes of them (``expected_key_frames``);
* parses raw ``struct input_event`` records (``parse_events``) and decodes them back into text
  for a layout (``decode``): a small reference for the project's decoder tests.

No dependencies beyond the standard library; importable by tests and the VM harness.
"""
import struct
import unicodedata

# ---------------------------------------------------------------------------- HID usage ids
MOD_LCTRL, MOD_LSHIFT, MOD_LALT, MOD_LGUI = 0x01, 0x02, 0x04, 0x08
MOD_RCTRL, MOD_RSHIFT, MOD_RALT, MOD_RGUI = 0x10, 0x20, 0x40, 0x80
ALTGR = MOD_RALT

KEY_ENTER_U, KEY_ESC_U, KEY_BACKSPACE_U, KEY_TAB_U, KEY_SPACE_U = 0x28, 0x29, 0x2a, 0x2b, 0x2c
KEY_CAPSLOCK_U, KEY_NUMLOCK_U = 0x39, 0x53
KP_DIGIT_U = {str(d): 0x59 + d - 1 for d in range(1, 10)} | {'0': 0x62}   # keypad 1..9, 0

# drivers/hid/hid-input.c hid_keyboard[]: HID usage (page 7) -> Linux key code, for the range
# keyboard-wedge scanners use (0x00-0x65) and the modifiers (0xe0-0xe7).
_HID_KEYBOARD = [
    0, 0, 0, 0, 30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38,
    50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44, 2, 3,
    4, 5, 6, 7, 8, 9, 10, 11, 28, 1, 14, 15, 57, 12, 13, 26,
    27, 43, 43, 39, 40, 41, 51, 52, 53, 58, 59, 60, 61, 62, 63, 64,
    65, 66, 67, 68, 87, 88, 99, 70, 119, 110, 102, 104, 111, 107, 109, 106,
    105, 108, 103, 69, 98, 55, 74, 78, 96, 79, 80, 81, 75, 76, 77, 71,
    72, 73, 82, 83, 86, 127,
]
HID_TO_EVDEV = {u: c for u, c in enumerate(_HID_KEYBOARD) if c}
HID_TO_EVDEV.update({0xe0 + i: c for i, c in enumerate([29, 42, 56, 125, 97, 54, 100, 126])})
MOD_BIT_TO_EVDEV = {1 << i: HID_TO_EVDEV[0xe0 + i] for i in range(8)}

# Linux key codes used by the decoder
KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_LEFTALT, KEY_RIGHTSHIFT, KEY_RIGHTCTRL, KEY_RIGHTALT = 29, 42, 56, 54, 97, 100
KEY_LEFTMETA, KEY_RIGHTMETA = 125, 126
KEY_ENTER, KEY_KPENTER, KEY_TAB, KEY_CAPSLOCK, KEY_NUMLOCK = 28, 96, 15, 58, 69
EVDEV_KP_DIGIT = {HID_TO_EVDEV[u]: d for d, u in KP_DIGIT_U.items()}
EV_SYN, EV_KEY, EV_MSC, EV_LED = 0, 1, 4, 0x11
SYN_REPORT, MSC_SCAN = 0, 4

# ---------------------------------------------------------------------------- layouts
# A layout maps a HID usage to the characters of its levels: (plain, Shift, AltGr).
# A character written as ('dead', c) is a dead key: a scanner types the character c alone as
# the dead key followed by Space (that is what text_reports() sends).
_LETTERS = {chr(ord('a') + i): 0x04 + i for i in range(26)}


def _base_keys(letters, digits_plain, digits_shift):
    keys = {u: [c, c.upper(), None] for c, u in letters.items()}
    for i, u in enumerate(range(0x1e, 0x28)):
        keys[u] = [digits_plain[i], digits_shift[i], None]
    keys[KEY_SPACE_U] = [' ', ' ', None]
    keys[KEY_ENTER_U] = ['\n', '\n', None]
    keys[KEY_TAB_U] = ['\t', '\t', None]
    return keys


def _layout_us():
    k = _base_keys(_LETTERS, '1234567890', '!@#$%^&*()')
    for u, a, b in [(0x2d, '-', '_'), (0x2e, '=', '+'), (0x2f, '[', '{'), (0x30, ']', '}'),
                    (0x31, '\\', '|'), (0x33, ';', ':'), (0x34, "'", '"'), (0x35, '`', '~'),
                    (0x36, ',', '<'), (0x37, '.', '>'), (0x38, '/', '?')]:
        k[u] = [a, b, None]
    return k


def _layout_gb():
    k = _layout_us()
    del k[0x31]
    k[0x1f][1] = '"'
    k[0x20][1] = '£'
    k[0x21][2] = '€'
    k[0x34] = ["'", '@', None]
    k[0x32] = ['#', '~', None]          # ISO key next to Enter (evdev KEY_BACKSLASH)
    k[0x35] = ['`', '¬', None]
    k[0x64] = ['\\', '|', None]         # ISO key left of Z (evdev KEY_102ND)
    return k


def _layout_de():
    letters = dict(_LETTERS)
    letters['y'], letters['z'] = 0x1d, 0x1c            # QWERTZ
    k = _base_keys(letters, '1234567890', '!"§$%&/()=')
    for u, a, b in [(0x2d, 'ß', '?'), (0x2e, ('dead', '´'), ('dead', '`')), (0x2f, 'ü', 'Ü'),
                    (0x30, '+', '*'), (0x32, '#', "'"), (0x33, 'ö', 'Ö'), (0x34, 'ä', 'Ä'),
                    (0x35, ('dead', '^'), '°'), (0x36, ',', ';'), (0x37, '.', ':'),
                    (0x38, '-', '_'), (0x64, '<', '>')]:
        k[u] = [a, b, None]
    for u, c in [(0x1f, '²'), (0x20, '³'), (0x24, '{'), (0x25, '['), (0x26, ']'), (0x27, '}'),
                 (0x2d, '\\'), (0x14, '@'), (0x08, '€'), (0x30, '~'), (0x64, '|'), (0x10, 'µ')]:
        k[u][2] = c
    return k


def _layout_fr():
    letters = dict(_LETTERS)
    letters.update({'a': 0x14, 'q': 0x04, 'z': 0x1a, 'w': 0x1d})   # AZERTY
    del letters['m']
    k = _base_keys(letters, '&é"\'(-è_çà', '1234567890')
    for u, a, b in [(0x2d, ')', '°'), (0x2e, '=', '+'), (0x2f, ('dead', '^'), ('dead', '¨')),
                    (0x30, '$', '£'), (0x32, '*', 'µ'), (0x33, 'm', 'M'), (0x34, 'ù', '%'),
                    (0x35, '²', None), (0x10, ',', '?'), (0x36, ';', '.'), (0x37, ':', '/'),
                    (0x38, '!', '§'), (0x64, '<', '>')]:
        k[u] = [a, b, None]
    for u, c in [(0x1f, ('dead', '~')), (0x20, '#'), (0x21, '{'), (0x22, '['), (0x23, '|'),
                 (0x24, ('dead', '`')), (0x25, '\\'), (0x26, '^'), (0x27, '@'), (0x2d, ']'),
                 (0x2e, '}'), (0x08, '€')]:
        k[u][2] = c
    return k


LAYOUTS = {'us': _layout_us(), 'gb': _layout_gb(), 'de': _layout_de(), 'fr': _layout_fr()}
_LEVEL_MODS = (0, MOD_LSHIFT, ALTGR)


def _char_map(layout):
    """character -> list of (modifiers, usage) strokes, preferring the lowest level."""
    out = {}
    for u, levels in sorted(LAYOUTS[layout].items()):
        for lvl, c in enumerate(levels):
            if c is None:
                continue
            if isinstance(c, tuple):     # dead key: the character alone is dead key + Space
                strokes = [(_LEVEL_MODS[lvl], u), (0, KEY_SPACE_U)]
                c = c[1]
            else:
                strokes = [(_LEVEL_MODS[lvl], u)]
            if c not in out or len(strokes) < len(out[c]):
                out[c] = strokes
    return out


_CHAR_MAPS = {name: _char_map(name) for name in LAYOUTS}

# ---------------------------------------------------------------------------- report builders


def report(modifiers=0, *keys):
    """One 8-byte boot-keyboard input report."""
    if len(keys) > 6:
        raise ValueError('a boot keyboard report holds at most 6 keys')
    return bytes([modifiers & 0xff, 0, *keys, *([0] * (6 - len(keys)))])


RELEASE = report()


def tap(modifiers, usage):
    """Press (modifiers + usage) then release everything: how scanners send one character."""
    return [report(modifiers, usage), RELEASE]


def strokes_for(ch, layout='us'):
    try:
        return _CHAR_MAPS[layout][ch]
    except KeyError:
        raise ValueError(f'character {ch!r} cannot be typed on layout {layout!r}') from None


def text_reports(text, layout='us'):
    """Reports that type `text` on a scanner configured for `layout` ('\\n' = Enter)."""
    out = []
    for ch in text:
        for mods, usage in strokes_for(ch, layout):
            out += tap(mods, usage)
    return out


def ctrl(usage):
    """Ctrl+key, e.g. ctrl(0x30) = Ctrl+] on US = GS (0x1d), how many scanners send FNC1/GS."""
    return tap(MOD_LCTRL, usage)


GS_CTRL_BRACKET = ctrl(0x30)


def alt_numpad(digits, alt=MOD_LALT):
    """Alt held while the digits are tapped on the keypad, then Alt released
    (Windows-style Alt code; alt_numpad('0029') = GS)."""
    out = [report(alt)]
    for d in digits:
        out += [report(alt, KP_DIGIT_U[d]), report(alt)]
    out.append(RELEASE)
    return out


def caps_lock():
    return tap(0, KEY_CAPSLOCK_U)


def caps_lock_text_reports(text, layout='us'):
    """What a scanner that compensates for CapsLock being on sends: letters with inverted Shift."""
    out = []
    for ch in text:
        for mods, usage in strokes_for(ch, layout):
            base = LAYOUTS[layout][usage][0]
            if isinstance(base, str) and base.isalpha() and mods in (0, MOD_LSHIFT) and \
                    LAYOUTS[layout][usage][1] == base.upper():
                mods ^= MOD_LSHIFT
            out += tap(mods, usage)
    return out


def as_bytes(reports):
    """A report list (bytes of 8, or (modifiers, usage...) tuples) as one byte string."""
    out = bytearray()
    for r in reports:
        r = bytes(r) if isinstance(r, (bytes, bytearray)) else report(*r)
        if len(r) != 8:
            raise ValueError(f'report {r!r} is not 8 bytes')
        out += r
    return bytes(out)


# ---------------------------------------------------------------------------- evdev side
EVENT = struct.Struct('<qqHHi')          # struct input_event on x86_64: timeval, type, code, value
EVENT_SIZE = EVENT.size                  # 24


def parse_events(data):
    """Raw /dev/input/eventN bytes -> list of (sec, usec, type, code, value)."""
    if len(data) % EVENT_SIZE:
        raise ValueError(f'{len(data)} bytes is not a whole number of {EVENT_SIZE}-byte input_events')
    return [EVENT.unpack_from(data, o) for o in range(0, len(data), EVENT_SIZE)]


def key_frames(events):
    """Group events into SYN_REPORT frames; keep only frames with EV_KEY press/release
    (value 0/1), as lists of (code, value) in stream order."""
    frames, cur = [], []
    for _, _, typ, code, value in events:
        if typ == EV_KEY and value in (0, 1):
            cur.append((code, value))
        elif typ == EV_SYN and code == SYN_REPORT:
            if cur:
                frames.append(cur)
            cur = []
    if cur:
        frames.append(cur)
    return frames


def expected_key_frames(reports, start=RELEASE):
    """The evdev EV_KEY frames usbhid/hid-input produce for these reports, in the kernel's
    order: one frame per report that changes anything; in it first the modifier changes
    (bit order: LCtrl, LShift, LAlt, LGUI, RCtrl, RShift, RAlt, RGUI), then the key array
    slot by slot (a slot's release before its press)."""
    frames, prev = [], as_bytes([start])
    for r in (as_bytes([x]) for x in reports):
        f = []
        for bit, code in MOD_BIT_TO_EVDEV.items():
            if (prev[0] ^ r[0]) & bit:
                f.append((code, 1 if r[0] & bit else 0))
        old, new = prev[2:], r[2:]
        for n in range(6):
            if old[n] and old[n] not in new:
                f.append((HID_TO_EVDEV[old[n]], 0))
            if new[n] and new[n] not in old:
                f.append((HID_TO_EVDEV[new[n]], 1))
        if f:
            frames.append(f)
        prev = r
    return frames


_COMBINING = {'^': '\u0302', '´': '\u0301', '`': '\u0300', '~': '\u0303', '¨': '\u0308'}


def decode(events, layout='us'):
    """Reference decoder: evdev events of a keyboard-wedge scanner -> text.

    Handles Shift, AltGr (Right Alt), CapsLock (toggles, inverts Shift for letters), Ctrl+key
    (control characters: Ctrl+] = GS), Alt+keypad decimal codes (Alt+0029 = GS), dead keys
    (dead key + Space = the accent itself, + letter = the composed letter), Enter = '\\n'.
    Autorepeat (value 2) is ignored.
    """
    by_code = {}
    for usage, levels in LAYOUTS[layout].items():
        by_code[HID_TO_EVDEV[usage]] = levels
    down, caps, dead, altnum, out = set(), False, None, None, []

    def emit(c):
        nonlocal dead
        if dead is not None:
            if c == ' ':
                c = dead
            else:
                c = unicodedata.normalize('NFC', c + _COMBINING.get(dead, '')) if c.isalpha() else dead + c
            dead = None
        out.append(c)

    for _, _, typ, code, value in events:
        if typ != EV_KEY or value == 2:
            continue
        if value == 0:
            down.discard(code)
            if code in (KEY_LEFTALT,) and altnum is not None:
                if altnum:
                    emit(chr(int(altnum)))
                altnum = None
            continue
        down.add(code)
        if code == KEY_CAPSLOCK:
            caps = not caps
            continue
        if code in (KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_RIGHTALT,
                    KEY_LEFTMETA, KEY_RIGHTMETA, KEY_NUMLOCK):
            continue
        if code == KEY_LEFTALT:
            altnum = ''
            continue
        if KEY_LEFTALT in down and code in EVDEV_KP_DIGIT:
            altnum = (altnum or '') + EVDEV_KP_DIGIT[code]
            continue
        if code == KEY_KPENTER:
            emit('\n')
            continue
        levels = by_code.get(code)
        if levels is None:
            continue
        shift = bool(down & {KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
        base = levels[0] if isinstance(levels[0], str) else None
        if caps and base and base.isalpha() and levels[1] == base.upper():
            shift = not shift
        lvl = 2 if KEY_RIGHTALT in down else (1 if shift else 0)
        c = levels[lvl]
        if c is None:
            continue
        if down & {KEY_LEFTCTRL, KEY_RIGHTCTRL}:
            b = levels[0] if isinstance(levels[0], str) else ''
            if len(b) == 1 and 0x40 <= ord(b.upper()) <= 0x5f:
                out.append(chr(ord(b.upper()) & 0x1f))
            continue
        if isinstance(c, tuple):           # dead key
            if dead is not None:
                emit(c[1])
            else:
                dead = c[1]
            continue
        emit(c)
    if dead is not None:
        out.append(dead)
    return ''.join(out)
