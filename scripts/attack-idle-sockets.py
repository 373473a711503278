#!/usr/bin/env python3
"""Opens many idle (and half-sent) connections to a packstation hub and measures whether the hub
keeps answering and how soon it closes them.

    scripts/attack-idle-sockets.py --hub-bin .build/release/packstation-hub [--sockets 2000]
        [--slowloris 200] [--nofile 1024] [--duration 30] [--expect-close 20] [--hub-args "..."]

Starts the hub itself (on 127.0.0.1, a fresh database with one station and one order) under an
open-file limit of --nofile (soft and hard, as a service started with `LimitNOFILE=1024` gets),
opens --sockets connections that send nothing and, spread evenly among them, --slowloris more that
send a request line and a Host header and then one more header byte per second, never ending the
head. Meanwhile a probe
asks for an order (`GET /v1/orders/lookup`, one database read, a fresh connection each time)
every 0.2 s with a 5 s timeout.

Prints one JSON object: how many connections were established (a connect the hub's listen
backlog never took stays "pending", and is not counted as closed when it fails), how many the
hub closed and when (seconds after the connect: median, p99, max, per kind; those closed within
the first 5 s were shed to make room, later ones ran into a timeout), how many were still open at
the end, how many probes were answered 200 with the order, their latency (median, p99, max), how
many failed and the longest stretch without an answer. The hub's own output goes to a log whose
last lines are shown.

Exit status 0 when every probe was answered and every established connection was closed
within --expect-close seconds (default: the duration), else 1. Standard library only.
"""
import argparse, json, os, resource, select, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.request

SHED_WINDOW = 5.0  # seconds: a close this soon after the connect is the connection limit, not a timeout


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 3)


def spread(values):
    return {"n": len(values), "median": percentile(values, 50), "p99": percentile(values, 99), "max": percentile(values, 100)}


def start_hub(binary, nofile, extra, work):
    db = os.path.join(work, "hub.sqlite")
    token = subprocess.check_output([binary, "station", "add", "bench-1", "--db", db], text=True).strip()
    order = '{"id":"A-1","barcodes":["ORD-1"],"status":"ready","payment":"captured","lines":[{"sku":"S-1","quantity":1,"barcodes":["4006381333931"]}]}\n'
    with open(os.path.join(work, "orders.jsonl"), "w") as f:
        f.write(order)
    subprocess.check_call([binary, "import", os.path.join(work, "orders.jsonl"), "--db", db], stdout=subprocess.DEVNULL)

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    log = open(os.path.join(work, "hub.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"] + extra, stdout=subprocess.PIPE, stderr=log,
                            text=True, preexec_fn=limit)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.wait(timeout=10)
        sys.exit("The hub did not start (exit %s): %s%s" % (proc.returncode, line, open(log.name).read()[-2000:]))
    port = int(line.rsplit(":", 1)[1].split()[0])
    # Keep draining its standard output so that the hub never blocks on a full pipe.
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    return proc, port, token, log.name


