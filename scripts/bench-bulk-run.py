#!/usr/bin/env python3
"""Benchmark: a bulk run of one 10,000-label ZPL file to the test printer, in labels/s,
side by side in the same run with peers doing the same job (docs/bulk-runs.md, benchmarks.md).

    scripts/bench-bulk-run.py [--packstation PATH] [--runs N] [--chunks 50,500] [--export FILE]

Starts the test printer (scripts/peers/zebra_printer.py, speed 0: it prints as fast as it reads)
and a private cupsd (scripts/peers/cupsd.py) with a raw queue to that printer, writes the carrier
corpus with --big, then runs hyperfine over three commands, each ending when the printer has
counted all the labels (its odometer, read on its control port):

- packstation batch start --labels bulk-10000.zpl --chunk N for each N of --chunks (the journal,
  chunks, counter readings; a failed run fails the benchmark);
- raw: the file written to port 9100 by Python, as `nc printer 9100 < file` does;
- lp -o raw: the file through the private cupsd's raw queue to the same printer.

Prints hyperfine's table and the labels/s of each. Needs hyperfine, cupsd, lpadmin, lp.
The helper modes `raw` and `lp` are what hyperfine runs.
"""
import argparse
import json
import os
import shutil
import signal
import socket
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


def wait_for(control_port, target, seconds=600):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if control(control_port, "status")["odometer"] >= target:
            return
        time.sleep(0.005)
    sys.exit("the printer did not reach %d labels within %d s" % (target, seconds))


def helper(argv):
    """`raw PORT CONTROL FILE LABELS` or `lp SERVER QUEUE CONTROL FILE LABELS`."""
    if argv[0] == "raw":
        port, ctl, path, labels = int(argv[1]), int(argv[2]), argv[3], int(argv[4])
        target = control(ctl, "status")["odometer"] + labels
        with open(path, "rb") as f, socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(f.read())
        wait_for(ctl, target)
    elif argv[0] == "lp":
        server, queue, ctl, path, labels = argv[1], argv[2], int(argv[3]), argv[4], int(argv[5])
        target = control(ctl, "status")["odometer"] + labels
        subprocess.run(["lp", "-h", server, "-d", queue, "-o", "raw", path], check=True, stdout=subprocess.DEVNULL)
        wait_for(ctl, target)
    else:
        sys.exit("unknown helper mode %s" % argv[0])


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


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("raw", "lp"):
        return helper(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packstation", default=os.path.join(ROOT, ".build/release/packstation"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--chunks", default="50,500", help="chunk sizes of the packstation runs, comma-separated (default 50,500)")
    ap.add_argument("--export", help="hyperfine --export-json FILE")
    args = ap.parse_args()
    for tool in ("hyperfine", "cupsd", "lpadmin", "lp"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("%s is not installed" % tool)
    if not os.access(args.packstation, os.X_OK):
        sys.exit("%s is not built; run `swift build -c release --product packstation`" % args.packstation)

    work = tempfile.mkdtemp(prefix="bench-bulk-")
    os.chmod(work, 0o755)  # cupsd runs its backends as lp: they must reach the spool under it
    py = "/usr/bin/python3"
    peers = []
    try:
        subprocess.run([py, os.path.join(HERE, "make-carrier-corpus.py"), os.path.join(work, "corpus"), "--big"], check=True, stdout=subprocess.DEVNULL)
        path = os.path.join(work, "corpus", "bulk-10000.zpl")
        labels = json.load(open(os.path.join(work, "corpus", "manifest.json")))["bulk-10000.zpl"]["label_count"]
        log = open(os.path.join(work, "peers.out"), "ab")
        printer, zp = start_peer([py, os.path.join(HERE, "peers/zebra_printer.py"), "--log", os.path.join(work, "zebra"), "--speed", "0"], os.path.join(work, "zready"), log)
        peers.append(printer)
        cups, cp = start_peer([py, os.path.join(HERE, "peers/cupsd.py"), "--dir", os.path.join(work, "cups")], os.path.join(work, "cready"), log)
        peers.append(cups)
        server = "127.0.0.1:%d" % cp["port"]
        subprocess.run(["lpadmin", "-h", server, "-p", "zebra", "-E", "-v", "socket://127.0.0.1:%d" % zp["data"], "-m", "raw"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        me = "%s %s" % (py, os.path.abspath(__file__))
        commands = [
            ("packstation batch --chunk %s" % chunk, "%s batch start --printer tcp://127.0.0.1:%d --labels %s --chunk %s --data-dir %s/runs-$RANDOM$RANDOM > /dev/null 2>&1"
             % (args.packstation, zp["data"], path, chunk, work)) for chunk in args.chunks.split(",")
        ] + [
            ("raw to 9100", "%s raw %d %d %s %d" % (me, zp["data"], zp["control"], path, labels)),
            ("lp -o raw (cupsd)", "%s lp %s zebra %d %s %d" % (me, server, zp["control"], path, labels)),
        ]
        hf = ["hyperfine", "--runs", str(args.runs), "--warmup", "1", "--shell", "bash"]
        if args.export:
            hf += ["--export-json", args.export]
        for name, cmd in commands:
            hf += ["-n", name, cmd]
        export = args.export or os.path.join(work, "hyperfine.json")
        if not args.export:
            hf += ["--export-json", export]
        subprocess.run(hf, check=True)
        print("\n%d labels, %d bytes, printer at speed 0 (as fast as it reads), load %.2f" % (labels, os.path.getsize(path), os.getloadavg()[0]))
        for r in json.load(open(export))["results"]:
            print("%-28s mean %.3f s  min %.3f s  -> %.0f labels/s (best %.0f)" % (r["command"], r["mean"], r["min"], labels / r["mean"], labels / r["min"]))
        print("odometer at the end:", control(zp["control"], "status")["odometer"])
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
