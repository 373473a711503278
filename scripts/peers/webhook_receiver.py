#!/usr/bin/env python3
"""A webhook receiver like an order system's, for the hub's webhook tests (docs/webhooks.md).

- Listens for POSTs on a data port (any path). Checks each as a receiver should:
  Packstation-Timestamp within --tolerance seconds of now, Packstation-Signature holding a
  v1=HEX(HMAC-SHA256(secret, timestamp + "." + body)) under one of its secrets (compared in
  constant time), a JSON body {"id", "type", "created_at", "data"} whose id is the
  Packstation-Event-Id header. A request failing any check is answered 401 and recorded as
  rejected, with the reason.
- Deduplicates by event id: the first good delivery of an event is "accepted" (appended to
  LOG/accepted.jsonl: {"id", "type", "created_at", "data", "attempt", "received_at"}), any later
  one is a "duplicate" (answered 200 too, as a receiver must, and recorded but not accepted again).
  The ids already accepted are read back from LOG/accepted.jsonl at start, so a restarted receiver
  still deduplicates.
- Every request is appended to LOG/requests.jsonl: {"id", "attempt", "outcome"
  (accepted|duplicate|rejected|failed), "status", "reason", "at"}.
- Can misbehave, set on a control port (one command per line, answered with one JSON line, the
  state and counts):
    normal            answer 200
    fail CODE         answer CODE (e.g. 503) without accepting anything
    fail_next N CODE  answer CODE to the next N requests, then 200
    slow SECONDS      accept (the order system did its work), then wait SECONDS before answering
    gone              close the data port (connections are refused) until `back`
    back              listen again on the same port
    secrets A,B       the secrets accepted from now on
    status            just the state
Prints `READY port=PORT control=PORT pid=PID` on stdout (and to --ready-file) once listening.
Stops on SIGTERM.
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time


class Receiver:
    def __init__(self, log_dir, secrets, tolerance):
        self.log_dir = log_dir
        self.secrets = list(secrets)
        self.tolerance = tolerance
        self.lock = threading.Lock()
        self.mode = ("normal",)
        self.fail_next = (0, 200)
        self.accepted = set()
        self.counts = {"accepted": 0, "duplicate": 0, "rejected": 0, "failed": 0, "requests": 0}
        path = os.path.join(log_dir, "accepted.jsonl")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    if line.strip():
                        self.accepted.add(json.loads(line)["id"])

    def append(self, name, record):
        with open(os.path.join(self.log_dir, name), "a") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def state(self):
        with self.lock:
            return {"mode": list(self.mode), "fail_next": self.fail_next[0], "accepted_ids": len(self.accepted), **self.counts}

    def check(self, headers, body):
        """The event if the request is a good delivery, else the reason it is not."""
        timestamp = headers.get("Packstation-Timestamp", "")
        signature = headers.get("Packstation-Signature", "")
        event_id = headers.get("Packstation-Event-Id", "")
        if not timestamp.isdigit():
            return None, "no or bad Packstation-Timestamp"
        if abs(time.time() - int(timestamp)) > self.tolerance:
            return None, "timestamp outside the tolerance"
        with self.lock:
            secrets = list(self.secrets)
        signed = timestamp.encode() + b"." + body
        candidates = [p.strip() for p in signature.split(",") if p.strip().startswith("v1=")]
        good = False
        for secret in secrets:
            expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
            for c in candidates:
                if hmac.compare_digest(c, expected):
                    good = True
        if not good:
            return None, "bad signature"
        try:
            event = json.loads(body)
        except ValueError:
            return None, "body is not JSON"
        if not isinstance(event, dict) or set(event) != {"id", "type", "created_at", "data"}:
            return None, "body is not {id, type, created_at, data}"
        if str(event["id"]) != event_id:
            return None, "Packstation-Event-Id differs from the body's id"
        return event, None

    def handle(self, headers, body):
        """(status, outcome, id, reason, delay after accepting)."""
        with self.lock:
            self.counts["requests"] += 1
            mode = self.mode
            if self.fail_next[0] > 0:
                n, code = self.fail_next
                self.fail_next = (n - 1, code)
                mode = ("fail", code)
        if mode[0] == "fail":
            return mode[1], "failed", headers.get("Packstation-Event-Id"), "told to fail", 0
        event, reason = self.check(headers, body)
        if event is None:
            return 401, "rejected", headers.get("Packstation-Event-Id"), reason, 0
        delay = mode[1] if mode[0] == "slow" else 0
        with self.lock:
            duplicate = event["id"] in self.accepted
            self.accepted.add(event["id"])
        if not duplicate:
            self.append("accepted.jsonl", {**event, "attempt": headers.get("Packstation-Attempt"), "received_at": time.time()})
        return 200, "duplicate" if duplicate else "accepted", event["id"], None, delay


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        receiver = self.server.receiver
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20))
        status, outcome, event_id, reason, delay = receiver.handle(self.headers, body)
        with receiver.lock:
            receiver.counts[outcome] += 1
        receiver.append("requests.jsonl", {
            "id": event_id, "attempt": self.headers.get("Packstation-Attempt"), "outcome": outcome,
            "status": status, "reason": reason, "at": time.time()})
        if delay:
            time.sleep(delay)
        answer = json.dumps({"outcome": outcome, "reason": reason}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass  # the hub gave up waiting (slow mode)


class DataServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *args):
        super().__init__(*args)
        self.connections = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self):
        """Kept-alive connections are cut too: gone means gone."""
        with self.connections_lock:
            connections = list(self.connections)
        for c in connections:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Control(socketserver.StreamRequestHandler):
    def handle(self):
        app = self.server.app
        for raw in self.rfile:
            words = raw.decode().split()
            if not words:
                continue
            command, args = words[0], words[1:]
            error = None
            try:
                if command == "normal":
                    app.receiver.mode = ("normal",)
                elif command == "fail":
                    app.receiver.mode = ("fail", int(args[0]))
                elif command == "fail_next":
                    app.receiver.fail_next = (int(args[0]), int(args[1]))
                elif command == "slow":
                    app.receiver.mode = ("slow", float(args[0]))
                elif command == "gone":
                    app.stop_data()
                elif command == "back":
                    app.start_data()
                elif command == "secrets":
                    with app.receiver.lock:
                        app.receiver.secrets = args[0].split(",")
                elif command != "status":
                    error = "unknown command " + command
            except (IndexError, ValueError) as e:
                error = "bad arguments: %s" % e
            state = app.receiver.state()
            state["listening"] = app.data is not None
            if error:
                state["error"] = error
            self.wfile.write((json.dumps(state) + "\n").encode())
            self.wfile.flush()


class ControlServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class App:
    def __init__(self, receiver, port):
        self.receiver = receiver
        self.port = port
        self.data = None
        self.lock = threading.Lock()

    def start_data(self):
        with self.lock:
            if self.data is not None:
                return
            server = DataServer(("127.0.0.1", self.port), Handler)
            server.receiver = self.receiver
            self.port = server.server_address[1]
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.data = server

    def stop_data(self):
        with self.lock:
            server, self.data = self.data, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.drop_connections()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--log", required=True, help="directory for accepted.jsonl and requests.jsonl")
    parser.add_argument("--secret", action="append", default=[], help="a secret accepted (repeatable)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tolerance", type=float, default=300, help="seconds a timestamp may be off")
    parser.add_argument("--ready-file")
    options = parser.parse_args()
    os.makedirs(options.log, exist_ok=True)
    app = App(Receiver(options.log, options.secret, options.tolerance), options.port)
    app.start_data()
    control = ControlServer(("127.0.0.1", 0), Control)
    control.app = app
    threading.Thread(target=control.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    line = "READY port=%d control=%d pid=%d\n" % (app.port, control.server_address[1], os.getpid())
    if options.ready_file:
        tmp = options.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(line)
        os.replace(tmp, options.ready_file)
    sys.stdout.write(line)
    sys.stdout.flush()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
