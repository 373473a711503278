#!/usr/bin/env python3
"""Station A attacks station B's orders on a real hub (issue 12, "Any station can change any
order" and "Idempotency across stations"), against the built binaries.

    scripts/attack-authorization.py BIN_DIR     # BIN_DIR holds packstation-hub

Starts `packstation-hub serve` on 127.0.0.1 with two stations (bench-a, bench-b) and orders for
A, for B, for any station, cancelled and on hold, and one of A's that a rule (`serve --rules`)
requires a supervisor for; then, as A, tries every attack of the
authorization contract (docs/sync.md, "Authorization") over HTTP and checks what A sees (status,
error code, the item at fault, no other station named) and that the hub is unchanged (no result
stored, no order marked packed). What A may do is checked too, so a hub that refuses everything
fails. One line per check; exit 1 if any failed. Takes ~2 s.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def order(oid, status="ready"):
    return {"id": oid, "barcodes": ["TOTE-" + oid], "status": status, "payment": "captured",
            "lines": [{"sku": "S-" + oid, "quantity": 1, "barcodes": ["4006381333931"]}]}


def pack_result(oid, key, station="bench-a", outcome="packed", override=None):
    body = {"order_id": oid, "station": station, "packer": None, "outcome": outcome,
            "started_at": "2026-11-23T10:00:00.000Z", "ended_at": "2026-11-23T10:01:00.000Z",
            "lines": [{"sku": "S-" + oid, "expected": 1, "packed": 1, "short": 0, "short_reason": None, "serials": [], "lots": []}],
            "scans": [{"seq": 1, "data": "4006381333931", "verdict": "order_complete", "at": "2026-11-23T10:01:00.000Z"}]}
    if override:
        body["override"] = {"badge": "SUP-1", "reasons": override, "at": "2026-11-23T10:00:30.000Z"}
    return {"key": key, "type": "pack_result", "order_id": oid, "body": body}


def event(oid, key):
    return {"key": key, "type": "event", "order_id": oid,
            "body": {"kind": "label_printed", "at": "2026-11-23T10:01:01.000Z", "data": {"printer": "zebra1"}}}


def main():
    bin_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PACKSTATION_BIN_DIR", "")
    hub_bin = os.path.join(bin_dir, "packstation-hub")
    if not os.access(hub_bin, os.X_OK):
        sys.exit("error: %s is not an executable; give the directory of the built binaries" % hub_bin)
    tmp = tempfile.mkdtemp(prefix="packstation-attack-auth-")
    db = os.path.join(tmp, "hub.sqlite")
    run = lambda *a: subprocess.run([hub_bin, *a, "--db", db], check=True, capture_output=True, text=True).stdout.strip()
    token_a = run("station", "add", "bench-a")
    token_b = run("station", "add", "bench-b")
    files = {"any": [order("ANY"), order("ANY2"), order("CAN", "cancelled"), order("HOLD", "on_hold")],
             "bench-a": [order("A1"), order("SUP")], "bench-b": [order("B1")]}
    for station, orders in files.items():
        path = os.path.join(tmp, station + ".jsonl")
        with open(path, "w") as f:
            f.write("\n".join(json.dumps(o) for o in orders) + "\n")
        run("import", path, *([] if station == "any" else ["--station", station]))
    rules = os.path.join(tmp, "rules.toml")
    with open(rules, "w") as f:
        f.write('[[rule]]\nname = "Serials"\n[rule.when]\nsku = ["S-SUP"]\n[rule.then]\nsupervisor = "Check the serials"\n')
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    hub = subprocess.Popen([hub_bin, "serve", "--db", db, "--port", str(port), "--rules", rules], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = 0
    checks = 0

    def call(method, path, body=None, token=token_a):
        headers = {"Authorization": "Bearer " + token} if token else {}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def state():
        _, text = call("GET", "/v1/admin/summary", token=None)
        s = json.loads(text)
        _, text = call("GET", "/v1/admin/orders?limit=100", token=None)
        packed = sorted(o["id"] for o in json.loads(text)["orders"] if o["packed_at"])
        return s["results"], s["events"], packed

    def check(name, ok, detail):
        nonlocal failures, checks
        checks += 1
        print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": " + detail))
        if not ok:
            failures += 1

    def refused(name, method, path, body, status, code, item=None, token=token_a):
        before = state()
        got, text = call(method, path, body, token)
        try:
            error = json.loads(text).get("error", {})
        except ValueError:
            error = {}
        ok = got == status and error.get("code") == code and (item is None or error.get("item") == item)
        ok = ok and "bench-b" not in text  # an error never names another station
        after = state()
        check(name, ok and after == before,
              "answered %d %s (expected %d %s item %s); hub %s -> %s" % (got, text[:200], status, code, item, before, after))

    def accepted(name, body, stored, token=token_a):
        got, text = call("POST", "/v1/results", {"items": body}, token)
        answer = json.loads(text) if got == 200 else {}
        check(name, got == 200 and answer.get("stored") == stored, "answered %d %s" % (got, text[:200]))

    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("FAIL: the hub did not start")

        results = "/v1/results"
        refused("A's result for B's order", "POST", results, {"items": [pack_result("B1", "a-1")]}, 403, "not_your_order", 0)
        refused("A's result for a cancelled order", "POST", results, {"items": [pack_result("CAN", "a-1")]}, 409, "order_cancelled", 0)
        refused("A's result for an on-hold order, no override", "POST", results, {"items": [pack_result("HOLD", "a-1")]}, 409, "order_on_hold", 0)
        refused("A's result for an on-hold order, override of already_packed only", "POST", results,
                {"items": [pack_result("HOLD", "a-1", override=["already_packed"])]}, 409, "order_on_hold", 0)
        refused("A's result for an unknown order", "POST", results, {"items": [pack_result("NOPE", "a-1")]}, 409, "unknown_order", 0)
        refused("A's token, body says station bench-b", "POST", results, {"items": [pack_result("ANY", "a-1", station="bench-b")]}, 403, "station_mismatch", 0)
        refused("A's event for B's order", "POST", results, {"items": [event("B1", "a-1")]}, 403, "not_your_order", 0)
        refused("a good item, then B's order: nothing stored", "POST", results,
                {"items": [pack_result("ANY", "a-0"), pack_result("B1", "a-1")]}, 403, "not_your_order", 1)
        refused("negative packed count", "POST", results,
                {"items": [dict(pack_result("ANY", "a-1"), body=dict(pack_result("ANY", "a-1")["body"], lines=[
                    {"sku": "S-ANY", "expected": 1, "packed": -1, "short": 0, "short_reason": None, "serials": [], "lots": []}]))]},
                422, "invalid_item", 0)
        refused("A closes an order a rule requires a supervisor for, no approval (an old agent)", "POST", results,
                {"items": [pack_result("SUP", "a-1")]}, 409, "supervisor_approval_missing", 0)
        refused("A closes it short, with an override of already_packed only", "POST", results,
                {"items": [pack_result("SUP", "a-1", outcome="short_shipped", override=["already_packed"])]}, 409, "supervisor_approval_missing", 0)
        refused("lookup of B's order", "GET", "/v1/orders/lookup?barcode=TOTE-B1", None, 403, "not_your_order")
        refused("lookup of a cancelled order", "GET", "/v1/orders/lookup?barcode=TOTE-CAN", None, 409, "order_cancelled")
        refused("lookup of an unknown order", "GET", "/v1/orders/lookup?barcode=TOTE-NOPE", None, 404, "unknown_order")
        refused("a wrong secret for B's id does not name B", "GET", "/v1/orders/queue", None, 401, "bad_token",
                token=token_b.split(".")[0] + ".guessed")

        _, text = call("GET", "/v1/orders/queue")
        queue = sorted(o["id"] for o in json.loads(text)["orders"])
        check("A's queue holds its own and any-station orders only", queue == ["A1", "ANY", "ANY2", "SUP"], str(queue))
        got, text = call("GET", "/v1/orders/lookup?barcode=TOTE-HOLD")
        check("lookup of an on-hold order answers the order", got == 200 and json.loads(text).get("id") == "HOLD", "%d %s" % (got, text[:200]))

        accepted("A's results for its own and an any-station order", [pack_result("A1", "k-1"), pack_result("ANY", "k-2")], 2)
        accepted("an on-hold order with the supervisor's on_hold override", [pack_result("HOLD", "k-3", override=["on_hold"])], 1)
        accepted("the supervisor's approval recorded by the bench", [pack_result("SUP", "k-4", override=["supervisor_approval"])], 1)
        accepted("B's result under the key A used: B's own", [pack_result("ANY", "k-1", station="bench-b")], 1, token=token_b)
        got, text = call("POST", results, {"items": [pack_result("A1", "k-1")]})
        check("A resends k-1 unchanged: duplicate", got == 200 and json.loads(text).get("duplicates") == 1, "%d %s" % (got, text[:200]))
        refused("A reuses k-1 for another result, after a new item", "POST", results,
                {"items": [pack_result("ANY2", "k-9"), pack_result("A1", "k-1", outcome="short_shipped")]}, 409, "key_reused", 1)
        _, text = call("GET", "/v1/admin/results?order_id=A1", token=None)
        outcomes = [r["body"]["outcome"] for r in json.loads(text)["results"]]
        check("A1's first result stands", outcomes == ["packed"], str(outcomes))
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("authorization attacks: %d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
