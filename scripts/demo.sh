#!/usr/bin/env bash
# The README's demo, end to end on 127.0.0.1: the reference hub with the example orders, the
# test printer (a Zebra on raw TCP), and the agent replaying a recorded scanner session
# (examples/scans/1001.txt). Shows the label the printer received and the result the hub
# stored. Everything it starts is stopped by PID at the end; nothing outside a temp dir is touched.
# Binaries: packstation and packstation-hub on PATH (install.sh installs both), or
# PACKSTATION_BIN_DIR=DIR (e.g. "$(swift build --show-bin-path)").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${PACKSTATION_BIN_DIR:-}
agent=${dir:+$dir/}packstation
hub=${dir:+$dir/}packstation-hub
command -v "$agent" >/dev/null || { echo "error: $agent not found; run ./install.sh first (or set PACKSTATION_BIN_DIR)" >&2; exit 1; }
command -v "$hub" >/dev/null || { echo "error: $hub not found; run ./install.sh first (or set PACKSTATION_BIN_DIR)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/packstation-demo.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "error: nothing listens on $1" >&2; return 1; }

echo "== the hub: example orders, a station token"
token=$("$hub" station add demo-bench --db "$tmp/hub.sqlite")
"$hub" import examples/orders/1001.json --db "$tmp/hub.sqlite"
hub_port=$(free_port)
"$hub" serve --db "$tmp/hub.sqlite" --port "$hub_port" >"$tmp/hub.log" 2>&1 &
pids+=($!)
wait_port "$hub_port"

echo "== the test printer (raw TCP 9100 protocol, like a networked Zebra)"
printer_port=$(free_port) control_port=$(free_port)
mkdir -p "$tmp/printer"
python3 scripts/peers/zebra_printer.py --port "$printer_port" --control-port "$control_port" --log "$tmp/printer" >"$tmp/printer.out" 2>&1 &
pids+=($!)
wait_port "$printer_port"

echo "== the agent replays a scanner session (examples/scans/1001.txt)"
PACKSTATION_SERVER_URL="http://127.0.0.1:$hub_port" PACKSTATION_TOKEN="$token" PACKSTATION_STATION_NAME=demo-bench \
    "$agent" run --scans-from examples/scans/1001.txt --scan-interval 100 --exit-when-done --data-dir "$tmp/agent" \
    --printer "tcp://127.0.0.1:$printer_port" --kiosk-listen 127.0.0.1:0 --log-level debug 2>"$tmp/agent.log"
grep -o 'verdict=[a-z_]*' "$tmp/agent.log" | sed 's/verdict=/  verdict: /'

echo "== the label the printer received ($tmp/printer/labels.zpl)"
labels=$(grep -c '"zpl"' "$tmp/printer/labels.jsonl")
echo "  $labels label(s), starting:"
head -n 3 "$tmp/printer/labels.zpl" | sed 's/^/    /'
echo "== the result on the hub"
result=$(python3 - "$hub_port" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v1/admin/results?order_id=1001", timeout=10) as r:
    results = json.load(r)["results"]
packed = [r for r in results if r["type"] == "pack_result"]
print(f"{len(packed)} pack result(s) for order 1001: outcome {packed[0]['body']['outcome'] if packed else '-'}, station {packed[0]['station'] if packed else '-'}")
PY
)
echo "  $result"
[ "$labels" = 1 ] && [[ "$result" == "1 pack result(s) for order 1001: outcome packed, station demo-bench" ]] || { echo "error: the demo did not end with one label and one result" >&2; exit 1; }
echo "demo OK (files in $tmp)"
