#!/usr/bin/env python3
"""A test printer that behaves like a networked Zebra on raw TCP (port 9100 protocol).

- One data connection at a time, as real printers serve them.
- Every complete ^XA…^XZ format goes into the receive buffer and is "printed" at a set speed
  (labels per second; 0 = instantly): appended to LOG/labels.zpl and, one JSON object per
  printed label, to LOG/labels.jsonl ({"seq", "odometer", "zpl"}). ^PQn prints n copies.
- Answers ~HS with a Zebra host-status reply (paper out, pause, head open, formats in buffer,
  labels remaining) and `! U1 getvar "odometer.total_label_count"` with the label counter.
- ~JA cancels everything in the buffer.
- A control port takes one command per line and answers one JSON line:
    paper_out 0|1, paper_out_after N, pause 0|1, head_open 0|1, speed N,
    drop_after_bytes N (close the data connection after N more bytes), status.

Prints `READY data=PORT control=PORT` on stdout (and to --ready-file) once listening.
Stops on SIGTERM.
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import time

STX, ETX = b"\x02", b"\x03"


class Printer:
    def __init__(self, log_dir, speed):
        self.lock = threading.Condition()
        self.buffer = []          # formats waiting to print
        self.partial = False
        self.paper_out = False
        self.paper_out_after = None
        self.paused = False
        self.head_open = False
        self.speed = speed
        self.odometer = 0
        self.printed = 0
        self.drop_after = None
        self.remaining = 0
        self.log_dir = log_dir
        self.zpl_log = open(os.path.join(log_dir, "labels.zpl"), "ab")
        self.json_log = open(os.path.join(log_dir, "labels.jsonl"), "a", encoding="utf-8")

    def can_print(self):
        return not (self.paper_out or self.paused or self.head_open)

    def host_status(self):
        with self.lock:
            one = "030,%d,%d,1218,%03d,0,0,%d,000,0,0,0" % (self.paper_out, self.paused, min(len(self.buffer), 999), self.partial)
            two = "001,0,%d,0,0,2,6,0,%08d,1,000" % (self.head_open, self.remaining)
        return b"".join(STX + s.encode() + ETX + b"\r\n" for s in (one, two, "1234,0"))

    def state(self):
        with self.lock:
            return {"buffer": len(self.buffer), "odometer": self.odometer, "printed": self.printed,
                    "paper_out": self.paper_out, "paused": self.paused, "head_open": self.head_open,
                    "speed": self.speed, "partial": self.partial}

    def receive(self, fmt):
        with self.lock:
            self.buffer.append(fmt)
            self.lock.notify_all()

    def run(self):
        while True:
            with self.lock:
                while not (self.buffer and self.can_print()):
                    self.lock.wait()
                fmt = self.buffer[0]
                speed = self.speed
            copies = 1
            pq = fmt.find(b"^PQ")
            if pq >= 0:
                digits = b""
                for c in fmt[pq + 3:]:
                    if 48 <= c <= 57:
                        digits += bytes([c])
                    else:
                        break
                copies = max(1, int(digits or b"1"))
            done = 0
            while done < copies:
                if speed > 0:
                    time.sleep(1.0 / speed)
                with self.lock:
                    if not self.can_print():
                        self.remaining = copies - done
                        break
                    self.odometer += 1
                    self.printed += 1
                    done += 1
                    self.remaining = copies - done
                    self.zpl_log.write(fmt + b"\n")
                    self.zpl_log.flush()
                    self.json_log.write(json.dumps({"seq": self.printed, "odometer": self.odometer, "zpl": fmt.decode("utf-8", "replace")}) + "\n")
                    self.json_log.flush()
                    if self.paper_out_after is not None:
                        self.paper_out_after -= 1
                        if self.paper_out_after <= 0:
                            self.paper_out, self.paper_out_after = True, None
            with self.lock:
                if done == copies and self.buffer and self.buffer[0] is fmt:
                    self.buffer.pop(0)
                    self.remaining = 0
                elif done < copies:
                    # Keep the rest of the copies for after the reload.
                    self.buffer[0] = fmt.replace(b"^PQ%d" % copies, b"^PQ%d" % (copies - done)) if pq >= 0 else fmt


def serve_data(printer, server):
    while True:
        conn, _ = server.accept()
        with conn:
            pending = b""
            received = 0
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                with printer.lock:
                    drop = printer.drop_after
                if drop is not None:
                    if received + len(chunk) >= drop:
                        chunk = chunk[: max(0, drop - received)]
                        with printer.lock:
                            printer.drop_after = None
                        pending = handle(printer, conn, pending + chunk)
                        break
                received += len(chunk)
                pending = handle(printer, conn, pending + chunk)
            with printer.lock:
                printer.partial = False


def handle(printer, conn, data):
    """Consumes complete commands and formats from data; returns the unconsumed rest."""
    while True:
        if data.startswith(b"~HS"):
            conn.sendall(printer.host_status())
            data = data[3:]
            continue
        if data.startswith(b"~JA"):
            with printer.lock:
                printer.buffer.clear()
            data = data[3:]
            continue
        if data.startswith(b"!"):
            end = data.find(b"\n")
            if end < 0:
                return data
            line = data[:end].strip()
            data = data[end + 1:]
            if b"odometer.total_label_count" in line and b"getvar" in line:
                with printer.lock:
                    conn.sendall(b'"%d"' % printer.odometer)
            continue
        start = data.find(b"^XA")
        tilde = data.find(b"~")
        bang = data.find(b"!")
        nexts = [i for i in (start, tilde, bang) if i >= 0]
        if not nexts:
            return b""
        first = min(nexts)
        if first > 0:
            data = data[first:]
            continue
        if first == start:
            end = data.find(b"^XZ")
            if end < 0:
                with printer.lock:
                    printer.partial = True
                return data
            printer.receive(data[: end + 3])
            with printer.lock:
                printer.partial = False
            data = data[end + 3:]
            continue
        if first == tilde and len(data) < 3:
            return data
        data = data[1:]


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
                elif cmd != "status":
                    f.write(b'{"error":"unknown command"}\n')
                    f.flush()
                    continue
                printer.lock.notify_all()
            f.write(json.dumps(printer.state()).encode() + b"\n")
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
    data = socket.create_server(("127.0.0.1", args.port), backlog=4)
    control = socket.create_server(("127.0.0.1", args.control_port), backlog=4)
    # A parent may have spawned us with SIGTERM blocked (Foundation's Process does): unblock it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=printer.run, daemon=True).start()
    threading.Thread(target=serve_control, args=(printer, control), daemon=True).start()
    threading.Thread(target=serve_data, args=(printer, data), daemon=True).start()
    ready = "READY data=%d control=%d\n" % (data.getsockname()[1], control.getsockname()[1])
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(ready)
        os.replace(args.ready_file + ".tmp", args.ready_file)
    sys.stdout.write(ready)
    sys.stdout.flush()
    signal.pause()


if __name__ == "__main__":
    main()
