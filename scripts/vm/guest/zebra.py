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
* STATE/ready is created once the device is open; STATE/replies counts the answers sent.
"""
import fcntl
import os
import select
import sys

# include/uapi/linux/usb/g_printer.h; the SET ioctl takes the status byte as its argument
GADGET_GET_PRINTER_STATUS = (2 << 30) | (1 << 16) | (ord('g') << 8) | 0x21
GADGET_SET_PRINTER_STATUS = (3 << 30) | (1 << 16) | (ord('g') << 8) | 0x22
PRINTER_NOT_ERROR, PRINTER_SELECTED, PRINTER_PAPER_EMPTY = 0x08, 0x10, 0x20

STX, ETX = '\x02', '\x03'


def host_status_reply(st):
    """The ~HS answer (ZPL manual, ~HS): string 1 = aaa,b,c,dddd,eee,f,g,h,iii,j,k,l with
    b = paper out, c = pause; string 2 = mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www with o = head up,
    p = ribbon out; string 3 = xxxx,y."""
    s1 = f"030,{st['paper_out']},{st['pause']},1245,000,0,0,0,000,0,0,0"
    s2 = f"000,0,{st['head_open']},{st['ribbon_out']},0,2,4,0,00000000,1,000"
    s3 = "1234,0"
    return ''.join(f'{STX}{s}{ETX}\r\n' for s in (s1, s2, s3)).encode('ascii')


def read_status(path):
    st = {'paper_out': 0, 'pause': 0, 'head_open': 0, 'ribbon_out': 0}
    try:
        for line in open(path):
            k, _, v = line.strip().partition('=')
            if k in st:
                st[k] = 1 if v.strip() in ('1', 'true', 'yes') else 0
    except FileNotFoundError:
        pass
    return st


def port_status(st):
    if st['paper_out']:
        return PRINTER_SELECTED | PRINTER_PAPER_EMPTY
    if st['head_open'] or st['ribbon_out']:
        return PRINTER_SELECTED
    return PRINTER_SELECTED | PRINTER_NOT_ERROR


def main(dev, state):
    os.makedirs(state, exist_ok=True)
    status_path = os.path.join(state, 'status')
    fd = os.open(dev, os.O_RDWR)
    received = open(os.path.join(state, 'received.bin'), 'ab', buffering=0)
    st, st_mtime, replies, tail = None, None, 0, b''

    def refresh_status():
        nonlocal st, st_mtime
        try:
            m = os.stat(status_path).st_mtime_ns
        except FileNotFoundError:
            m = 0
        if st is None or m != st_mtime:
            st, st_mtime = read_status(status_path), m
            fcntl.ioctl(fd, GADGET_SET_PRINTER_STATUS, port_status(st))

    refresh_status()
    open(os.path.join(state, 'ready'), 'w').write(f'{os.getpid()}\n')
    while True:
        refresh_status()
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:          # gadget unbound (unplugged): wait for it to come back
            select.select([], [], [], 0.2)
            continue
        if not chunk:
            continue
        received.write(chunk)
        window = tail + chunk    # a ~HS split across two USB transfers still counts once
        n = window.count(b'~HS')
        tail = window[-2:] if not window.endswith(b'~HS') else b''
        if n:
            refresh_status()
            for _ in range(n):
                os.write(fd, host_status_reply(st))
            replies += n
            open(os.path.join(state, 'replies'), 'w').write(f'{replies}\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '/dev/g_printer0',
         sys.argv[2] if len(sys.argv) > 2 else '/run/packvm/zebra')
