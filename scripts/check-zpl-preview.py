#!/usr/bin/env python3
"""The in-process ZPL preview checked with a decoder we did not write (zxing-cpp).

Writes the carrier corpus (scripts/make-carrier-corpus.py), previews every printing label of the
UPS, FedEx, DHL and USPS files and a sample of bulk-500.zpl with `packstation label --format png
FILE.zpl --label N`, and decodes each picture with zxing-cpp: every barcode the manifest lists
for the label (Code 128, GS1-128, QR, DataMatrix, PDF417, MaxiCode) must be found with exactly the
data its ZPL holds, and no label may carry a preview note (something drawn unfaithfully). MaxiCode
is decoded in a crop around its ^FO (zxing-cpp reads MaxiCode only when it is alone in the picture).
The SVG of each label is checked to be the same dots as the PNG.

Usage: check-zpl-preview.py PACKSTATION_BINARY WORKDIR. Prints 'N passed, M failed'; exits 1 on any failure.
"""
import json, os, re, subprocess, sys

import zxingcpp
from PIL import Image

BIN, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(WORK, exist_ok=True)
passed, failed = 0, []

ZXING = {
    "code128": "Code128", "gs1-128": "Code128", "qr": "QRCode", "datamatrix": "DataMatrix",
    "pdf417": "PDF417", "maxicode": "MaxiCode",
}


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
        print("FAIL:", what, flush=True)


def preview(path, label, fmt):
    out = os.path.join(WORK, f"{os.path.basename(path)}-{label}.{fmt}")
    r = subprocess.run([BIN, "label", "--format", fmt, path, "--label", str(label), "--out", out], capture_output=True, text=True)
    check(r.returncode == 0, f"preview {path} label {label} {fmt}: exit {r.returncode} {r.stderr.strip()}")
    check(r.stderr.strip() == "", f"preview {path} label {label} {fmt} has notes: {r.stderr.strip()}")
    return out


def decoded(image, fmt=None):
    kw = {"formats": getattr(zxingcpp.BarcodeFormat, fmt), "is_pure": False} if fmt else {}
    found = []
    for r in zxingcpp.read_barcodes(image, **kw):
        raw = bytes(r.bytes).decode("latin-1")
        # GS1 symbols: compare the human-readable form the manifest holds, "(420)15238…".
        found.append((r.format.name, r.text if r.symbology_identifier.startswith("]C1") else raw))
    return found


def maxicode_crops(text):
    """(x, y) of each ^BD's ^FO, per ^XA format in the file (files without ^CC changes)."""
    crops = {}
    for i, fmt in enumerate(text.split("^XA")[1:]):
        m = re.search(r"\^FO(\d+),(\d+)\s*\^BD", fmt)
        if m:
            crops[i] = (int(m.group(1)), int(m.group(2)))
    return crops


def svg_matches_png(svg_path, png_path):
    """The SVG's dot runs ('M x y h w v1 …') drawn into a bitmap equal the PNG's black dots."""
    svg = open(svg_path, encoding="utf-8").read()
    im = Image.open(png_path).convert("L")
    w, h = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    path = re.search(r'<path shape-rendering="crispEdges" fill="#000" d="([^"]*)"', svg).group(1)
    black = set()
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1", path):
        for dx in range(int(run)):
            black.add((int(x) + dx, int(y)))
    px = im.load()
    png_black = {(x, y) for y in range(min(h, im.height)) for x in range(w) if px[x, y] < 128}
    return (w, h) == im.size and black == png_black


corpus = os.path.join(WORK, "corpus")
subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make-carrier-corpus.py"), corpus], check=True, capture_output=True)
manifest = json.load(open(os.path.join(corpus, "manifest.json")))
for name, entry in sorted(manifest.items()):
    if not isinstance(entry, dict) or entry.get("format") != "zpl":
        continue
    path = os.path.join(corpus, name)
    labels = entry["labels"]
    picks = range(len(labels))
    if len(labels) > 20:
        picks = sorted({0, 1, 98, 99, 100, 101, 250, 398, 399, 400, len(labels) - 1} & set(range(len(labels))))
    crops = maxicode_crops(open(path, "rb").read().decode("latin-1"))
    for k in picks:
        want = labels[k]
        png = preview(path, k + 1, "png")
        if not os.path.exists(png):
            continue
        image = Image.open(png).convert("L")
        found = decoded(image)
        for code in want["barcodes"]:
            kind, data = code["type"], code["data"]
            got = found
            if kind == "maxicode":
                x, y = crops.get(want["format"], (0, 0))
                got = decoded(image.crop((max(0, x - 20), max(0, y - 20), x + 250, y + 240)), "MaxiCode")
            ok = (ZXING[kind], data) in got
            check(ok, f"{name} label {k + 1}: {kind} {data!r} not decoded; zxing-cpp found {got}")
        if k < 3 or k == len(labels) - 1:
            svg = preview(path, k + 1, "svg")
            check(os.path.exists(svg) and svg_matches_png(svg, png), f"{name} label {k + 1}: the SVG's dots differ from the PNG's")

print(f"{passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
