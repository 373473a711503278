#!/usr/bin/env python3
"""Schema conformance of the sync API, checked with a validator we did not write (openapi-core).

Starts the built `packstation-hub` on 127.0.0.1 (a free port, its own temp database) with
exchange recording on, then:
- runs the built agent (`packstation sync produce-test-results`, `sync prefetch`, `sync flush`)
  against it: the agent's real requests and the hub's answers to them;
- sends every other operation, good and bad (malformed JSON, wrong types, oversize body,
  unknown station, bad token, missing token, wrong content type, unknown order/run, ...);
- stops the hub by PID and validates every recorded exchange against docs/api/openapi.yaml:
  every response must match the documented response for its status; every request that got
  a 2xx must validate as a request; every bad request must have got a 4xx.
Each documented operation must have been exercised with a 2xx answer.

Usage: check-openapi.py PATH/TO/packstation-hub PATH/TO/packstation
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "docs", "api", "openapi.yaml")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def order(oid, barcodes=(), status="ready"):
    return {"id": oid, "barcodes": list(barcodes), "status": status, "payment": "captured",
            "lines": [{"sku": "S-" + oid, "quantity": 1, "barcodes": ["4006381333931"]}]}


def main():
    hub_bin, agent_bin = sys.argv[1], sys.argv[2]
    openapi = OpenAPI.from_file_path(SPEC)  # also validates the document itself
    tmp = tempfile.mkdtemp(prefix="packstation-openapi-")
    db = os.path.join(tmp, "hub.sqlite")
    record = os.path.join(tmp, "exchanges.jsonl")
    run = lambda *a: subprocess.run(a, check=True, capture_output=True, text=True).stdout.strip()
    token = run(hub_bin, "station", "add", "bench-1", "--db", db)
    other = run(hub_bin, "station", "add", "bench-2", "--db", db)
    with open(os.path.join(tmp, "orders.jsonl"), "w") as f:
        for i in range(1, 6):
            f.write(json.dumps(order(str(1000 + i), ["TOTE-%d" % i])) + "\n")
        for i in range(20):  # the orders the agent's synthetic results are for
            f.write(json.dumps(order("E2E-%d" % i, ["ORD-E2E-%d" % i])) + "\n")
        f.write(json.dumps(order("1007", ["TOTE-7"], status="cancelled")) + "\n")
        f.write(json.dumps(order("1008", ["TOTE-8"], status="on_hold")) + "\n")
        # An order with a shipment, packed and labelled below, whose package tracking updates reach.
        shipped = order("1009", ["TOTE-9"])
        address = {"name": "Ana", "street": ["1 Calle"], "city": "Sevilla", "country": "ES"}
        shipped["shipment"] = {"carrier": "UPS", "service": "Ground", "tracking": "1Z-CHECK-1009", "from": address, "to": address}
        f.write(json.dumps(shipped) + "\n")
        # The dock's order (docs/dock.md): packed, loaded into DHL's trailer, closed out below.
        docked = order("1010", ["TOTE-10"])
        docked["shipment"] = {"carrier": "DHL", "service": "Express", "tracking": "JD-CHECK-1010", "from": address, "to": address}
        f.write(json.dumps(docked) + "\n")
        # An order a rule requires a supervisor for (the rules file given to serve below).
        f.write(json.dumps(order("1011", ["TOTE-11"])) + "\n")
    rules = os.path.join(tmp, "rules.toml")
    with open(rules, "w") as f:
        f.write('[[rule]]\nname = "Serials"\n[rule.when]\nsku = ["S-1011"]\n[rule.then]\nsupervisor = "Check the serials"\n')
    run(hub_bin, "import", os.path.join(tmp, "orders.jsonl"), "--db", db)
    with open(os.path.join(tmp, "theirs.jsonl"), "w") as f:
        f.write(json.dumps(order("1006", ["TOTE-6"])) + "\n")
    run(hub_bin, "import", os.path.join(tmp, "theirs.jsonl"), "--db", db, "--station", "bench-2")
    run_id = run(hub_bin, "label-run", "add", "--db", db, "--station", "bench-1", "1001", "1002")
    run(hub_bin, "packer", "add", "Ana", "--badge", "B-ANA", "--db", db)
    integration = run(hub_bin, "integration", "add", "carrier", "--db", db)
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    hub = subprocess.Popen([hub_bin, "serve", "--db", db, "--port", str(port), "--record", record, "--max-body", "65536", "--rules", rules],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("FAIL: the hub did not start")

        # The agent's own requests.
        env = dict(os.environ, PACKSTATION_SERVER_URL=base, PACKSTATION_TOKEN=token, PACKSTATION_SYNC_BATCH_SIZE="7")
        data_dir = os.path.join(tmp, "agent")
        subprocess.run([agent_bin, "sync", "produce-test-results", "20", "--data-dir", data_dir, "--interval-ms", "0", "--station", "bench-1"],
                       env=env, check=True, capture_output=True, timeout=120)
        subprocess.run([agent_bin, "sync", "prefetch", "--data-dir", data_dir], env=env, check=True, capture_output=True, timeout=60)
        subprocess.run([agent_bin, "sync", "flush", "--data-dir", data_dir], env=env, check=True, capture_output=True, timeout=60)

        def call(method, path, body=None, auth=token, ctype="application/json"):
            headers = {}
            if auth is not None:
                headers["Authorization"] = "Bearer " + auth
            if body is not None:
                headers["Content-Type"] = ctype
                if isinstance(body, str):
                    body = body.encode()
            req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        result = {"order_id": "1001", "station": "bench-1", "packer": None, "outcome": "packed",
                  "started_at": "2026-11-23T10:00:00.000Z", "ended_at": "2026-11-23T10:01:00.000Z",
                  "lines": [{"sku": "S-1001", "expected": 1, "packed": 1, "short": 0, "short_reason": None, "serials": [], "lots": []}],
                  "scans": [{"seq": 1, "data": "4006381333931", "verdict": "order_complete", "at": "2026-11-23T10:01:00.000Z"}]}
        event = {"kind": "label_printed", "order_id": "1001", "at": "2026-11-23T10:01:01.000Z", "data": {"copies": 1}}
        good_batch = json.dumps({"items": [{"key": "py-1", "type": "pack_result", "order_id": "1001", "body": result},
                                           {"key": "py-2", "type": "event", "order_id": "1001", "body": event}]})
        def batch_for(oid, key, **changes):
            body = dict(result, order_id=oid, **changes)
            return json.dumps({"items": [{"key": key, "type": "pack_result", "order_id": oid, "body": body}]})

        def today():
            return time.strftime("%Y-%m-%d")

        def manifest_id():
            # The id the close-out gives: DHL, the day, the close-out's number (the first: 1).
            return "DHL-%s-1" % today().replace("-", "")

        def load_scan(key, oid, code="PKG:1001:1", verdict="loaded", station="bench-1", carrier="UPS", at="2026-11-23T16:00:00.000Z"):
            body = {"code": code, "carrier": carrier, "trailer": None, "station": station, "person": None,
                    "at": at, "verdict": verdict, "package": 1 if oid else None}
            return {"key": key, "type": "load_scan", "order_id": oid, "body": body}

        reused = json.dumps({"items": [{"key": "py-1", "type": "pack_result", "order_id": "1001", "body": dict(result, outcome="short_shipped")}]})
        theirs_event = json.dumps({"items": [{"key": "py-e6", "type": "event", "order_id": "1006", "body": dict(event, order_id="1006")}]})
        expect = [
            # Authorization (docs/sync.md): another station's, cancelled and unknown orders, a reused key.
            (403, "GET", "/v1/orders/lookup?barcode=TOTE-6", None, token), (409, "GET", "/v1/orders/lookup?barcode=TOTE-7", None, token),
            (200, "GET", "/v1/orders/lookup?barcode=TOTE-8", None, token),
            (403, "POST", "/v1/results", batch_for("1006", "py-a1"), token), (409, "POST", "/v1/results", batch_for("1007", "py-a2"), token),
            (409, "POST", "/v1/results", batch_for("1008", "py-a3"), token), (409, "POST", "/v1/results", batch_for("NOPE", "py-a4"), token),
            (403, "POST", "/v1/results", batch_for("1002", "py-a5", station="bench-2"), token), (403, "POST", "/v1/results", theirs_event, token),
            # A rule requires a supervisor for 1011 (docs/rules.md): refused without the approval, taken with it.
            (409, "POST", "/v1/results", batch_for("1011", "py-s1"), token),
            (200, "POST", "/v1/results", batch_for("1011", "py-s2", override={"badge": "SUP-1", "reasons": ["supervisor_approval"], "at": "2026-11-23T10:00:30.000Z"}), token),
            (200, "GET", "/", None, None), (200, "GET", "/healthz", None, None), (200, "GET", "/metrics", None, None),
            # The supervisor's page: a search, an order's history, its files, one live update (no Accept: event-stream).
            (200, "GET", "/?q=1001", None, None), (200, "GET", "/?order=1001", None, None), (200, "GET", "/?order=NOPE", None, None),
            (200, "GET", "/hub.css", None, None), (200, "GET", "/hub.js", None, None), (200, "GET", "/events", None, None),
            (200, "GET", "/v1/orders/lookup?barcode=TOTE-2", None, token), (200, "GET", "/v1/orders/lookup?barcode=1003", None, token),
            (404, "GET", "/v1/orders/lookup?barcode=NOPE", None, token), (400, "GET", "/v1/orders/lookup", None, token),
            (200, "GET", "/v1/orders/queue", None, token),
            (200, "GET", "/v1/orders/queue?since=0&limit=2", None, token), (200, "GET", "/v1/orders/queue?since=garbage", None, token),
            (400, "GET", "/v1/orders/queue?since=0&limit=0", None, token),
            (200, "POST", "/v1/results", good_batch, token), (200, "POST", "/v1/results", good_batch, token),
            (409, "POST", "/v1/results", reused, token),
            (400, "POST", "/v1/results", '{"items": [', token), (422, "POST", "/v1/results", '{"items": "many"}', token),
            (422, "POST", "/v1/results", '{"items": [{"key": 1, "type": "pack_result", "order_id": "1", "body": {}}]}', token),
            (413, "POST", "/v1/results", '{"items": ["' + "x" * 70000 + '"]}', token),
            (415, "POST", "/v1/results", "<items/>", token, "application/xml"),
            (401, "POST", "/v1/results", good_batch, None), (401, "POST", "/v1/results", good_batch, "1.wrong"),
            (401, "POST", "/v1/results", good_batch, "99.abc"), (401, "GET", "/v1/orders/queue", None, "garbage"),
            (200, "POST", "/v1/status", json.dumps({"scanners": [{"name": "DS2208", "state": "ready"}], "printers": [{"name": "zebra1", "state": "ready"}], "outbox_pending": 0, "oldest_pending_at": None}), token),
            (422, "POST", "/v1/status", json.dumps({"printers": [{"name": 5}]}), token), (400, "POST", "/v1/status", "{", token),
            (422, "POST", "/v1/status", json.dumps({"scanners": [], "outbox_pending": -1}), token),
            (413, "POST", "/v1/status", json.dumps({"scanners": [{}] * 40000}), token),
            (415, "POST", "/v1/status", "{}", token, "text/plain"),
            (422, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": -1, "state": "running"}), token),
            (413, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 1, "state": "running", "pad": "x" * 70000}), token),
            (200, "GET", "/v1/label-runs", None, token),
            (200, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 1, "state": "running"}), token),
            (200, "GET", "/v1/label-runs/%s/labels" % run_id, None, token),
            (404, "GET", "/v1/label-runs/%s/labels" % run_id, None, other),
            (404, "GET", "/v1/label-runs/999999/labels", None, token),
            (200, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 1, "state": "failed", "total": 2, "reason": "zebra1: head open"}), token),
            (422, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 1, "state": "failed", "reason": 7}), token),
            (409, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 0, "state": "running"}), token),
            (422, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": "1", "state": "running"}), token),
            (404, "POST", "/v1/label-runs/%s/progress" % run_id, json.dumps({"printed": 2, "state": "done"}), other),
            (200, "GET", "/v1/admin/summary", None, None), (200, "GET", "/v1/admin/orders?limit=10", None, None),
            (400, "GET", "/v1/admin/orders?limit=0", None, None), (200, "GET", "/v1/admin/stations", None, None),
            (200, "GET", "/v1/admin/results?order_id=1001", None, None), (200, "GET", "/v1/admin/results", None, None),
            (200, "GET", "/v1/packers", None, token), (401, "GET", "/v1/packers", None, None), (200, "GET", "/v1/admin/packers", None, None), (200, "GET", "/v1/admin/label-runs?station=bench-1", None, None),
            (400, "GET", "/v1/admin/label-runs?limit=0", None, None),
            # The lifecycle (docs/lifecycle.md): 1009 packed and labelled, then its carrier reports.
            (200, "POST", "/v1/results", json.dumps({"items": [{"key": "py-l1", "type": "pack_result", "order_id": "1009", "body": dict(result, order_id="1009")},
                                                              {"key": "py-l2", "type": "event", "order_id": "1009", "body": dict(event, order_id="1009")}]}), token),
            (200, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "in_transit", "at": "2026-11-24T08:00:00Z", "location": "Madrid"},
                                                                  {"tracking": "NOPE", "status": "delivered", "at": "2026-11-24T09:00:00+01:00", "detail": None}]}), integration),
            (200, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "in_transit", "at": "2026-11-24T08:00:00Z", "location": "Madrid"}]}), integration),
            (403, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "delivered", "at": "2026-11-24T08:00:00Z"}]}), token),
            (401, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "delivered", "at": "2026-11-24T08:00:00Z"}]}), None),
            (401, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "delivered", "at": "2026-11-24T08:00:00Z"}]}), "int-1.wrong"),
            (422, "POST", "/v1/tracking", json.dumps({"updates": [{"tracking": "1Z-CHECK-1009", "status": "lost", "at": "today"}]}), integration),
            (422, "POST", "/v1/tracking", json.dumps({"updates": []}), integration), (400, "POST", "/v1/tracking", "{", integration),
            (415, "POST", "/v1/tracking", "{}", integration, "text/plain"), (401, "GET", "/v1/orders/queue", None, integration),
            (200, "GET", "/v1/admin/orders/1009/history", None, None), (200, "GET", "/v1/admin/orders/1009/history?limit=2", None, None),
            (404, "GET", "/v1/admin/orders/NOPE/history", None, None), (400, "GET", "/v1/admin/orders/1009/history?limit=0", None, None),
            # The dock (docs/dock.md): load scans, the station's package list, a carrier's day.
            (200, "POST", "/v1/results", json.dumps({"items": [load_scan("py-d1", "1001"), load_scan("py-d2", None, code="<b>NOPE</b>", verdict="unknown_package")]}), token),
            (422, "POST", "/v1/results", json.dumps({"items": [load_scan("py-d3", None, verdict="maybe")]}), token),
            (403, "POST", "/v1/results", json.dumps({"items": [load_scan("py-d4", None, station="bench-2")]}), token),
            (200, "GET", "/v1/loads/packages", None, token), (401, "GET", "/v1/loads/packages", None, None),
            (200, "GET", "/v1/admin/loads?carrier=UPS", None, None), (400, "GET", "/v1/admin/loads?carrier=UPS&date=2026-13-01", None, None),
            (400, "GET", "/v1/admin/loads", None, None),
            # The close-out: 1010 packed and loaded into DHL's trailer; refused, closed, filed, reopened.
            (200, "POST", "/v1/results", batch_for("1010", "py-d5"), token),
            (200, "POST", "/v1/results", json.dumps({"items": [load_scan("py-d6", "1010", code="JD-CHECK-1010", carrier="DHL", at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))]}), token),
            (422, "POST", "/v1/admin/closeouts", json.dumps({"carrier": "DHL"}), None),
            (404, "POST", "/v1/admin/closeouts", json.dumps({"carrier": "DHL", "by": "Lou", "print": {"station": "nope"}}), None),
            (409, "POST", "/v1/admin/closeouts", json.dumps({"carrier": "FEDEX", "by": "Lou"}), None),
            (201, "POST", "/v1/admin/closeouts", json.dumps({"carrier": "DHL", "by": "Lou", "paper": "letter", "print": {"station": "bench-1", "printer": None}}), None),
            (409, "POST", "/v1/admin/closeouts", json.dumps({"carrier": "DHL", "by": "Lou"}), None),
            (200, "GET", "/v1/admin/closeouts?carrier=DHL", None, None), (400, "GET", "/v1/admin/closeouts?date=2026-02-30", None, None),
            (200, "GET", "/v1/admin/closeouts/%s/pdf" % manifest_id(), None, None), (200, "GET", "/v1/admin/closeouts/%s/csv" % manifest_id(), None, None),
            (404, "GET", "/v1/admin/closeouts/NOPE/pdf", None, None),
            (200, "POST", "/v1/admin/closeouts/reopen", json.dumps({"carrier": "DHL", "date": today(), "reason": "late pallet", "by": "Ana"}), None),
            (409, "POST", "/v1/admin/closeouts/reopen", json.dumps({"carrier": "DHL", "date": today(), "reason": "again", "by": "Ana"}), None),
            # Webhooks (docs/webhooks.md): subscriber 1 at a name that never resolves (.invalid); its deliveries fail quietly.
            (201, "POST", "/v1/admin/webhooks", json.dumps({"url": "http://hooks.invalid:9/hook", "events": ["order.packed", "order.shipped"]}), None),
            (400, "POST", "/v1/admin/webhooks", json.dumps({"url": "http://169.254.169.254/latest"}), None),
            (400, "POST", "/v1/admin/webhooks", json.dumps({"url": "https://orders.example/h", "events": ["order.teleported"]}), None),
            (422, "POST", "/v1/admin/webhooks", json.dumps({"url": 5}), None), (422, "POST", "/v1/admin/webhooks", json.dumps({"url": "https://a.example/", "x": 1}), None),
            (200, "GET", "/v1/admin/webhooks", None, None), (200, "POST", "/v1/admin/webhooks/1/rotate-secret", json.dumps({"keep_old_seconds": 60}), None),
            (400, "POST", "/v1/admin/webhooks/1/rotate-secret", json.dumps({"keep_old_seconds": -1}), None),
            (404, "POST", "/v1/admin/webhooks/99/rotate-secret", "{}", None), (200, "GET", "/v1/admin/webhook-dead-letters?webhook_id=1", None, None),
            (400, "GET", "/v1/admin/webhook-dead-letters?limit=0", None, None), (200, "POST", "/v1/admin/webhook-dead-letters/replay", json.dumps({"all": True}), None),
            (404, "POST", "/v1/admin/webhook-dead-letters/replay", json.dumps({"ids": [12345]}), None),
            (422, "POST", "/v1/admin/webhook-dead-letters/replay", "{}", None),
            (200, "DELETE", "/v1/admin/webhooks/1", None, None), (404, "DELETE", "/v1/admin/webhooks/1", None, None),
        ]
        failures = 0
        # The codes of the refusals whose status alone does not tell them apart.
        for path, body, code in [("/v1/results", batch_for("1008", "py-c1"), "order_on_hold"),
                                 ("/v1/results", batch_for("1011", "py-c2"), "supervisor_approval_missing")]:
            req = urllib.request.Request(base + path, data=body.encode(), method="POST",
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    got = (r.status, None)
            except urllib.error.HTTPError as e:
                got = (e.code, json.loads(e.read() or b"{}").get("error", {}).get("code"))
            if got != (409, code):
                print("FAIL: POST %s answered %s, expected 409 %s" % (path, got, code))
                failures += 1
        for status, method, path, body, auth, *ctype in expect:
            got = call(method, path, body, auth, *(ctype or ["application/json"]))
            if got != status:
                print("FAIL: %s %s answered %d, expected %d" % (method, path, got, status))
                failures += 1
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()

    checked = 0
    agent_requests = 0
    operations_ok = set()
    with open(record) as f:
        exchanges = [json.loads(line) for line in f]
    for x in exchanges:
        path = x["path"] + ("?" + x["query"] if x["query"] else "")
        query = {}
        for part in (x["query"] or "").split("&"):
            if part:
                k, _, v = part.partition("=")
                query[k] = urllib.parse.unquote(v)
        headers = {"Authorization": "Bearer " + token}
        body = x["request_body"].encode() if x["request_body"] else None
        request = MockRequest("http://127.0.0.1:8080", x["method"].lower(), x["path"], args=query, headers=headers,
                              data=body, content_type=x["request_content_type"] or "application/json")
        response = MockResponse(x["response_body"].encode(), status_code=x["status"], content_type=x["response_content_type"].split(";")[0])
        checked += 1
        if x["method"] == "POST" and x["path"] == "/v1/results" and x["request_body"] and '"key":"py-' not in x["request_body"] and x["status"] == 200:
            agent_requests += 1
        try:
            openapi.validate_response(request, response)
        except Exception as e:
            print("FAIL: response to %s %s (%d) does not match the document: %s" % (x["method"], path, x["status"], e))
            print("      body: %s" % x["response_body"][:300])
            failures += 1
        if 200 <= x["status"] < 300:
            try:
                openapi.validate_request(request)
                operations_ok.add((x["method"], "/".join(x["path"].split("/")[1:4]) if not x["path"].startswith("/v1/label-runs/") else x["path"].rsplit("/", 1)[1]))
            except Exception as e:
                print("FAIL: %s %s was accepted but does not validate as a request: %s" % (x["method"], path, e))
                print("      body: %s" % (x["request_body"] or "")[:300])
                failures += 1
        elif x["status"] < 400 or x["status"] >= 500:
            print("FAIL: %s %s answered %d" % (x["method"], path, x["status"]))
            failures += 1
    if agent_requests < 3:
        print("FAIL: only %d agent batches recorded" % agent_requests)
        failures += 1
    if len(operations_ok) < 14:
        print("FAIL: only %d operations answered 2xx: %s" % (len(operations_ok), sorted(map(str, operations_ok))))
        failures += 1
    print("openapi conformance: %d exchanges (%d agent batches, %d operations with 2xx) checked against %s" % (checked, agent_requests, len(operations_ok), os.path.relpath(SPEC, ROOT)))
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (checked - failures if failures <= checked else 0, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
