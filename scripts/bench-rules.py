#!/usr/bin/env python3
"""Automation rules on 100,000 orders (docs/benchmarks.md, "Rules: dry run and import").

    scripts/bench-rules.py [--hub .build/release/packstation-hub] [--count 100000] [--runs 5]
        [--before OLD-HUB] [--no-dry-run]

Writes N orders with scripts/make-order-corpus.py (JSON lines; Europe-wide addresses, 1-3 lines
with weights, money as text) and a 20-rule file (countries, postcode ranges, value, weight, SKU,
flags, priority; hold, priority, station, carrier, notice, insert, supervisor), then times with
hyperfine, each beside a peer in the same run:

  1. `packstation-hub import` into an empty hub with no rules in force, and with the rules in
     force (put there by `serve --rules`, stopped once it says so): what rules cost at import;
     beside it the sqlite3 CLI storing the same lines (each order's id, document, status, barcodes
     and one event, in one transaction, WAL and synchronous FULL as the hub: the floor of an
     import), and with --before an older hub binary importing the same file with the same rules
     (into a database of its own making), so before and after are one run;
  2. `packstation-hub rules dry-run` over the N open orders, beside reading the same N order
     documents out of the hub database with sqlite3 (the floor: no decoding, no rules).

Needs hyperfine and sqlite3 (Debian packages). Prints hyperfine's tables (markdown).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

RULES = """
[[rule]]
name = "Canary Islands"
[rule.when]
country = "ES"
postcode = { ES = ["35", "38"] }
[rule.then]
carrier = "SEUR"
service = "Islas"
priority = "express"
notice = "Customs papers in the pouch"
"""
EXTRA = [
    ("Berlin centre", 'postcode = { DE = ["10115-10179"] }', 'notice = "Courier pick-up at 16:00"'),
    ("Poland by post", 'country = ["PL"]', 'carrier = "Poczta Polska"\nservice = "Ekspres"'),
    ("High value", 'value = { min = "300.00", currency = "EUR" }', 'supervisor = "Over 300 EUR: check the box"'),
    ("Heavy", "weight_g = { min = 2000 }", 'carrier = "DHL"\nservice = "Freight"\nnotice = "Two-person lift"'),
    ("Lamps", 'sku = ["LAMP-E27"]', 'insert = "bulb-safety-sheet"'),
    ("Headsets", 'sku = ["HEADSET-PRO"]', 'notice = "Check the serial sticker"'),
    ("Express stays express", 'priority = ["express", "same_day"]', 'station = "bench-fast"'),
    ("Nordics", 'country = ["DK", "SE"]', 'carrier = "PostNord"\nservice = "MyPack"'),
    ("Vienna", 'postcode = { AT = ["1010-1230"] }', 'notice = "Doorman delivery"'),
    ("Milan centre", 'postcode = { IT = ["20121-20162"] }', 'priority = "express"'),
    ("Fragile flag", 'flags = { any = ["fragile"] }', 'notice = "Fragile: bubble wrap"'),
    ("VIP", 'flags = { all = ["vip"] }', 'insert = "thank-you card"'),
    ("No gift note", 'flags = { none = ["gift"] }\ncountry = "FR"', 'insert = "catalogue-fr"'),
    ("Small parcels", "weight_g = { max = 200 }", 'carrier = "La Poste"\nservice = "Lettre suivie"'),
    ("Cheap", 'value = { max = "20.00", currency = "EUR" }', 'notice = "No insert for small orders"'),
    ("Books", 'sku = ["BOOK-42"]', 'insert = "bookmark"'),
    ("Seville", 'postcode = { ES = ["41000-41999"] }', 'hold = "Local pick-up: call the customer"'),
    ("Cables", 'sku = ["CABLE-USB-C"]', 'notice = "Coil the cable"'),
    ("Everyone", "", 'insert = "returns-form"'),
]


def rules_text():
    out = RULES
    for name, when, then in EXTRA:
        out += f'\n[[rule]]\nname = "{name}"\n'
        if when:
            out += f"[rule.when]\n{when}\n"
        out += f"[rule.then]\n{then}\n"
    return out


# The peer: the sqlite3 CLI stores the same lines as rows (the floor of an import).
PEER_SQL = """PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE orders (id TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL, imported_at REAL NOT NULL);
CREATE TABLE order_barcodes (barcode TEXT PRIMARY KEY, order_id TEXT NOT NULL);
CREATE TABLE hub_events (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, order_id TEXT, at REAL NOT NULL, data TEXT NOT NULL);
CREATE TEMP TABLE staging (line TEXT);
.mode ascii
.separator "\\037" "\\n"
.import {orders} staging
BEGIN;
INSERT INTO orders SELECT json_extract(line, '$.id'), line, json_extract(line, '$.status'), unixepoch('now') FROM staging;
INSERT INTO order_barcodes SELECT b.value, json_extract(line, '$.id') FROM staging, json_each(line, '$.barcodes') b;
INSERT INTO hub_events (type, order_id, at, data)
    SELECT 'order.imported', json_extract(line, '$.id'), unixepoch('now'), json_object('order_id', json_extract(line, '$.id')) FROM staging;
