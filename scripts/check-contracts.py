#!/usr/bin/env python3
"""Checks the written contracts against the built binary, with a validator we did not write.

- every example order validates against docs/schema/order.schema.json;
- `packstation verify` on the examples prints one JSON object per scan line whose verdict is
  one of the documented names (a closed box as the pack result's boxes have it, its labels
  package k of N; labels printed again marked as reprints, a voided label named), then a summary whose pack results validate against
  docs/schema/pack-result.schema.json.

Usage: check-contracts.py PATH/TO/packstation
"""
import glob
import json
import subprocess
import sys

import jsonschema

ROOT = __file__.rsplit("/scripts/", 1)[0]


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def orders_in(path):
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    return [load(path)]


def main():
    binary = sys.argv[1]
    order_schema = load(f"{ROOT}/docs/schema/order.schema.json")
    result_schema = load(f"{ROOT}/docs/schema/pack-result.schema.json")
    jsonschema.Draft202012Validator.check_schema(order_schema)
    jsonschema.Draft202012Validator.check_schema(result_schema)
    checks = 0
    failures = 0

    order_files = sorted(glob.glob(f"{ROOT}/examples/orders/*"))
    for path in order_files:
        for order in orders_in(path):
            jsonschema.validate(order, order_schema)
            checks += 1

    verdicts = set(result_schema["$defs"]["verdict"]["enum"])
    box_schema = result_schema["properties"]["boxes"]["items"]
    for scans in sorted(glob.glob(f"{ROOT}/examples/scans/*.txt")):
        args = [binary, "verify", "--scans", scans]
        for path in order_files:
            args += ["--order", path]
        run = subprocess.run(args, capture_output=True, timeout=60)
        if run.returncode != 0:
            print(f"FAIL {scans}: exit {run.returncode}: {run.stderr.decode()}")
            failures += 1
            continue
        lines = run.stdout.decode().splitlines()
        with open(scans, "rb") as f:
            scan_lines = [l for l in f.read().split(b"\n") if l.strip(b"\r")]
        objects = [json.loads(l) for l in lines]
        *per_scan, summary = objects
        if len(per_scan) != len(scan_lines):
            print(f"FAIL {scans}: {len(per_scan)} verdict lines for {len(scan_lines)} scans")
            failures += 1
        for obj in per_scan:
            if obj.get("verdict") not in verdicts:
                print(f"FAIL {scans}: undocumented verdict {obj.get('verdict')!r}")
                failures += 1
            # A closed box (box_closed, or the last box of a completed order) is a box of the
            # pack result's `boxes`; its labels say which package of how many.
            if "box" in obj:
                jsonschema.validate(obj["box"], box_schema)
                checks += 1
            for label in obj.get("labels", []):
                if not (isinstance(label.get("package"), int) and isinstance(label.get("packages"), int) and 1 <= label["package"]
                        and (label["package"] <= label["packages"])):
                    print(f"FAIL {scans}: label {label!r} is not package k of N with 1 <= k <= N")
                    failures += 1
            if obj.get("verdict") == "box_closed" and not (obj.get("box") and obj.get("labels")):
                print(f"FAIL {scans}: box_closed without its box and labels: {obj}")
                failures += 1
            # Labels printed again are marked as reprints; a voided label names the one it replaces.
            if obj.get("verdict") in ("labels_reprinted", "label_voided"):
                if not obj.get("labels") or not all(l.get("reprint") is True for l in obj["labels"]):
                    print(f"FAIL {scans}: {obj['verdict']} without labels marked reprint: {obj}")
                    failures += 1
                if (obj["verdict"] == "label_voided") != ("voided" in obj):
                    print(f"FAIL {scans}: 'voided' belongs to label_voided only: {obj}")
                    failures += 1
        if "verdict" in summary or "complete" not in summary:
            print(f"FAIL {scans}: the last line is not a summary: {summary}")
            failures += 1
        for result in ([summary["result"]] if summary.get("result") else []) + summary.get("results", []):
            jsonschema.validate(result, result_schema)
            checks += 1
        checks += len(per_scan)
    print(f"contracts: {checks} checked, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