def probe_loop(port, token, stop, results):
    while not stop.is_set():
        start = time.monotonic()
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/orders/lookup?barcode=ORD-1",
                                         headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(req, timeout=5) as r:
                ok = r.status == 200 and b'"A-1"' in r.read()
        except Exception:
            ok = False
        results.append((ok, start, time.monotonic() - start))
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hub-bin", required=True)
    ap.add_argument("--sockets", type=int, default=2000)
    ap.add_argument("--slowloris", type=int, default=200)
    ap.add_argument("--nofile", type=int, default=1024)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--expect-close", type=float, default=None)
    ap.add_argument("--hub-args", default="")
    args = ap.parse_args()
    want = args.sockets + args.slowloris + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < want:
        sys.exit(f"This process may open only {hard} files and needs {want}; raise the hard limit (ulimit -Hn) or use fewer --sockets.")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))

    work = tempfile.mkdtemp(prefix="attack-idle-")
    proc, port, token, log = start_hub(args.hub_bin, args.nofile, args.hub_args.split(), work)
    stop = threading.Event()
    probes = []
    prober = threading.Thread(target=probe_loop, args=(port, token, stop, probes))
    t_start = time.monotonic()
    prober.start()
    time.sleep(0.5)

    # fd -> [socket, connect started at, kind, established?]
    socks = {}
    refused = 0
    t0 = time.monotonic()
    total = args.sockets + args.slowloris
    for i in range(total):
        # Slowloris connections are spread evenly among the idle ones, so that both kinds meet
        # the hub at every stage (accepted early, shed, left in the listen backlog).
        kind = "slowloris" if (i + 1) * args.slowloris // total > i * args.slowloris // total else "idle"
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
            s.close()
            continue
        socks[s.fileno()] = [s, time.monotonic(), kind, False]
    open_done = time.monotonic() - t0

    poller = select.poll()
    for fd in socks:
        poller.register(fd, select.POLLOUT | select.POLLIN | select.POLLERR | select.POLLHUP)
    closed_after = {"idle": [], "slowloris": []}
    connect_failed = 0
    ever_established = {"idle": 0, "slowloris": 0}
    sent_head = set()
    last_trickle = 0.0
    end = time.monotonic() + args.duration

    def drop(fd):
        poller.unregister(fd)
        socks[fd][0].close()
        del socks[fd]

    while socks and time.monotonic() < end:
        now = time.monotonic()
        if now - last_trickle >= 1.0:
            last_trickle = now
            for fd, (s, _, kind, up) in socks.items():
                if kind == "slowloris" and up:
                    try:
                        s.send(b"X" if fd in sent_head else b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                        sent_head.add(fd)
                    except OSError:
                        pass
        for fd, ev in poller.poll(100):
            if fd not in socks:
                continue
            entry = socks[fd]
            s, at, kind, up = entry
            if not up:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    connect_failed += 1  # never established: not the hub closing it
                    drop(fd)
                    continue
                if ev & select.POLLOUT:
                    entry[3] = True
                    ever_established[kind] += 1
                    poller.modify(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
                    continue
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed_after[kind].append(time.monotonic() - at)
                drop(fd)
    attack_end = time.monotonic()
    stop.set()
    prober.join()
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    still_open = {k: sum(1 for _, _, kind, up in socks.values() if kind == k and up) for k in ("idle", "slowloris")}
    pending = sum(1 for _, _, _, up in socks.values() if not up)
    for s, _, _, _ in socks.values():
        s.close()

    answered = [t for ok, _, t in probes if ok]
    failed = sum(1 for ok, _, _ in probes if not ok)
    # Longest stretch between two answered probes (or from the start / to the end).
    marks = [t_start] + [at + t for ok, at, t in probes if ok] + [attack_end]
    longest_gap = max(b - a for a, b in zip(marks, marks[1:]))
    all_closed = closed_after["idle"] + closed_after["slowloris"]
    with open(log, errors="replace") as f:
        hub_log = f.read().splitlines()
    report = {
        "hub": args.hub_bin, "nofile": args.nofile, "hub_args": args.hub_args,
        "sockets_idle": args.sockets, "sockets_slowloris": args.slowloris,
        "connect_refused": refused, "connect_failed": connect_failed, "never_established": pending,
        "established": ever_established,
        "seconds_to_open": round(open_done, 2),
        "closed_by_hub": {k: len(v) for k, v in closed_after.items()},
        "closed_within_%gs_shed" % SHED_WINDOW: {k: sum(1 for t in v if t < SHED_WINDOW) for k, v in closed_after.items()},
        "still_open_at_end": still_open,
        "closed_after_s": {"all": spread(all_closed), "idle": spread(closed_after["idle"]), "slowloris": spread(closed_after["slowloris"]),
                           "after_shed_window": spread([t for t in all_closed if t >= SHED_WINDOW])},
        "probes": {"answered": len(answered), "failed": failed, "longest_without_answer_s": round(longest_gap, 2),
                   "latency_s": spread(answered)},
        "hub_log_lines": len(hub_log), "hub_log_tail": hub_log[-3:],
    }
    print(json.dumps(report, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    expect = args.expect_close if args.expect_close is not None else args.duration
    ok = failed == 0 and refused == 0 and connect_failed == 0 and not socks and (not all_closed or max(all_closed) <= expect)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