COMMIT;
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser()
    p.add_argument("--hub", default=os.path.join(here, "..", ".build", "release", "packstation-hub"))
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--before", help="an older packstation-hub, timed importing the same file with the same rules")
    p.add_argument("--no-dry-run", action="store_true", help="time the imports only")
    a = p.parse_args()
    hub = os.path.abspath(a.hub)
    for tool in ("hyperfine", "sqlite3"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install {tool}")
    work = tempfile.mkdtemp(prefix="packstation-rules-bench-")
    orders = os.path.join(work, "orders.jsonl")
    run([sys.executable, os.path.join(here, "make-order-corpus.py"), "--count", str(a.count), "--jsonl", orders + ".corpus"])
    # The corpus's totes repeat (TOTE-0000 opens every 500th order); a hub refuses a barcode that
    # opens two orders, so each order keeps its own number only.
    with open(orders + ".corpus") as src, open(orders, "w") as dst:
        for line in src:
            o = json.loads(line)
            o["barcodes"] = [b for b in o.get("barcodes", []) if not b.startswith("TOTE-")]
            dst.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
    rules = os.path.join(work, "rules.toml")
    with open(rules, "w") as f:
        f.write(rules_text())

    def templates(binary, name):
        """An empty hub database made by `binary`, and one with the rules in force."""
        template = os.path.join(work, f"{name}-template.sqlite")
        run([binary, "station", "add", "bench-fast", "--db", template], stdout=subprocess.DEVNULL)
        # The rules in force in a second template: serve --rules stores them, then stops.
        ruled = os.path.join(work, f"{name}-ruled.sqlite")
        shutil.copy(template, ruled)
        serve = subprocess.Popen([binary, "serve", "--db", ruled, "--port", "0", "--rules", rules], stdout=subprocess.PIPE, text=True)
        line = serve.stdout.readline()
        serve.terminate()
        serve.wait()
        if not line.startswith("rules from"):
            sys.exit(f"{binary} serve --rules did not load the rules: {line!r}")
        return template, ruled

    def fresh(template, db):
        return f"cp {template} {db}; rm -f {db}-wal {db}-shm"

    template, ruled = templates(hub, "hub")
    peer = os.path.join(work, "peer.sql")
    with open(peer, "w") as f:
        f.write(PEER_SQL.format(orders=orders))
    commands = ["--prepare", fresh(template, f"{work}/a.sqlite"), "-n", "import, no rules", f"{hub} import {orders} --db {work}/a.sqlite",
                "--prepare", fresh(ruled, f"{work}/b.sqlite"), "-n", "import, 20 rules in force", f"{hub} import {orders} --db {work}/b.sqlite"]
    if a.before:
        _, before_ruled = templates(os.path.abspath(a.before), "before")
        commands += ["--prepare", fresh(before_ruled, f"{work}/c.sqlite"), "-n", "before: import, 20 rules in force",
                     f"{os.path.abspath(a.before)} import {orders} --db {work}/c.sqlite"]
    commands += ["--prepare", f"rm -f {work}/peer.sqlite {work}/peer.sqlite-wal {work}/peer.sqlite-shm",
                 "-n", "sqlite3: the same lines stored", f"sqlite3 {work}/peer.sqlite < {peer} > /dev/null"]
    run(["hyperfine", "--runs", str(a.runs), "--export-markdown", os.path.join(work, "import.md"), *commands])
    print(open(os.path.join(work, "import.md")).read(), flush=True)
    if a.no_dry_run:
        shutil.rmtree(work)
        return
    # The dry run over the orders imported with the rules in force (each has its record).
    run(["hyperfine", "--runs", str(a.runs), "--warmup", "1", "--export-markdown", os.path.join(work, "dry-run.md"),
         "-n", "rules dry-run (20 rules)", f"{hub} rules dry-run {rules} --db {work}/b.sqlite > /dev/null 2>&1",
         "-n", "sqlite3: read the same documents", f"sqlite3 {work}/b.sqlite 'SELECT COALESCE(imported_body, body) FROM orders WHERE packed_at IS NULL' > /dev/null"])
    summary = subprocess.run([hub, "rules", "dry-run", rules, "--db", f"{work}/b.sqlite"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    print(open(os.path.join(work, "dry-run.md")).read())
    print(summary)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
