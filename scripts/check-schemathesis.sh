#!/usr/bin/env bash
# Schemathesis (PyPI) against docs/api/openapi.yaml on a running hub: every check, 0 failures.
#   bash scripts/check-schemathesis.sh BIN_DIR [SECONDS]
# Starts packstation-hub from BIN_DIR on 127.0.0.1 with an admin token, a station and the example
# orders, runs every schemathesis phase (examples, coverage, fuzzing, stateful) with all checks for
# at most SECONDS (default 120) with a fixed seed (a failure reproduces), and stops the hub by PID.
# Left out: POST /v1/admin/webhooks. Its schema's address pattern is the narrow set of names the
# hub always accepts, and the hub accepts real addresses beyond it by design (queries, capitals,
# IP literals; docs/webhooks.md), which schemathesis's stateful phase reports as a schema-violating
# request accepted whatever the per-operation config says (4.32.5). WebhookAPITests and
# scripts/check-openapi.py cover the operation.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/check-schemathesis.sh BIN_DIR [SECONDS]}
budget=${2:-120}
python3 -m venv .venv-schemathesis
.venv-schemathesis/bin/pip install -q --disable-pip-version-check "schemathesis==4.32.5"
tmp=$(mktemp -d /tmp/packstation-schemathesis.XXXXXX)
hub_pid=
cleanup() { [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
hub="$bin/packstation-hub"
station_token=$("$hub" station add bench-1 --db "$tmp/hub.sqlite" | tail -n 1)
"$hub" import examples/orders/1001.json --db "$tmp/hub.sqlite" >/dev/null
"$hub" import examples/orders/more.jsonl --db "$tmp/hub.sqlite" >/dev/null
# Run 1, the `example` of the progress route's id: progress reports reach a run that exists.
"$hub" label-run add --db "$tmp/hub.sqlite" --station bench-1 --name schemathesis 1001 >/dev/null
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/admin-token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$hub" serve --db "$tmp/hub.sqlite" --port "$port" --admin-token-file "$tmp/admin-token" >"$tmp/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cat > "$tmp/schemathesis.toml" <<TOML
[auth.openapi.station]
bearer = "\${STATION_TOKEN}"
[auth.openapi.admin]
bearer = "\${ADMIN_TOKEN}"
TOML
cd "$tmp"
STATION_TOKEN="$station_token" ADMIN_TOKEN="$(cat admin-token)" \
    "$OLDPWD/.venv-schemathesis/bin/schemathesis" --config-file "$tmp/schemathesis.toml" run "$OLDPWD/docs/api/openapi.yaml" \
    --url "http://127.0.0.1:$port" --checks all --exclude-name "POST /v1/admin/webhooks" --max-time "$budget" --seed 20261204 --workers 2 \
    --report junit --report-dir "$tmp/report" || { echo "schemathesis found failures (hub log: $tmp/hub.log)" >&2; exit 1; }
echo "schemathesis: 0 failures against docs/api/openapi.yaml (files in $tmp)"
