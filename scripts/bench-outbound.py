#!/usr/bin/env python3
"""The hub's outbound traffic (docs/benchmarks.md, "Webhook deliveries and notice e-mails").

    scripts/bench-outbound.py [--hub .build/release/packstation-hub] [--events 2000] [--notices 500] [--runs 3]

Each run, against the built hub on 127.0.0.1, each beside a peer on the same receiver:

  1. Webhooks: a subscriber for `order.imported`, N orders imported (N events), then `serve`
     delivers them to scripts/peers/webhook_receiver.py (which checks every signature and appends
     each request to its log with an fsync). Timed from `serve` starting until the receiver has
     accepted all N, and from its first request to its last. The peer: a plain Python client
     (http.client, keep-alive, 4 threads like the hub's 4 deliveries in flight per subscriber)
     POSTing the same N bodies, signed the same way, to a fresh receiver.
  2. Notices: N orders imported as packed, each moved to shipped (`order move`), then `serve
     --smtp` e-mails each customer through scripts/peers/smtp_sink.py (aiosmtpd; .venv-smtp from
     scripts/peers/setup-smtp-venv.sh). Timed the same way (from `serve` starting, and first
     message to last as the sink stored them). The peer: Python's smtplib sending the very
     messages the sink received, with their envelopes, to a fresh sink: one connection per
     message (as the hub does) and all on one connection.

Prints one table per part (markdown): median, min and max of the runs.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "scripts", "peers")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    sys.exit("FAIL: %s within %d s" % (what, timeout))


def read_ready(path):
    try:
        with open(path) as f:
            line = f.read()
    except OSError:
        return None
    if not line.startswith("READY"):
        return None
    return dict(word.split("=") for word in line.split()[1:])


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Receiver:
    """scripts/peers/webhook_receiver.py on a port of its own."""

    def __init__(self, directory, secret, port=0):
        self.log = os.path.join(directory, "log")
        ready = os.path.join(directory, "ready")
        self.process = subprocess.Popen([sys.executable, os.path.join(PEERS, "webhook_receiver.py"), "--log", self.log, "--secret", secret,
                                         "--port", str(port), "--ready-file", ready], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        info = wait_for(lambda: read_ready(ready), 20, "the webhook receiver started")
        self.port, self.control = int(info["port"]), int(info["control"])

    def status(self):
        with socket.create_connection(("127.0.0.1", self.control), timeout=10) as s:
            s.sendall(b"status\n")
            return json.loads(s.makefile().readline())

    def requests(self):
        with open(os.path.join(self.log, "requests.jsonl")) as f:
            return [json.loads(line) for line in f if line.strip()]

    def accepted(self):
        with open(os.path.join(self.log, "accepted.jsonl")) as f:
            return [json.loads(line) for line in f if line.strip()]


def post_signed(bodies, port, secret, threads=4):
    """The peer: POSTs each body once, signed like the hub signs, over keep-alive connections."""
    queue = list(enumerate(bodies))
    lock = threading.Lock()
    failures = []

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                _, (event_id, body) = queue.pop()
            timestamp = str(int(time.time()))
            signature = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            connection.request("POST", "/hook", body=body, headers={
                "Content-Type": "application/json", "Packstation-Event-Id": str(event_id), "Packstation-Timestamp": timestamp,
                "Packstation-Attempt": "1", "Packstation-Signature": signature})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failures:
        sys.exit("FAIL: the receiver answered %s to the peer" % failures[:5])
    return time.monotonic() - started


def webhooks_run(hub, count, tmp):
    db = os.path.join(tmp, "hub.sqlite")
    receiver_port = free_port()
    added = json.loads(subprocess.run([hub, "webhook", "add", "http://127.0.0.1:%d/hook" % receiver_port, "--events", "order.imported",
                                       "--json", "--db", db], check=True, capture_output=True, text=True).stdout)
    secret = added["secret"]
    orders = os.path.join(tmp, "orders.jsonl")
    with open(orders, "w") as f:
        for i in range(count):
            f.write(json.dumps({"id": "W%06d" % i, "barcodes": ["TOTE-W%06d" % i], "status": "ready", "payment": "captured",
                                "lines": [{"sku": "S-%d" % (i % 50), "quantity": 1, "barcodes": ["4006381333931"]}]}) + "\n")
    subprocess.run([hub, "import", orders, "--db", db], check=True, capture_output=True)
    os.makedirs(os.path.join(tmp, "r1"))
    receiver = Receiver(os.path.join(tmp, "r1"), secret, receiver_port)
    port = free_port()
    try:
        started = time.monotonic()
        server = subprocess.Popen([hub, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: receiver.status()["accepted"] >= count, 600, "the hub delivered every event")
            whole = time.monotonic() - started
        finally:
            stop(server)
        requests = receiver.requests()
        span = requests[-1]["at"] - requests[0]["at"]
        duplicates = receiver.status()["duplicate"]
        bodies = [(e["id"], json.dumps({"id": e["id"], "type": e["type"], "created_at": e["created_at"], "data": e["data"]},
                                       separators=(",", ":")).encode()) for e in receiver.accepted()]
    finally:
        stop(receiver.process)
    os.makedirs(os.path.join(tmp, "r2"))
    peer_receiver = Receiver(os.path.join(tmp, "r2"), secret)
    try:
        peer = post_signed(bodies, peer_receiver.port, secret)
        if peer_receiver.status()["accepted"] != count:
            sys.exit("FAIL: the peer's receiver accepted %d of %d" % (peer_receiver.status()["accepted"], count))
    finally:
        stop(peer_receiver.process)
    return {"hub_whole": count / whole, "hub_span": (count - 1) / span if span > 0 else float("inf"),
            "peer": count / peer, "duplicates": duplicates, "requests": len(requests)}


class Sink:
    """scripts/peers/smtp_sink.py (aiosmtpd) on a port of its own."""

    def __init__(self, directory):
        self.mail = os.path.join(directory, "mail")
        ready = os.path.join(directory, "ready")
        self.process = subprocess.Popen([sys.executable, os.path.join(PEERS, "smtp_sink.py"), "--dir", self.mail, "--ready-file", ready],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = int(wait_for(lambda: read_ready(ready), 30, "the SMTP sink started")["port"])

    def stored(self):
        try:
            return sorted(n for n in os.listdir(self.mail) if n.endswith(".json"))
        except OSError:
            return []

    def messages(self):
        out = []
        for name in self.stored():
            stem = os.path.join(self.mail, name[:-5])
            with open(stem + ".json") as f:
                meta = json.load(f)
            with open(stem + ".eml", "rb") as f:
                out.append((meta["mail_from"], meta["rcpt_tos"], f.read(), os.stat(stem + ".json").st_mtime))
        return out


def notices_run(hub, count, tmp):
    db = os.path.join(tmp, "hub.sqlite")
    orders = os.path.join(tmp, "orders.jsonl")
    address = {"name": "Almacén", "street": ["Calle 1"], "city": "Getafe", "postal_code": "28901", "country": "ES"}
    with open(orders, "w") as f:
        for i in range(count):
            f.write(json.dumps({
                "id": "N%06d" % i, "barcodes": ["TOTE-N%06d" % i], "status": "packed", "payment": "captured",
                "customer": {"name": "Cliente %d" % i, "email": "cliente%d@example.com" % i, "language": "es" if i % 2 else "en"},
                "lines": [{"sku": "S-%d" % (i % 50), "quantity": 1, "barcodes": ["4006381333931"]}],
                "shipment": {"carrier": "DHL", "service": "Express", "tracking": "JD%010d" % i, "from": address,
                             "to": dict(address, name="Cliente %d" % i, city="Sevilla")}}) + "\n")
    subprocess.run([hub, "import", orders, "--db", db], check=True, capture_output=True)
    for i in range(count):
        subprocess.run([hub, "order", "move", "N%06d" % i, "shipped", "--db", db], check=True, capture_output=True)
    os.makedirs(os.path.join(tmp, "s1"))
    sink = Sink(os.path.join(tmp, "s1"))
    port = free_port()
    try:
        started = time.monotonic()
        server = subprocess.Popen([hub, "serve", "--db", db, "--port", str(port), "--smtp", "smtp://127.0.0.1:%d" % sink.port,
                                   "--mail-from", "Tienda <avisos@tienda.example>"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: len(sink.stored()) >= count, 900, "the hub sent every notice")
            whole = time.monotonic() - started
        finally:
            stop(server)
        messages = sink.messages()
    finally:
        stop(sink.process)
    span = messages[-1][3] - messages[0][3]
    rates = {"hub_whole": count / whole, "hub_span": (count - 1) / span if span > 0 else float("inf"), "received": len(messages)}
    for name, per_message in [("peer_each", True), ("peer_one", False)]:
        d = os.path.join(tmp, name)
        os.makedirs(d)
        peer_sink = Sink(d)
        try:
            started = time.monotonic()
            client = None
            for mail_from, rcpt, raw, _ in messages:
                if client is None:
                    client = smtplib.SMTP("127.0.0.1", peer_sink.port, local_hostname="bench.local", timeout=30)
                client.sendmail(mail_from, rcpt, raw)
                if per_message:
                    client.quit()
                    client = None
            if client is not None:
                client.quit()
            wait_for(lambda: len(peer_sink.stored()) >= count, 60, "the peer's sink stored every message")
            rates[name] = count / (time.monotonic() - started)
        finally:
            stop(peer_sink.process)
    return rates


def table(title, rows, runs):
    print("\n%s (%d runs: median, min, max)\n" % (title, runs))
    print("| who | per second (median) | min | max |")
    print("|---|---|---|---|")
    for label, values in rows:
        print("| %s | %.0f | %.0f | %.0f |" % (label, statistics.median(values), min(values), max(values)))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hub", default=os.path.join(ROOT, ".build", "release", "packstation-hub"))
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--notices", type=int, default=500)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", choices=["webhooks", "notices"])
    a = p.parse_args()
    if not os.access(a.hub, os.X_OK):
        sys.exit("error: %s is not an executable; build it: swift build -c release --product packstation-hub" % a.hub)
    webhook_runs, notice_runs = [], []
    for run in range(a.runs):
        if a.only != "notices":
            tmp = tempfile.mkdtemp(prefix="packstation-bench-webhooks-")
            try:
                webhook_runs.append(webhooks_run(a.hub, a.events, tmp))
                print("webhooks run %d: %s" % (run + 1, json.dumps({k: round(v, 1) for k, v in webhook_runs[-1].items()})), flush=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        if a.only != "webhooks":
            tmp = tempfile.mkdtemp(prefix="packstation-bench-notices-")
            try:
                notice_runs.append(notices_run(a.hub, a.notices, tmp))
                print("notices run %d: %s" % (run + 1, json.dumps({k: round(v, 1) for k, v in notice_runs[-1].items()})), flush=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    if webhook_runs:
        table("Webhook deliveries, %d events to scripts/peers/webhook_receiver.py" % a.events, [
            ("hub: serve start to the last event accepted", [r["hub_whole"] for r in webhook_runs]),
            ("hub: the receiver's first request to its last", [r["hub_span"] for r in webhook_runs]),
            ("peer: Python http.client, 4 threads, the same bodies", [r["peer"] for r in webhook_runs]),
        ], len(webhook_runs))
    if notice_runs:
        table("Notice e-mails, %d shipped orders to scripts/peers/smtp_sink.py" % a.notices, [
            ("hub: serve start to the last message stored", [r["hub_whole"] for r in notice_runs]),
            ("hub: first message stored to the last", [r["hub_span"] for r in notice_runs]),
            ("peer: smtplib, the same messages, a connection each", [r["peer_each"] for r in notice_runs]),
            ("peer: smtplib, the same messages, one connection", [r["peer_one"] for r in notice_runs]),
        ], len(notice_runs))


if __name__ == "__main__":
    main()
