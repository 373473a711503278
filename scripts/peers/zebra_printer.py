#!/usr/bin/env python3
"""A test printer that behaves like a networked Zebra on raw TCP (port 9100 protocol).

- One data connection at a time, as real printers serve them.
- Reads ZPL as a printer does (an implementation of its own, sharing nothing with the agent's
  Swift tokenizer): caret and tilde commands whatever ^CC/~CC/^CT/~CT/^CD/~CD made them, ^FX
  comments, blanks and CR/LF between commands, ~DG/~DY/~DB/~DU/~DT downloads read by their byte
  counts (ASCII hex with Zebra's compression, :Z64:/:B64:, or binary), formats ^XA...^XZ.
- Keeps downloaded graphics and fonts and stored formats (^DF, ^IS) by name (R: when no drive is
  given) until it is switched off: then what is on R: and the formats in its buffer are lost, while
  E:, B: and A: keep theirs. ^ID deletes objects.
- A format that draws nothing (settings only, ^DF, comments) prints nothing and does not move the
  odometer. A format recalled with ^XF is expanded from the stored one, its ^FN fields filled.
  ^PQn prints n labels, each counted.
- Every byte received on the data port is appended to LOG/received.bin, as it came.
- Every printed label goes to LOG/labels.zpl (the format as received) and, one JSON object per
  label, to LOG/labels.jsonl: {"seq", "odometer", "zpl" (the format as received), "format_index"
  (0-based count of ^XA formats received since the printer started, settings and ^DF formats
  included), "copy" (1-based within ^PQ), "fields" (field data after ^FH and ^FN, in order),
  "missing" (graphics, images and formats it recalls that are not stored; also on stderr),
  "received_at" (wall-clock time, Unix seconds, when the format's ^XZ arrived: latency benchmarks)}.
- Answers ~HS with a Zebra host-status reply (paper out, pause, head open, formats in buffer,
  labels remaining) and `! U1 getvar "odometer.total_label_count"` with the label counter.
- ~JA cancels everything in the buffer.
- A control port takes one command per line and answers one JSON line (the printer's state):
    paper_out 0|1, paper_out_after N, pause 0|1, head_open 0|1, speed N,
    drop_after_bytes N (close the data connection after N more bytes), status,
    switch_off, switch_on, power_cycle (while off, data connections are closed at once),
    objects (the state plus "objects": {name: {"kind", "bytes"}}).

Prints `READY data=PORT control=PORT` on stdout (and to --ready-file) once listening.
Stops on SIGTERM.
"""
import argparse
import base64
import fnmatch
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import zlib

STX, ETX = b"\x02", b"\x03"
CARET, TILDE, COMMA = 0x5E, 0x7E, 0x2C
HEX = frozenset(b"0123456789ABCDEFabcdef")
# Zebra's ASCII compression: G..Y repeat 1..19 times, g..z 20..400; ',' '!' ':' fill and repeat rows.
REPEAT = {**{c: i + 1 for i, c in enumerate(b"GHIJKLMNOPQRSTUVWXY")}, **{c: 20 * (i + 1) for i, c in enumerate(b"ghijklmnopqrstuvwxyz")}}
ASCII_GRAPHIC = HEX | frozenset(REPEAT) | frozenset(b",!:\r\n \t")
# Commands that draw or recall something: a format with none of them (and no field data) prints
# nothing.
DRAWING = {"GB", "GC", "GD", "GE", "GF", "GS", "XG", "IL", "XF"}
FIELD_DATA = {"FD", "FV", "SN", "SF"}
OBJECT_COMMANDS = {"XG", "IL", "ID", "IS", "PQ"}
PERSISTENT_DRIVES = ("E:", "B:", "A:", "Z:")
DY_EXTENSIONS = {"G": "GRF", "P": "PNG", "B": "BMP", "T": "TTF", "E": "TTE", "X": "PCX", "A": "ZPL"}


def log(message):
    sys.stderr.write("zebra_printer: " + message + "\n")
    sys.stderr.flush()


def object_name(text, extension):
    """R:NAME.EXT, upper-case, with the drive and extension a printer assumes when left out."""
    name = text.strip().upper()
    if ":" not in name:
        name = "R:" + name
    if "." not in name.split(":", 1)[1]:
        name += "." + extension
    return name


