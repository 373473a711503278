#!/usr/bin/env python3
"""The hub under wrk: requests/s and latency percentiles for a trivial route, a read and a write.

    scripts/bench-hub-wrk.py [LABEL=]HUB_BINARY [[LABEL=]HUB_BINARY ...] [--duration 15]
        [--connections 16] [--rounds 2] [--only healthz,lookup,results]

For each round, and in it for each binary in turn (A B A B ..., so that both see the same
machine), starts the hub on 127.0.0.1 with a fresh database (one station, 1,000 orders queued for
any station) and runs `wrk -t1 -cN -dD --latency` for:
  - healthz: GET /healthz (no authentication, no database);
  - lookup:  GET /v1/orders/lookup?barcode=ORD-n (n cycling over the 1,000 orders), station token,
             one database read;
  - results: POST /v1/results, Content-Type application/json, a batch of 10 pack results with
             fresh idempotency keys for the station's own orders, one write transaction.
Every response is checked by the wrk script (status 200, and the order for a lookup, ten
"stored" for a batch); a run with a bad response makes the exit status 1, and its count is
printed. The requests are the same for the hub before issue 12 (db74100) and after: both take
these routes and bodies, and keys are fresh in every run (the old hub's keys were global).
Prints one line per run (with the load average at its start) and a JSON summary: per binary and
route, the median over rounds of requests/s, p50 and p99. Needs wrk (apt install wrk).
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time, uuid

CHECK_LUA = r'''
token = os.getenv("HUB_TOKEN")
local threads = {}
function setup(thread) table.insert(threads, thread) end
run = os.getenv("RUN_ID")
function init(args) bad = 0; n = 0 end
function response(status, headers, body)
  if status ~= 200 or not ok(body) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write("BAD_RESPONSES " .. total .. "\n")
end
'''

ROUTES = {
    "healthz": r'''
ok = function(body) return body:find('"ok":true', 1, true) ~= nil end
request = function() return wrk.format("GET", "/healthz") end
''',
    "lookup": r'''
ok = function(body) return body:find('"id":"B-', 1, true) ~= nil end
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/orders/lookup?barcode=ORD-" .. (n % 1000 + 1), {["Authorization"] = "Bearer " .. token})
end
''',
    "results": r'''
ok = function(body) local _, c = body:gsub('"status":"stored"', ''); return c == 10 end
request = function()
  n = n + 1
  local items = {}
  for i = 1, 10 do
    local id = "B-" .. ((n * 10 + i) % 1000 + 1)
    items[i] = '{"key":"wrk-' .. run .. '-' .. n .. '-' .. i .. '","type":"pack_result","order_id":"' .. id .. '","body":{"order_id":"' .. id ..
      '","station":"bench-1","packer":null,"outcome":"packed","started_at":"2026-11-23T10:00:00.000Z","ended_at":"2026-11-23T10:01:00.000Z",' ..
      '"lines":[{"sku":"S","expected":1,"packed":1,"short":0,"short_reason":null,"serials":[],"lots":[]}],' ..
      '"scans":[{"seq":1,"data":"4006381333931","verdict":"order_complete","at":"2026-11-23T10:01:00.000Z"}]}}'
  end
  local body = '{"items":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/v1/results", {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
''',
}


def start(binary, work):
    db = os.path.join(work, "hub.sqlite")
    token = subprocess.check_output([binary, "station", "add", "bench-1", "--db", db], text=True).strip()
    with open(os.path.join(work, "orders.jsonl"), "w") as f:
        for i in range(1, 1001):
            f.write(json.dumps({"id": "B-%d" % i, "barcodes": ["ORD-%d" % i], "status": "ready", "payment": "captured",
                                "lines": [{"sku": "S-%d" % i, "quantity": 1, "barcodes": ["4006381333931"]}]}) + "\n")
    subprocess.check_call([binary, "import", os.path.join(work, "orders.jsonl"), "--db", db], stdout=subprocess.DEVNULL)
    log = open(os.path.join(work, "hub.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--db", db, "--port", "0"], stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.wait(timeout=10)
        sys.exit("%s did not start (exit %s): %s%s" % (binary, proc.returncode, line, open(log.name).read()[-2000:]))
    return proc, int(line.rsplit(":", 1)[1].split()[0]), token


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(port, token, route, duration, connections, work):
    script = os.path.join(work, route + ".lua")
    with open(script, "w") as f:
        f.write(CHECK_LUA + ROUTES[route])
    cmd = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % duration, "--latency", "-s", script, "http://127.0.0.1:%d" % port]
    r = subprocess.run(cmd, env=dict(os.environ, HUB_TOKEN=token, RUN_ID=uuid.uuid4().hex), capture_output=True, text=True)
    out = r.stdout
    if r.returncode != 0 or "Requests/sec" not in out:
        sys.exit("wrk failed (exit %d): %s%s" % (r.returncode, out, r.stderr))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": to_ms(re.search(r"50%\s+(\S+)", out).group(1)),
            "p99_ms": to_ms(re.search(r"99%\s+(\S+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "bad": int(re.search(r"BAD_RESPONSES (\d+)", out).group(1)),
            "socket_errors": socket_errors.group(1) if socket_errors else None}


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+", help="hub binaries, each optionally LABEL=PATH")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default=",".join(ROUTES), help="comma-separated routes (default: all)")
    args = ap.parse_args()
    routes = args.only.split(",")
    unknown = [r for r in routes if r not in ROUTES]
    if unknown:
        sys.exit("Unknown route(s) %s; choose from %s." % (", ".join(unknown), ", ".join(ROUTES)))
    hubs = [(b.split("=", 1) if "=" in b else (b, b)) for b in args.binaries]
    print("wrk -t1 -c%d -d%ds --latency, %d round(s), started %s UTC, load average %s" % (
        args.connections, args.duration, args.rounds, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), load()), flush=True)
    runs = {label: {r: [] for r in routes} for label, _ in hubs}
    for rnd in range(args.rounds):
        for label, binary in hubs:
            work = tempfile.mkdtemp(prefix="bench-hub-wrk-")
            proc, port, token = start(binary, work)
            try:
                for route in routes:
                    before = load()
                    res = wrk(port, token, route, args.duration, args.connections, work)
                    runs[label][route].append(res)
                    print("round %d %-8s %-8s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %7d requests, bad %d  (load %s)%s" % (
                        rnd + 1, label, route, res["rps"], res["p50_ms"], res["p99_ms"], res["requests"], res["bad"], before,
                        "  socket errors: " + res["socket_errors"] if res["socket_errors"] else ""), flush=True)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
                subprocess.run(["rm", "-rf", work])
    summary = {label: {route: {"rps_median": round(statistics.median(x["rps"] for x in v)),
                               "p50_ms_median": round(statistics.median(x["p50_ms"] for x in v), 2),
                               "p99_ms_median": round(statistics.median(x["p99_ms"] for x in v), 2)}
                       for route, v in d.items()} for label, d in runs.items()}
    print("finished %s UTC, load average %s" % (time.strftime("%H:%M:%S", time.gmtime()), load()))
    print(json.dumps(summary, indent=2))
    bad = sum(x["bad"] for d in runs.values() for v in d.values() for x in v)
    if bad:
        print("%d bad response(s): see the runs above" % bad, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
