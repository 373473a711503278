#!/usr/bin/env python3
"""The kiosk's "what comes next" query over a big order cache, with and without its index.

Builds a journal-shaped `order_cache` of N orders (~0.9 kB documents like the hub serves:
70 % with a ship_by, 10 % same_day, 30 % express) in a temporary SQLite file, then times the
agent's query (Sources/Sync/Journal+NextOrders.swift, copied here: keep them in step) without
the `order_cache_next` index and with it, in the same run, and prints SQLite's plan.

Usage: bench-next-orders.py [N]   (default 10000)
"""
import json
import os
import random
import sqlite3
import sys
import tempfile
import time

RANK = "CASE json_extract(body, '$.priority') WHEN 'same_day' THEN 0 WHEN 'express' THEN 1 ELSE 2 END"
SHIP = "COALESCE(json_extract(body, '$.ship_by'), '9999-12-31~')"
FILTER = "packed = 0 AND COALESCE(json_extract(body, '$.status'), 'ready') = 'ready'"
QUERY = f"""SELECT id, json_extract(body, '$.priority') AS priority, json_extract(body, '$.ship_by') AS ship_by,
    (SELECT COALESCE(SUM(json_extract(value, '$.quantity')), 0) FROM json_each(body, '$.lines')) AS units,
    json_array_length(body, '$.lines') AS lines
FROM order_cache WHERE {FILTER} AND id NOT IN (SELECT value FROM json_each(?))
ORDER BY {RANK}, {SHIP}, rowid LIMIT ?"""


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    path = os.path.join(tempfile.mkdtemp(prefix="packstation-next-"), "journal.sqlite")
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE order_cache (id TEXT PRIMARY KEY, body TEXT NOT NULL, packed INTEGER NOT NULL DEFAULT 0, fetched_at REAL NOT NULL)")
    rng = random.Random(1)
    rows = []
    for i in range(n):
        o = {"id": "O%d" % i, "barcodes": ["ORD-%d" % i], "status": "ready", "payment": "captured",
             "priority": rng.choice(["standard"] * 6 + ["express"] * 3 + ["same_day"]),
             "lines": [{"sku": "S%d" % k, "description": "x" * 40, "quantity": 2, "barcodes": ["400638133393%d" % k]} for k in range(5)],
             "shipment": {"carrier": "DHL", "service": "Paket", "from": {"name": "W", "street": ["S 1"], "city": "X", "country": "DE"},
                          "to": {"name": "P", "street": ["A 2"], "city": "Y", "country": "DE"}}}
        if rng.random() < 0.7:
            o["ship_by"] = "2027-01-%02d" % rng.randint(1, 28)
        rows.append((o["id"], json.dumps(o), 0, 0.0))
    db.executemany("INSERT INTO order_cache VALUES (?, ?, ?, ?)", rows)
    db.commit()

    def per_query(repeat):
        start = time.perf_counter()
        for _ in range(repeat):
            db.execute(QUERY, ("[]", 3)).fetchall()
        return (time.perf_counter() - start) / repeat * 1000

    print("SQLite %s, %d cached orders, %d bytes each on average" % (sqlite3.sqlite_version, n, sum(len(r[1]) for r in rows) // n))
    print("without the index: %.2f ms a query" % per_query(20))
    db.execute(f"CREATE INDEX order_cache_next ON order_cache({RANK}, {SHIP}) WHERE {FILTER}")
    print("with the index:    %.3f ms a query" % per_query(200))
    for row in db.execute("EXPLAIN QUERY PLAN " + QUERY, ("[]", 3)):
        print("  plan:", row[3])
    db.close()
    os.remove(path)
    os.rmdir(os.path.dirname(path))


if __name__ == "__main__":
    main()