class Job:
    """A printing format in the buffer: what was received, how many copies, what it lacked."""

    def __init__(self, raw, copies, index, fields, missing):
        self.raw, self.copies, self.index, self.fields, self.missing = raw, copies, index, fields, missing
        self.done = 0


class Format:
    """A format being received: its start offset in the parser's buffer and its commands."""

    def __init__(self, start):
        self.start = start
        self.commands = []        # (code, parameter bytes); field data stays raw until ^XZ
        self.stores = None        # ^DF name: the commands after it become a stored format

    def add(self, code, params):
        if code not in ("FD", "FV"):
            params = params.replace(b"\r", b"").replace(b"\n", b"")
        if code == "DF":
            self.stores = object_name(params.decode("latin-1"), "ZPL")
            self.commands = []
        elif code != "FX":
            self.commands.append((code, params))


class ZPLReader:
    """Reads a byte stream as a printer does, a chunk at a time; calls back on the printer."""

    def __init__(self, printer):
        self.printer = printer
        self.buf = bytearray()
        self.pos = 0
        self.fmt = None
        self.patterns = {}
        self.reset_characters()

    def reset_characters(self):
        self.caret, self.tilde, self.delim = CARET, TILDE, COMMA

    def discard(self):
        """Drops what was not complete (the connection closed, or the power went)."""
        self.buf, self.pos, self.fmt = bytearray(), 0, None

    def feed(self, data, eof=False):
        self.buf += data
        while self.step(eof):
            pass
        if eof:
            if self.fmt is not None:
                log("format %d never ended (no ^XZ before the connection closed); discarded" % self.printer.formats_received)
            self.discard()
            return
        keep = self.fmt.start if self.fmt is not None else self.pos
        if keep > 65536:
            del self.buf[:keep]
            self.pos -= keep
            if self.fmt is not None:
                self.fmt.start = 0

    @property
    def partial(self):
        return self.fmt is not None

    def next_prefix(self, start, outside=False):
        """Offset of the next command character (or '!' of an SGD line outside formats), or -1."""
        key = (self.caret, self.tilde, outside)
        pattern = self.patterns.get(key)
        if pattern is None:
            chars = bytes([self.caret, self.tilde]) + (b"!" if outside else b"")
            pattern = self.patterns[key] = re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in chars) + b"]")
        m = pattern.search(self.buf, start)
        return m.start() if m else -1

    def step(self, eof):
        """Consumes one command; False when the buffer holds no complete one."""
        buf, n = self.buf, len(self.buf)
        p = self.next_prefix(self.pos, outside=self.fmt is None)
        if p < 0:
            self.pos = n
            return False
        if buf[p] == 0x21 and buf[p] not in (self.caret, self.tilde):   # SGD: ! U1 getvar "..."
            end = buf.find(b"\n", p)
            if end < 0 and not eof:
                self.pos = p
                return False
            end = n if end < 0 else end
            self.printer.sgd(bytes(buf[p:end]).strip())
            self.pos = end + 1
            return True
        if p + 3 > n:
            self.pos = n if eof else p
            return False
        tilde = buf[p] == self.tilde
        if not tilde and buf[p + 1] in b"Aa":
            code, start = "A", p + 2              # ^A<font>: the font letter is a parameter
        else:
            code, start = bytes(buf[p + 1:p + 3]).decode("latin-1").upper(), p + 3
        end = self.command(p, tilde, code, start, eof)
        if end is None:
            self.pos = n if eof else p
            return False
        self.pos = end
        return True

    def command(self, p, tilde, code, start, eof):
        """Performs one command; returns where the next begins, or None to wait for more bytes."""
        buf, n, printer = self.buf, len(self.buf), self.printer
        if code in ("CC", "CT", "CD"):
            if start >= n:
                return None
            value = buf[start]
            if value not in b"\r\n":
                if code == "CC":
                    self.caret = value
                elif code == "CT":
                    self.tilde = value
                else:
                    self.delim = value
            return start + 1
        if tilde and code == "HS":
            printer.send_status()
            return start
        if tilde and code == "JA":
            printer.cancel_all()
            return start
        if tilde and code in ("DG", "DY", "DB", "DU", "DT"):
            return self.download(code, start, eof)
        if not tilde and code == "XA":
            if self.fmt is None:
                whole = self.whole_format(p, start)
                if whole is not None:
                    return whole
                self.fmt = Format(p)
            return start
        if not tilde and code == "XZ":
            if self.fmt is not None:
                fmt, self.fmt = self.fmt, None
                printer.format_received(bytes(buf[fmt.start:start]), fmt, self)
            return start
        if not tilde and code in ("FD", "FV", "FX"):
            end = buf.find(bytes([self.caret]), start)   # field data and comments end at a caret only
        else:
            end = self.next_prefix(start)
        if end < 0:
            if not eof:
                return None
            end = n
        if self.fmt is not None and not tilde:
            self.fmt.add(code, bytes(buf[start:end]))
        return end

    def whole_format(self, p, start):
        """Reads a format already whole in the buffer in one go when it holds no tilde and no
        change of command characters (the common case, and ten times faster); else None."""
        buf, caret = self.buf, self.caret
        key = (caret, "XZ")
        pattern = self.patterns.get(key)
        if pattern is None:
            c = re.escape(bytes([caret]))
            pattern = self.patterns[key] = (re.compile(c + b"[Xx][Zz]"), re.compile(c + b"[Cc][CcTtDd]"))
        end = pattern[0].search(buf, start)
        if end is None:
            return None
        body = bytes(buf[start:end.start()])
        if self.tilde in body or pattern[1].search(body):
            return None
        fmt = Format(p)
        for piece in body.split(bytes([caret]))[1:]:
            if piece[:1] in (b"A", b"a"):
                fmt.add("A", piece[1:])
            else:
                fmt.add(piece[:2].decode("latin-1").upper(), piece[2:])
        self.printer.format_received(bytes(buf[p:end.end()]), fmt, self)
        return end.end()

    # -- downloads -----------------------------------------------------------------------------

    def header(self, start, fields, eof):
        """The first `fields` delimiter-separated parameters and where the data begins."""
        buf, out, q = self.buf, [], start
        for _ in range(fields):
            e = buf.find(bytes([self.delim]), q)
            stop = self.next_prefix(q)
            if e < 0 or (0 <= stop < e):
                return None if (e < 0 and stop < 0 and not eof) else ("bad", stop if stop >= 0 else len(buf))
            out.append(bytes(buf[q:e]).decode("latin-1").strip())
            q = e + 1
        return out, q

    def download(self, code, start, eof):
        counts = {"DG": 3, "DY": 5, "DB": 8, "DU": 2, "DT": 2}[code]
        head = self.header(start, counts, eof)
        if head is None:
            return None
        if head[0] == "bad":
            log("~%s without its %d parameters; ignored" % (code, counts))
            return head[1]
        fields, q = head
        try:
            if code == "DG":
                name, total, width, kind = object_name(fields[0], "GRF"), int(fields[1]), int(fields[2]), "graphic"
                binary = False
            elif code == "DY":
                ext = DY_EXTENSIONS.get(fields[2].upper(), fields[2].upper() or "GRF")
                name, total = object_name(fields[0] + ("." + ext if "." not in fields[0] else ""), ext), int(fields[3])
                width = int(fields[4]) if fields[4] else total
                binary, kind = fields[1].upper() in ("B", "C", "P"), "graphic" if ext == "GRF" else "file"
            elif code in ("DU", "DT"):
                name, total, width, kind, binary = object_name(fields[0], "FNT" if code == "DU" else "DAT"), int(fields[1]), int(fields[1]), "font", False
            else:
                return self.download_font(fields, q, eof)
        except ValueError:
            log("~%s %s: sizes are not numbers; ignored" % (code, fields))
            return q
        if total < 0 or total > 64 * 1024 * 1024 or width <= 0:
            log("~%s %s: sizes out of range; ignored" % (code, fields))
            return q
        got = self.graphic_data(q, total, width, binary, eof)
        if got is None:
            return None
        data, end = got
        if data is not None:
            self.printer.store(name, kind, data)
        return end

    def graphic_data(self, q, total, width, binary, eof):
        """(data or None when unusable, end) of a download's payload, or None to wait."""
        buf, n = self.buf, len(self.buf)
        s = q
        while s < n and buf[s] in b"\r\n \t":
            s += 1
        if s >= n and not eof:
            return None
        if buf.startswith(b":Z64:", s) or buf.startswith(b":B64:", s):
            e = buf.find(b":", s + 5)
            if e < 0 or e + 5 > n:
                return None if not eof else (None, n)
            b64, crc = bytes(buf[s + 5:e]), bytes(buf[e + 1:e + 5])
            try:
                data = base64.b64decode(b64, validate=True)
                if buf[s + 1] == ord("Z"):
                    data = zlib.decompress(data)
            except (ValueError, zlib.error) as error:
                log("download at byte %d: bad %s data (%s); not stored" % (s, bytes(buf[s:s + 5]).decode(), error))
                return None, e + 5
            if "%04X" % crc16(b64) != crc.decode("latin-1").upper():
                log("download at byte %d: CRC %s does not match its data (%04X); not stored" % (s, crc.decode("latin-1"), crc16(b64)))
                return None, e + 5
            return data, e + 5
        if binary or (s < n and buf[s] not in ASCII_GRAPHIC):
            # Binary payload: exactly its byte count, whatever bytes (^ and ~ included) it holds.
            if q + total > n:
                return None if not eof else (None, n)
            return bytes(buf[q:q + total]), q + total
        return self.ascii_hex(q, total, width, eof)

    def ascii_hex(self, q, total, width, eof):
        buf, n = self.buf, len(self.buf)
        row_nibbles, want = 2 * width, 2 * total
        nibbles = bytearray()
        repeat, i = 0, q
        while len(nibbles) < want:
            if i >= n:
                if not eof:
                    return None
                break
            c = buf[i]
            if c in (self.caret, self.tilde):
                break
            i += 1
            if c in b"\r\n \t":
                continue
            if c in REPEAT:
                repeat += REPEAT[c]
            elif c in HEX:
                nibbles += bytes([c]) * max(1, repeat)
                repeat = 0
            elif c == COMMA or c == 0x21:
                pad = row_nibbles - len(nibbles) % row_nibbles
                nibbles += (b"0" if c == COMMA else b"F") * pad
            elif c == 0x3A:
                row = len(nibbles) // row_nibbles
                previous = nibbles[(row - 1) * row_nibbles:row * row_nibbles] if row > 0 else b"0" * row_nibbles
                nibbles += previous
            else:
                log("download at byte %d: %r is not ASCII hex; graphic cut short" % (i - 1, chr(c)))
                break
        if len(nibbles) < want:
            log("download at byte %d: %d of %d bytes before the next command; graphic cut short" % (q, len(nibbles) // 2, total))
        nibbles = nibbles[:want]
        return bytes.fromhex(nibbles.decode() + ("0" if len(nibbles) % 2 else "")), i

    def download_font(self, fields, q, eof):
        """~DB d:o.x,a,h,w,base,space,#char,(c),data: each #xxxx.h.w.x.y.i.data sized by h and w."""
        buf, n = self.buf, len(self.buf)
        name = object_name(fields[0], "FNT")
        try:
            count = int(fields[6])
        except ValueError:
            log("~DB %s: character count is not a number; ignored" % fields[0])
            return q
        i, data = q, bytearray()
        for _ in range(count):
            while i < n and buf[i] in b"\r\n \t":
                i += 1
            if i >= n:
                return None if not eof else (self.printer.store(name, "font", bytes(data)) or n)
            if buf[i] != ord("#"):
                break
            parts, j = [], i + 1
            for _ in range(6):
                e = buf.find(b".", j)
                if e < 0:
                    return None if not eof else n
                parts.append(bytes(buf[j:e]))
                j = e + 1
            try:
                h, w = int(parts[1]), int(parts[2])
            except ValueError:
                break
            got = self.ascii_hex(j, h * ((w + 7) // 8), max(1, (w + 7) // 8), eof)
            if got is None:
                return None
            data += got[0]
            i = got[1]
        self.printer.store(name, "font", bytes(data))
        return i


def crc16(data):
    """CRC-16/XMODEM, the check value of Zebra's :Z64: and :B64: data."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def field_text(params, escape):
    """Field data after ^FH decoding (escape is the ^FH character, or None)."""
    if escape is not None:
        out, i = bytearray(), 0
        while i < len(params):
            if params[i] == escape and i + 3 <= len(params) and all(c in HEX for c in params[i + 1:i + 3]):
                out.append(int(params[i + 1:i + 3], 16))
                i += 3
            else:
                out.append(params[i])
                i += 1
        params = bytes(out)
    return params.decode("utf-8", "replace")


def fields_of(commands):
    """[(field number or None, text)] of the fields in commands, in order."""
    out, number, escape = [], None, None
    for code, params in commands:
        if code == "FN":
            digits = re.match(rb"\s*(\d+)", params)
            number = int(digits.group(1)) if digits else 0
        elif code == "FH":
            escape = params[0] if params else ord("_")
        elif code in FIELD_DATA:
            out.append((number, field_text(params, escape)))
        elif code == "FS":
            if number is not None and (not out or out[-1][0] != number):
                out.append((number, None))       # ^FNn^FS: a field to fill from a recall
            number, escape = None, None
    return out


class Printer:
    def __init__(self, log_dir, speed):
        self.lock = threading.Condition()
        self.buffer = []          # Jobs waiting to print
        self.paper_out = False
        self.paper_out_after = None
        self.paused = False
        self.head_open = False
        self.powered = True
        self.speed = speed
        self.odometer = 0
        self.printed = 0
        self.formats_received = 0
        self.drop_after = None
        self.remaining = 0
        self.objects = {}         # name -> {"kind", "bytes", "data" | "commands"}
        self.reader = ZPLReader(self)
        self.connection = None
        self.listener = None
        self.serving = False      # serve_data runs (not in unit tests that feed the reader)
        self.reply = None         # where ~HS and getvar answers go (the data connection)
        self.zpl_log = open(os.path.join(log_dir, "labels.zpl"), "ab")
        self.json_log = open(os.path.join(log_dir, "labels.jsonl"), "a", encoding="utf-8")
        self.received_log = open(os.path.join(log_dir, "received.bin"), "ab")

    def can_print(self):
        return self.powered and not (self.paper_out or self.paused or self.head_open)

    def receive(self, chunk):
        """Bytes from the data connection (lock held): logged as they came, then read."""
        self.received_log.write(chunk)
        self.received_log.flush()
        self.reader.feed(chunk)

    # -- called by the reader (with the lock held) ---------------------------------------------

    def send_status(self):
        one = "030,%d,%d,1218,%03d,0,0,%d,000,0,0,0" % (self.paper_out, self.paused, min(len(self.buffer), 999), self.reader.partial)
        two = "001,0,%d,0,0,2,6,0,%08d,1,000" % (self.head_open, self.remaining)
        self.answer(b"".join(STX + s.encode() + ETX + b"\r\n" for s in (one, two, "1234,0")))

    def sgd(self, line):
        if b"odometer.total_label_count" in line and b"getvar" in line:
            self.answer(b'"%d"' % self.odometer)

    def answer(self, data):
        if self.reply is not None:
            try:
                self.reply.sendall(data)
            except OSError:
                pass

    def cancel_all(self):
        self.buffer.clear()
        self.remaining = 0

    def store(self, name, kind, data):
        self.objects[name] = {"kind": kind, "bytes": len(data), "data": data}

    def delete(self, pattern):
        pattern = object_name(pattern, "*") if pattern.strip() else "R:*.*"
        for name in [n for n in self.objects if fnmatch.fnmatchcase(n, pattern)]:
            del self.objects[name]

    def format_received(self, raw, fmt, reader):
        index = self.formats_received
        self.formats_received += 1
        if fmt.stores is not None:
            self.objects[fmt.stores] = {"kind": "format", "bytes": len(raw), "commands": fmt.commands}
            return
        needs, missing = [], []
        recalled = any(code == "XF" for code, _ in fmt.commands)
        if not recalled:
            commands = fmt.commands
            fields = [t for _, t in fields_of(commands) if t is not None]
        else:
            # Expand ^XF recalls in place; fill their ^FN fields from this format's ^FNn^FD pairs.
            values = {n: t for n, t in fields_of(fmt.commands) if n is not None and t is not None}
            commands, stored_part, own = [], [], []
            for code, params in fmt.commands:
                if code == "XF":
                    name = object_name(params.split(bytes([reader.delim]))[0].decode("latin-1"), "ZPL")
                    needs.append(name)
                    stored = self.objects.get(name)
                    if stored is None or stored["kind"] != "format":
                        missing.append(name)
                    else:
                        commands.extend(stored["commands"])
                        stored_part.extend(stored["commands"])
                else:
                    commands.append((code, params))
                    own.append((code, params))
            # The stored format's fields (numbered ones filled from this format), then its own.
            fields = [values.get(n) if n is not None else t for n, t in fields_of(stored_part)]
            fields += [t for n, t in fields_of(own) if n is None]
            fields = [t for t in fields if t is not None]
        copies, image, codes = 1, None, set()
        for code, params in commands:
            codes.add(code)
            if code in OBJECT_COMMANDS:
                head = params.split(bytes([reader.delim]))
                if code in ("XG", "IL"):
                    name = object_name(head[0].decode("latin-1"), "GRF")
                    needs.append(name)
                    if name not in self.objects:
                        missing.append(name)
                elif code == "ID":
                    self.delete(head[0].decode("latin-1"))
                elif code == "IS":
                    image = (object_name(head[0].decode("latin-1"), "GRF"), not (len(head) > 1 and head[1].strip().upper() == b"N"))
                else:
                    digits = re.match(rb"\s*(\d+)", head[0])
                    copies = max(1, int(digits.group(1))) if digits else 1
        draws = recalled or not DRAWING.isdisjoint(codes) or any(fields)
        if image is not None:
            self.objects[image[0]] = {"kind": "image", "bytes": len(raw), "commands": commands}
            draws = draws and image[1]
        if not draws:
            return
        if missing:
            log("format %d recalls %s, not stored: the label prints without it" % (index, ", ".join(missing)))
        job = Job(raw, copies, index, fields, missing)
        job.received_at = time.time()
        self.buffer.append(job)
        self.lock.notify_all()

    # -- power ---------------------------------------------------------------------------------

    def switch_off(self):
        self.powered = False
        self.buffer.clear()
        self.remaining = 0
        self.objects = {n: o for n, o in self.objects.items() if n.startswith(PERSISTENT_DRIVES)}
        self.reader.discard()
        self.reader.reset_characters()
        for sock in (self.connection, self.listener):
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def switch_on(self):
        self.powered = True
        self.lock.notify_all()
        # Answer only once the data port listens again.
        while self.serving and self.listener is None:
            self.lock.wait(5)

    # -- state ---------------------------------------------------------------------------------

    def state(self):
        with self.lock:
            return {"buffer": len(self.buffer), "odometer": self.odometer, "printed": self.printed,
                    "paper_out": self.paper_out, "paused": self.paused, "head_open": self.head_open,
                    "speed": self.speed, "partial": self.reader.partial, "powered": self.powered,
                    "formats": self.formats_received}

    def run(self):
        while True:
            with self.lock:
                while not (self.buffer and self.can_print()):
                    self.lock.wait()
                job = self.buffer[0]
                speed = self.speed
            if speed > 0:
                time.sleep(1.0 / speed)
            with self.lock:
                if not (self.can_print() and self.buffer and self.buffer[0] is job):
                    continue
                self.odometer += 1
                self.printed += 1
                job.done += 1
                self.remaining = job.copies - job.done
                self.zpl_log.write(job.raw + b"\n")
                self.zpl_log.flush()
                self.json_log.write(json.dumps({"seq": self.printed, "odometer": self.odometer, "zpl": job.raw.decode("utf-8", "replace"),
                                                "format_index": job.index, "copy": job.done, "fields": job.fields,
                                                "missing": job.missing, "received_at": job.received_at}) + "\n")
                self.json_log.flush()
                if job.done >= job.copies:
                    self.buffer.pop(0)
                if self.paper_out_after is not None:
                    self.paper_out_after -= 1
                    if self.paper_out_after <= 0:
                        self.paper_out, self.paper_out_after = True, None


def serve_data(printer, port):
    """Listens while the printer is on; switched off, it refuses connections, as a printer does."""
    with printer.lock:
        printer.serving = True
    while True:
        with printer.lock:
            while not printer.powered:
                printer.lock.wait()
            try:
                server = socket.create_server(("127.0.0.1", port), backlog=4)
            except OSError as error:
                log("cannot listen on port %d again (%s); retrying" % (port, error))
                server = None
            else:
                printer.listener = server
                printer.lock.notify_all()
        if server is None:
            time.sleep(0.1)
            continue
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                break                     # closed by switch_off
            serve_connection(printer, conn)
        server.close()


def serve_connection(printer, conn):
    with conn:
        with printer.lock:
            if not printer.powered:
                return
            printer.connection = printer.reply = conn
        received = 0
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            with printer.lock:
                if not printer.powered:
                    break
                drop = printer.drop_after
                if drop is not None and received + len(chunk) >= drop:
                    printer.drop_after = None
                    printer.receive(chunk[: max(0, drop - received)])
                    break
                received += len(chunk)
                printer.receive(chunk)
        with printer.lock:
            printer.reader.feed(b"", eof=True)
            printer.connection = printer.reply = None


def serve_control(printer, server):
    while True:
        conn, _ = server.accept()
        threading.Thread(target=control_session, args=(printer, conn), daemon=True).start()


def control_session(printer, conn):
    with conn, conn.makefile("rwb") as f:
        for raw in f:
            parts = raw.decode().split()
            if not parts:
                continue
            cmd, arg = parts[0], (int(parts[1]) if len(parts) > 1 else None)
            extra = {}
            with printer.lock:
                if cmd == "paper_out":
                    printer.paper_out = bool(arg)
                elif cmd == "paper_out_after":
                    printer.paper_out_after = arg
                elif cmd == "pause":
                    printer.paused = bool(arg)
                elif cmd == "head_open":
                    printer.head_open = bool(arg)
                elif cmd == "speed":
                    printer.speed = arg
                elif cmd == "drop_after_bytes":
                    printer.drop_after = arg
                elif cmd == "switch_off":
                    printer.switch_off()
                elif cmd == "switch_on":
                    printer.switch_on()
                elif cmd == "power_cycle":
                    printer.switch_off()
                    printer.switch_on()
                elif cmd == "objects":
                    extra = {"objects": {n: {"kind": o["kind"], "bytes": o["bytes"]} for n, o in sorted(printer.objects.items())}}
                elif cmd != "status":
                    f.write(json.dumps({"error": "unknown command '%s'; known: paper_out, paper_out_after, pause, head_open, speed, "
                                                 "drop_after_bytes, status, switch_off, switch_on, power_cycle, objects" % cmd}).encode() + b"\n")
                    f.flush()
                    continue
                printer.lock.notify_all()
            f.write(json.dumps({**printer.state(), **extra}).encode() + b"\n")
            f.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--log", required=True, help="directory for labels.zpl and labels.jsonl")
    ap.add_argument("--speed", type=float, default=0, help="labels per second, 0 = no limit")
    ap.add_argument("--ready-file", help="also write the READY line to this file (atomically)")
    args = ap.parse_args()
    os.makedirs(args.log, exist_ok=True)
    printer = Printer(args.log, args.speed)
    # The data port: found here, then listened on by serve_data while the printer is on.
    probe = socket.create_server(("127.0.0.1", args.port), backlog=4)
    data_port = probe.getsockname()[1]
    probe.close()
    control = socket.create_server(("127.0.0.1", args.control_port), backlog=4)
    # A parent may have spawned us with SIGTERM blocked (Foundation's Process does): unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=printer.run, daemon=True).start()
    threading.Thread(target=serve_control, args=(printer, control), daemon=True).start()
    threading.Thread(target=serve_data, args=(printer, data_port), daemon=True).start()
    with printer.lock:
        while printer.listener is None:
            printer.lock.wait(5)
    ready = "READY data=%d control=%d\n" % (data_port, control.getsockname()[1])
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(ready)
        os.replace(args.ready_file + ".tmp", args.ready_file)
    sys.stdout.write(ready)
    sys.stdout.flush()
    signal.pause()


if __name__ == "__main__":
    main()
