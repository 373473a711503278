#!/usr/bin/env python3
"""Benchmark: a bulk run through CUPS against one `lp -o raw` job with the same labels, side by
side in the same run (issue 14, docs/benchmarks.md "Bulk runs through CUPS against one lp job").

    scripts/bench-cups-run.py [--packstation PATH] [--labels 300,10000] [--chunks default,50]
                              [--rounds 7] [--baseline OTHER/packstation]

Starts the test printer (scripts/peers/zebra_printer.py, speed 0: it prints as fast as it reads)
and a private cupsd (scripts/peers/cupsd.py) with a raw queue `zebra` to it
(`lpadmin -v socket://127.0.0.1:PORT -m raw`). For each label count it writes a ZPL file of that
many labels with the carrier corpus's bulk generator (one graphic downloaded at the top, a
settings format every 100 labels; 10,000 is the corpus's bulk-10000.zpl), then times, in rounds
that alternate the commands so load drifts hit all alike:

- `lp -o raw FILE` to the queue: one job holding every label (the peer);
- `packstation batch start --printer cups://zebra --labels FILE [--chunk N]` for each --chunks
  entry (`default`: no --chunk, the spooler's default), each with its own data directory (its
  run journal grows by one run each time, as an agent's does).

Each time runs from starting the command to the printer's odometer (read on its control port
every millisecond) having counted every label, in this one process, so both sides pay the same
harness. A command that fails, or a printer that counts a label more or less than the file
holds, fails the benchmark. Prints a Markdown table: median, best and mean seconds, labels/s,
and the ratio of each median to the lp job's median.
"""
import argparse
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def control(port, command):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(command.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


def start_peer(argv, ready, output):
    p = subprocess.Popen(argv + ["--ready-file", ready], stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        if os.path.exists(ready):
            fields = dict(w.split("=") for w in open(ready).read().split()[1:])
            return p, {k: int(v) for k, v in fields.items()}
        if p.poll() is not None:
            sys.exit("%s exited; see %s" % (argv[1], output.name))
        time.sleep(0.02)
    sys.exit("%s did not start" % argv[1])


def label_file(work, count):
    """A ZPL file of `count` labels from the corpus generator (make-carrier-corpus.py bulk_file)."""
    spec = importlib.util.spec_from_file_location("corpus", os.path.join(HERE, "make-carrier-corpus.py"))
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    path = os.path.join(work, "bulk-%d.zpl" % count)
    corpus.bulk_file(count).write(path)
    return path


def timed(argv, env, ctl, labels):
    """Seconds from starting argv to the printer having counted `labels` more labels."""
    before = control(ctl, "status")["odometer"]
    target = before + labels
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr.decode()[-2000:]))
    deadline = t0 + 600
    while True:
        odometer = control(ctl, "status")["odometer"]
        if odometer >= target:
            break
        if time.perf_counter() > deadline:
            sys.exit("the printer counted %d of %d labels within 600 s after %s" % (odometer - before, labels, argv[0]))
        time.sleep(0.001)
    elapsed = time.perf_counter() - t0
    time.sleep(0.05)  # anything printed twice would arrive now
    after = control(ctl, "status")["odometer"]
    if after != target:
        sys.exit("%s: the printer counted %d labels, the file holds %d" % (" ".join(argv), after - before, labels))
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packstation", default=os.path.join(ROOT, ".build/release/packstation"))
    ap.add_argument("--labels", default="300,10000", help="label counts, comma-separated (default 300,10000)")
    ap.add_argument("--chunks", default="default,50", help="chunk sizes of the packstation runs; `default`: no --chunk (default: default,50)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--baseline", help="another packstation binary (an earlier build) run the same way with --chunk 50, its default then")
    args = ap.parse_args()
    for tool in ("cupsd", "lpadmin", "lp"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("%s is not installed (apt-get install cups-daemon cups-client)" % tool)
    if not os.access(args.packstation, os.X_OK):
        sys.exit("%s is not built; run `swift build -c release --product packstation`" % args.packstation)

    work = tempfile.mkdtemp(prefix="bench-cups-run-")
    os.chmod(work, 0o755)  # cupsd runs its backends as lp: they must reach the spool under it
    py = "/usr/bin/python3"
    peers = []
    try:
        log = open(os.path.join(work, "peers.out"), "ab")
        printer, zp = start_peer([py, os.path.join(HERE, "peers/zebra_printer.py"), "--log", os.path.join(work, "zebra"), "--speed", "0"], os.path.join(work, "zready"), log)
        peers.append(printer)
        cups, cp = start_peer([py, os.path.join(HERE, "peers/cupsd.py"), "--dir", os.path.join(work, "cups"), "--log-level", "warn"], os.path.join(work, "cready"), log)
        peers.append(cups)
        server = "127.0.0.1:%d" % cp["port"]
        subprocess.run(["lpadmin", "-h", server, "-p", "zebra", "-E", "-v", "socket://127.0.0.1:%d" % zp["data"], "-m", "raw"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, CUPS_SERVER=server)
        ctl = zp["control"]
        print("| labels | command | median s | best s | mean s | labels/s (median) | × one `lp` job |")
        print("|---:|---|---:|---:|---:|---:|---:|")
        for count in [int(n) for n in args.labels.split(",")]:
            path = label_file(work, count)
            commands = [("`lp -o raw` (one job)", lambda: ["lp", "-d", "zebra", "-o", "raw", path])]
            for chunk in [c for c in args.chunks.split(",") if c]:
                extra = [] if chunk == "default" else ["--chunk", chunk]
                name = "`packstation batch start`" + (" --chunk %s" % chunk if extra else " (default chunk)")
                data = tempfile.mkdtemp(dir=work, prefix="data-")  # one journal per command, as an agent keeps one
                commands.append((name, lambda extra=extra, data=data: [args.packstation, "batch", "start", "--printer", "cups://zebra", "--labels", path,
                                                                       "--data-dir", data] + extra))
            if args.baseline:
                data = tempfile.mkdtemp(dir=work, prefix="data-")
                commands.append(("`%s batch start` --chunk 50 (baseline)" % args.baseline, lambda data=data: [
                    args.baseline, "batch", "start", "--printer", "cups://zebra", "--labels", path, "--data-dir", data, "--chunk", "50"]))
            times = {name: [] for name, _ in commands}
            for name, make in commands:  # warm-up: page cache, cupsd's first job
                timed(make(), env, ctl, count)
            for _ in range(args.rounds):
                for name, make in commands:
                    times[name].append(timed(make(), env, ctl, count))
            peer = statistics.median(times[commands[0][0]])
            for name, _ in commands:
                t = times[name]
                med = statistics.median(t)
                print("| %d | %s | %.3f | %.3f | %.3f | %.0f | %.2f |" % (count, name, med, min(t), statistics.mean(t), count / med, med / peer))
            sys.stdout.flush()
        print("\n%d rounds, printer at speed 0, load average %.2f at the end (%s)" % (args.rounds, os.getloadavg()[0], args.packstation))
    finally:
        for p in peers:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
