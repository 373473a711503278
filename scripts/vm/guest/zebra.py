#!/usr/bin/env python3
"""Fake Zebra ZPL label printer on the gadget side of a usb_f_printer gadget.

Runs inside the packvm guest, chrooted into the overlay of the host root (so it uses the host's
python3): ``chroot /host python3 .../zebra.py /dev/g_printer0 /run/packvm/zebra``.

* Everything the USB host side sends (usblp writes, libusb bulk OUT) is appended byte-exact to
  STATE/received.bin.
* Each ``~HS`` (host status request) is answered on bulk IN with Zebra's three-line host status
  reply, each line ``STX ... ETX CR LF``.
* STATE/status holds ``key=value`` lines the host can rewrite at any time:
  ``paper_out``, ``pause``, ``head_open``, ``ribbon_out`` (0/1). They set the flags in the
  ``~HS`` reply and the 1-byte USB printer-class port status (GET_PORT_STATUS, LPGETSTATUS):
  paper out sets PAPER_EMPTY and clears NOT_ERROR.
* ``paper_out_after=N`` in STATE/status: the roll holds N more labels, then the printer reports
  paper out until STATE/status is written again (the host "loads labels").
* ``stall_after=N`` in STATE/status: take N more bytes (a little more: reads are whole), then
  stop reading (a hung printer) until STATE/status is written again; the host's bulk OUT then
  stops making progress.
* Every complete ``^XA ... ^XZ`` format is a label: it waits in the buffer (``~HS`` reports how many)
  while the printer cannot print (paper out, pause, head open), else it is "printed" at once:
  one JSON line per label in STATE/labels.jsonl (``{"seq", "odometer", "zpl"}``), ``^PQn`` prints
  n copies. ``! U1 getvar "odometer.total_label_count"`` is answered on bulk IN with ``"N"``
  (the label counter), as the TCP test printer (scripts/peers/zebra_printer.py) does.
* STATE/ready is created once the device is open; STATE/replies counts the answers sent.
"""
import fcntl
import json
import os
import re
import select
import sys

# include/uapi/linux/usb/g_printer.h; the SET ioctl takes the status byte as its argument
GADGET_GET_PRINTER_STATUS = (2 << 30) | (1 << 16) | (ord('g') << 8) | 0x21
GADGET_SET_PRINTER_STATUS = (3 << 30) | (1 << 16) | (ord('g') << 8) | 0x22
PRINTER_NOT_ERROR, PRINTER_SELECTED, PRINTER_PAPER_EMPTY = 0x08, 0x10, 0x20

STX, ETX = '\x02', '\x03'


def host_status_reply(st, formats=0):
    """The ~HS answer (ZPL manual, ~HS): string 1 = aaa,b,c,dddd,eee,f,g,h,iii,j,k,l with
    b = paper out, c = pause, eee = formats in the buffer; string 2 = mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www
    with o = head up, p = ribbon out; string 3 = xxxx,y."""
    s1 = f"030,{st['paper_out']},{st['pause']},1245,{min(formats, 999):03d},0,0,0,000,0,0,0"
    s2 = f"000,0,{st['head_open']},{st['ribbon_out']},0,2,4,0,00000000,1,000"
    s3 = "1234,0"
    return ''.join(f'{STX}{s}{ETX}\r\n' for s in (s1, s2, s3)).encode('ascii')


def read_status(path):
    st = {'paper_out': 0, 'pause': 0, 'head_open': 0, 'ribbon_out': 0, 'paper_out_after': None, 'stall_after': None}
    try:
        for line in open(path):
            k, _, v = line.strip().partition('=')
            if k in ('paper_out_after', 'stall_after'):
                st[k] = int(v)
            elif k in st:
                st[k] = 1 if v.strip() in ('1', 'true', 'yes') else 0
    except FileNotFoundError:
        pass
    return st


