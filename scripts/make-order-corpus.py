#!/usr/bin/env python3
"""Writes a corpus of valid, shippable orders for the JSON benchmarks (docs/benchmarks.md, "JSON").

    scripts/make-order-corpus.py [--count 10000] [--jsonl] OUT

The default is one JSON array of 10,000 orders, one compact order per line (~9.7 MB), which
`packstation label --order`, Python's json.loads and Foundation's JSONSerialization all read as
one document; --jsonl writes JSON lines instead. The orders are deterministic (seeded) and
look like a web shop's: 1-3 lines, addresses across Europe with Latin names (accents, no
script the printer font lacks, so `packstation label` prints text rather than rasterizing it), some escaped
text (quotes, newlines, \\u escapes), money as text, a shipment on every order.
"""

import argparse
import json
import random

NAMES = ["Anna Muster", "Łukasz Żółkiewski", "Jean-Luc Côté", "María José Pérez", "Søren Kierkegaard",
         "Pat Jones", "Zoë O'Brien", "Ğülşen Yılmaz", "Ólafur Þórðarson", "Chloé Dubois-Lefèvre"]
CITIES = [("Berlin", "DE", "10115"), ("Gdańsk", "PL", "80-827"), ("Lyon", "FR", "69002"), ("Sevilla", "ES", "41001"),
          ("København", "DK", "1050"), ("Wien", "AT", "1010"), ("Milano", "IT", "20121"), ("Malmö", "SE", "211 22")]
PRODUCTS = [("MUG-BLUE", "Stoneware mug, blue", (120, 90, 100), 350), ("TEE-M", "T-shirt, size M", (250, 200, 20), 180),
            ("HEADSET-PRO", "Wireless headset \"Pro\"", (200, 180, 90), 420), ("BOOK-42", "Paperback, 42 pages", (200, 130, 15), 210),
            ("CABLE-USB-C", "USB-C cable, 2 m", (150, 100, 30), 60), ("LAMP-E27", "Desk lamp, E27 socket", (300, 200, 200), 1200)]


def gtin13(n):
    digits = f"40{n % 10**10:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def order(n, rnd):
    city, country, postal = CITIES[n % len(CITIES)]
    lines = []
    for j, (sku, description, (l, w, h), grams) in enumerate(rnd.sample(PRODUCTS, 1 + n % 3)):
        line = {"sku": sku, "description": description, "quantity": 1 + (n + j) % 3,
                "barcodes": [gtin13(n * 10 + j)], "dimensions_mm": {"length": l, "width": w, "height": h}, "weight_g": grams}
        if sku == "HEADSET-PRO":
            line["serialized"] = True
        lines.append(line)
    o = {
        "id": f"SO-{100000 + n}",
        "barcodes": [f"ORD-{100000 + n}", f"TOTE-{n % 500:04d}"],
        "status": "ready",
        "payment": "captured",
        "priority": ["standard", "express", "same_day"][n % 3],
        "value": {"amount": f"{rnd.randint(5, 2000)}.{rnd.randint(0, 99):02d}", "currency": "EUR"},
        "flags": ["gift", "fragile"] if n % 5 == 0 else ["fragile"] if n % 2 else [],
        "lines": lines,
        "shipment": {
            "carrier": "DHL", "service": "Paket", "tracking": f"JJD0003900{n:011d}",
            "from": {"name": "Northwind Fulfilment", "street": ["Hafenstraße 12"], "city": "Hamburg",
                     "postal_code": "20457", "country": "DE", "phone": "+49 40 123456"},
            "to": {"name": NAMES[n % len(NAMES)], "street": [f"Hauptstraße {n % 200 + 1}", f"Hinterhaus {n % 7}"],
                   "city": city, "postal_code": postal, "country": country, "phone": f"+49 30 {1000000 + n}"},
            "packages": 1,
        },
    }
    if n % 4 == 0:
        o["notes"] = "Customer asked: \"no plastic filler\".\nLeave at the back door."
    if n % 5 == 0:
        o["gift_message"] = "Happy birthday, " + NAMES[n % len(NAMES)].split()[0] + "! \u2764"
    return o


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--jsonl", action="store_true", help="one order per line instead of one JSON array")
    args = ap.parse_args()
    rnd = random.Random(12)
    # ensure_ascii on every third order so the corpus has \u escapes as well as raw UTF-8.
    texts = [json.dumps(order(n, rnd), ensure_ascii=(n % 3 == 0), separators=(",", ":")) for n in range(args.count)]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n" if args.jsonl else "[\n" + ",\n".join(texts) + "\n]\n")


if __name__ == "__main__":
    main()
