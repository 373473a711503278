#!/usr/bin/env python3
"""Writes Sources/Barcodes/GS1ApplicationIdentifier+Data.swift from the GS1 AI data bundled with biip.

Usage: pip install biip && python3 scripts/generate-gs1-ai-table.py > Sources/Barcodes/GS1ApplicationIdentifier+Data.swift
"""
import json
import re
from importlib import resources

data = json.loads(resources.files("biip.gs1_application_identifiers").joinpath("_application_identifiers.json").read_text())

# biip's bracket placement, rewritten so every optional part is one "[...]" component.
FORMATS = {
    "N13[+X..17]": "N13+[X..17]", "N13[+N..12]": "N13+[N..12]", "N6[+N4]": "N6+[N4]", "N8[+N..4]": "N8+[N..4]",
    "N6[+N6]": "N6+[N6]", "N18+[N1..N2]": "N18+[N..2]", "N14[+X..16]": "N14+[X..16]",
}
TITLES = {"8110": "NA COUPON", "8112": "POSITIVE OFFER FILE COUPON"}
UNITS = {"337": "kg/m²"}

rows, families = [], {}
for entry in data:
    ai, fmt = entry["ai"], entry["format"].split("+", 1)[1]
    if len(ai) == 4 and (ai[:2] in ("31", "32", "33", "34", "35", "36", "39")):
        families.setdefault(ai[:3], []).append((ai[3], fmt, entry["data_title"]))
        continue
    title = TITLES.get(ai) or entry["data_title"]
    rows.append(f'        ("{ai}", "{FORMATS.get(fmt, fmt)}", "{title}"),')

family_rows = []
for prefix, members in families.items():
    (fmt,), (title,) = {m[1] for m in members}, {m[2] for m in members}
    unit = UNITS.get(prefix) or (re.search(r"\(([^)]*)\)", title) or [None, ""])[1]
    family_rows.append(f'        ("{prefix}", {members[0][0]}...{members[-1][0]}, "{fmt}", "{title}", "{unit}"),')

print("""// The AI data of GS1 General Specifications section 3, as published in the GS1 Barcode Syntax
// Dictionary; regenerate with scripts/generate-gs1-ai-table.py rather than editing by hand.
extension GS1ApplicationIdentifier {
    /// AI, value format (without the AI digits) and data title of every AI outside the decimal families.
    static let definitions: [(ai: String, format: String, title: String)] = [""")
print("\n".join(rows))
print("""    ]

    /// AI families whose last digit is the number of decimals: 3-digit prefix, allowed last digits, format, title, unit.
    static let decimalFamilies: [(prefix: String, decimals: ClosedRange<Int>, format: String, title: String, unit: String)] = [""")
print("\n".join(family_rows))
print("""    ]
}""")