class Labels:
    """The receive buffer and the print engine: formats in, labels out (labels.jsonl)."""

    def __init__(self, state):
        self.buf = bytearray()
        self.waiting = []          # formats received, not printed
        self.odometer = self.printed = 0
        self.roll = None           # labels left on the roll (None: endless)
        self.roll_empty = False
        self.log = open(os.path.join(state, 'labels.jsonl'), 'a', buffering=1)

    def feed(self, data):
        """Takes received bytes; returns the SGD variables asked for, in order."""
        self.buf += data
        asked = []
        while True:
            i_gv, i_xz = self.buf.find(b'! U1 getvar'), self.buf.find(b'^XZ')
            if i_gv >= 0 and (i_xz < 0 or i_gv < i_xz):
                end = self.buf.find(b'\n', i_gv)
                if end < 0:
                    break
                m = re.search(rb'"([^"]*)"', bytes(self.buf[i_gv:end]))
                asked.append(m.group(1).decode('ascii', 'replace') if m else '')
                del self.buf[i_gv:end + 1]
            elif i_xz >= 0:
                head = bytes(self.buf[:i_xz + 3])
                start = head.rfind(b'^XA')
                self.waiting.append(head[start:] if start >= 0 else head)
                del self.buf[:i_xz + 3]
            else:
                break
        # ~HS is answered by the caller; drop it so it is not part of a label
        self.buf = bytearray(self.buf.replace(b'~HS', b''))
        return asked

    def print_waiting(self, st):
        """Prints what waits while paper, pause and head allow."""
        while self.waiting and not (st['paper_out'] or st['pause'] or st['head_open']):
            fmt = self.waiting.pop(0)
            pq = re.search(rb'\^PQ(\d+)', fmt)
            copies = max(1, int(pq.group(1))) if pq else 1
            for done in range(1, copies + 1):
                self.odometer += 1
                self.printed += 1
                self.log.write(json.dumps({'seq': self.printed, 'odometer': self.odometer,
                                           'zpl': fmt.decode('utf-8', 'replace')}) + '\n')
                if self.roll is not None:
                    self.roll -= 1
                    if self.roll <= 0:
                        self.roll, self.roll_empty, st['paper_out'] = None, True, 1
                        if done < copies:   # the rest of the copies print after the reload
                            self.waiting.insert(0, fmt[:pq.start()] + b'^PQ%d' % (copies - done) + fmt[pq.end():])
                        break


def port_status(st):
    if st['paper_out']:
        return PRINTER_SELECTED | PRINTER_PAPER_EMPTY
    if st['head_open'] or st['ribbon_out']:
        return PRINTER_SELECTED
    return PRINTER_SELECTED | PRINTER_NOT_ERROR


def open_gadget(dev):
    """Opens the gadget node; after an unplug (UDC unbound) f_printer removes it and makes it
    again on replug, and the old descriptor stays dead (ENODEV): wait for the new node."""
    while True:
        try:
            return os.open(dev, os.O_RDWR)
        except OSError:
            select.select([], [], [], 0.1)


def main(dev, state):
    os.makedirs(state, exist_ok=True)
    status_path = os.path.join(state, 'status')
    fd = open_gadget(dev)
    received = open(os.path.join(state, 'received.bin'), 'ab', buffering=0)
    labels = Labels(state)
    st, st_mtime, port, replies, tail, budget = None, None, None, 0, b'', None

    def refresh_status():
        nonlocal st, st_mtime, port, budget
        try:
            m = os.stat(status_path).st_mtime_ns
        except FileNotFoundError:
            m = 0
        if st is None or m != st_mtime:          # the host wrote it: new flags, a new roll
            st, st_mtime = read_status(status_path), m
            labels.roll, labels.roll_empty = st['paper_out_after'], False
            budget = st['stall_after']
        if labels.roll_empty:
            st['paper_out'] = 1
        if port != port_status(st):
            fcntl.ioctl(fd, GADGET_SET_PRINTER_STATUS, port_status(st))
            port = port_status(st)

    def answer(data):
        nonlocal replies
        os.write(fd, data)
        replies += 1
        open(os.path.join(state, 'replies'), 'w').write(f'{replies}\n')

    refresh_status()
    open(os.path.join(state, 'ready'), 'w').write(f'{os.getpid()}\n')
    while True:
        try:
            refresh_status()
            labels.print_waiting(st)
            r, _, _ = select.select([fd] if budget is None or budget > 0 else [], [], [], 0.2)
            if not r:
                continue
            # always whole reads: f_printer's poll does not see what a short read leaves behind
            chunk = os.read(fd, 65536)
            if budget is not None:
                budget -= len(chunk)
            if not chunk:
                select.select([], [], [], 0.05)
                continue
            received.write(chunk)
            window = tail + chunk    # a ~HS split across two USB transfers still counts once
            n = window.count(b'~HS')
            tail = window[-2:] if not window.endswith(b'~HS') else b''
            asked = labels.feed(chunk)
            refresh_status()
            labels.print_waiting(st)
            for _ in range(n):
                answer(host_status_reply(st, len(labels.waiting)))
            for name in asked:
                answer(b'"%d"' % labels.odometer if name == 'odometer.total_label_count' else b'"?"')
        except OSError:          # unplugged: the printer restarts when it is plugged in again
            os.close(fd)
            select.select([], [], [], 0.2)
            fd, port, tail = open_gadget(dev), None, b''


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/dev/g_printer0',
         sys.argv[2] if len(sys.argv) > 2 else '/run/packvm/zebra')
