#!/usr/bin/env python3
"""Order scan -> verdict latency of `packstation run`, online and with the hub down.

Imports N orders (default 60) on a fresh `packstation-hub`, starts the agent with
`--scans-from -` and waits for its prefetch, then feeds each order's barcode and its item one
scan at a time and times each order scan from the line written to the agent's stdin to its
verdict line on the agent's log (stderr; logged after the journal commit). Two sessions in
the same run, on the same box and binaries:
  online  - the hub answers every lookup;
  offline - the hub is killed (-9) before the first scan and stays down: lookups answer from the
            prefetched cache (the first one finds the server gone).
Prints p50 / p99 / max in ms for each, and one JSON line for tooling.

Usage: bench-offline.py BIN_DIR [--orders N]   (BIN_DIR holds packstation and packstation-hub,
e.g. `swift build -c release --show-bin-path`)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def order(oid):
    return {"id": oid, "barcodes": ["ORD-" + oid], "status": "ready", "payment": "captured",
            "lines": [{"sku": "S-" + oid, "quantity": 1, "barcodes": ["4006381333931"]}]}


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


class Agent:
    """The agent with its log read on a thread; `scan` waits for that scan's verdict."""

    def __init__(self, binary, env, data_dir):
        self.proc = subprocess.Popen([binary, "run", "--scans-from", "-", "--data-dir", data_dir, "--kiosk-listen", "127.0.0.1:0", "--log-level", "debug"],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        self.cond = threading.Condition()
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self.cond:
                self.lines.append((time.perf_counter(), line))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=60, start=0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(start, len(self.lines)):
                    if predicate(self.lines[i][1]):
                        return i, self.lines[i]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SystemExit("timed out; agent log:\n" + "\n".join(l for _, l in self.lines[-30:]))
                self.cond.wait(remaining)

    def scan(self, data):
        with self.cond:
            start = len(self.lines)
        sent = time.perf_counter()
        self.proc.stdin.write((data + "\n").encode())
        self.proc.stdin.flush()
        _, (at, line) = self.wait_for(lambda l: "verdict=" in l and l.endswith("] verdict"), start=start)
        verdict = next(w for w in line.split(" ") if w.startswith("verdict=")).split("=", 1)[1]
        return (at - sent) * 1000, verdict

    def stop(self):
        self.proc.stdin.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def session(bin_dir, n, offline):
    tmp = tempfile.mkdtemp(prefix="bench-offline-")
    try:
        hub_bin, agent_bin = os.path.join(bin_dir, "packstation-hub"), os.path.join(bin_dir, "packstation")
        db = os.path.join(tmp, "hub.sqlite")
        token = subprocess.run([hub_bin, "station", "add", "bench-1", "--db", db], check=True, capture_output=True, text=True).stdout.strip()
        ids = ["B%03d" % i for i in range(1, n + 1)]
        with open(os.path.join(tmp, "orders.jsonl"), "w") as f:
            f.write("\n".join(json.dumps(order(i)) for i in ids) + "\n")
        subprocess.run([hub_bin, "import", os.path.join(tmp, "orders.jsonl"), "--db", db], check=True, capture_output=True)
        port = free_port()
        hub = subprocess.Popen([hub_bin, "serve", "--db", db, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        env = dict(os.environ, CUPS_SERVER="127.0.0.1:9", PACKSTATION_SERVER_URL="http://127.0.0.1:%d" % port, PACKSTATION_TOKEN=token,
                   PACKSTATION_STATION_NAME="bench-1")
        agent = Agent(agent_bin, env, os.path.join(tmp, "data"))
        agent.wait_for(lambda l: "cache.orders=%d " % n in l)
        if offline:
            hub.send_signal(signal.SIGKILL)
            hub.wait()
        order_ms, verdicts = [], []
        for oid in ids:
            ms, verdict = agent.scan("ORD-" + oid)
            order_ms.append(ms)
            verdicts.append(verdict)
            _, done = agent.scan("4006381333931")
            verdicts.append(done)
        agent.stop()
        if hub.poll() is None:
            hub.terminate()
            hub.wait()
        complete = verdicts.count("order_complete")
        if complete != n:
            raise SystemExit("%s: %d of %d orders completed; verdicts: %s" % ("offline" if offline else "online", complete, n, verdicts))
        return order_ms
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    bin_dir = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--orders") + 1]) if "--orders" in sys.argv else 60
    result = {}
    for name, offline in (("online", False), ("offline", True)):
        ms = session(bin_dir, n, offline)
        result[name] = {"p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2), "max_ms": round(max(ms), 2), "scans": len(ms)}
        print("%-8s %d order scans -> verdict: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (name, n, result[name]["p50_ms"], result[name]["p99_ms"], result[name]["max_ms"]))
    print(json.dumps(result))
    if result["offline"]["p99_ms"] >= 50:
        print("goal missed: offline p99 %.1f ms is not under 50 ms" % result["offline"]["p99_ms"], file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
