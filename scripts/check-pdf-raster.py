#!/usr/bin/env python3
"""Carriers' PDFs on a ZPL printer, checked with tools we did not write.

For every PDF of the carrier corpus (scripts/make-carrier-corpus.py) at 203 and 300 dpi:
- `packstation label --format zpl` of an order carrying the PDF as its carrier label gives one
  ^XA...^XZ per page (pdfinfo's page count), each a ^GF graphic; zplkit (an independent ZPL
  renderer) draws it, and zxing-cpp decodes every barcode the manifest lists for that page
  (Code 128, QR, DataMatrix) with its data;
- `packstation label --format png` (the kiosk's preview: the first label as the printer's dots)
  decodes the same way.
A4 sheets of two labels side by side (the manifest's "label_barcodes") are cut into their labels:
two ^XA...^XZ per page, each label's barcodes decoding at full size.

Usage: check-pdf-raster.py PACKSTATION_BINARY WORKDIR. Prints 'N passed, M failed'; exits 1 on any failure.
"""
import base64, json, os, subprocess, sys

import zxingcpp
import zplkit
import zplkit.rendering as zr
from PIL import Image

BIN, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(WORK, exist_ok=True)
passed, failed = 0, []

CORPUS = os.path.join(WORK, "corpus")
subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make-carrier-corpus.py"), CORPUS], check=True)
manifest = json.load(open(os.path.join(CORPUS, "manifest.json"), encoding="utf-8"))
ORDER = json.load(open(os.path.join(ROOT, "Tests", "LabelsTests", "Fixtures", "order-ups-us.json"), encoding="utf-8"))
FORMATS = {"code128": "Code128", "qr": "QRCode", "datamatrix": "DataMatrix", "pdf417": "PDF417", "maxicode": "MaxiCode", "gs1-128": "Code128"}


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
        print("FAIL:", what, flush=True)


def zxing(png):
    im = Image.open(png).convert("L")
    return sorted((r.format.name, r.text) for r in zxingcpp.read_barcodes(im))


def label(order_path, fmt, dpi, out):
    r = subprocess.run([BIN, "label", "--order", order_path, "--format", fmt, "--dpi", str(dpi), "--out", out], capture_output=True, text=True)
    check(r.returncode == 0, f"label {order_path} {fmt} {dpi}: exit {r.returncode} {r.stderr.strip()}")
    return r


def pdfinfo_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


for name, entry in sorted(manifest.items()):
    if entry.get("format") != "pdf":
        continue
    path = os.path.join(CORPUS, name)
    data = open(path, "rb").read()
    order = dict(ORDER)
    order["shipment"] = dict(ORDER["shipment"], label={"format": "pdf", "data": base64.b64encode(data).decode()})
    order_path = os.path.join(WORK, name + ".order.json")
    json.dump(order, open(order_path, "w", encoding="utf-8"))
    pages = pdfinfo_pages(path)
    check(pages == entry["pages"], f"{name}: pdfinfo {pages} pages, manifest {entry['pages']}")
    # A two-up sheet prints as its labels, each with its own barcodes; any other page is a label.
    labels = entry.get("label_barcodes", entry["barcodes"])
    what_label = "label" if "label_barcodes" in entry else "page"
    for dpi in (203, 300):
        zpl_path = os.path.join(WORK, f"{name}-{dpi}.zpl")
        label(order_path, "zpl", dpi, zpl_path)
        zpl = open(zpl_path, "rb").read()
        check(zpl.count(b"^XA") == len(labels) and zpl.count(b"^GFA,") == len(labels), f"{zpl_path}: {zpl.count(b'^XA')} labels for {pages} pages, {len(labels)} expected")
        doc = zplkit.render(zpl, limits=zr.Limits(graphic_bytes=8_000_000))
        check(len(doc.labels) == len(labels), f"zplkit {zpl_path}: {len(doc.labels)} labels, {len(labels)} expected")
        for i, scene in enumerate(doc.labels[:len(labels)]):
            png = f"{zpl_path}.{i}.png"
            open(png, "wb").write(scene.png())
            got = zxing(png)
            for code in labels[i]:
                want = (FORMATS[code["type"]], code["data"])
                check(want in got, f"zxing {name} {what_label} {i + 1} at {dpi} dpi (ZPL ^GF via zplkit): {want} not in {got}")
        preview = os.path.join(WORK, f"{name}-{dpi}.png")
        label(order_path, "png", dpi, preview)
        got = zxing(preview)
        for code in labels[0]:
            want = (FORMATS[code["type"]], code["data"])
            check(want in got, f"zxing {name} preview PNG at {dpi} dpi: {want} not in {got}")

print(f"{passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
