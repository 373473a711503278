#!/usr/bin/env python3
"""Renders labels with the built `packstation label` and checks them with tools we did not write.

- PNG, PDF (rasterized by poppler's pdftoppm) and the kiosk's SVG preview (drawn by headless
  Chromium, as the kiosk page shows it) are decoded with zbarimg (Code 128, GS1-128, QR)
  and zxing-cpp (DataMatrix, GS1 DataMatrix, PDF417, MaxiCode) with the AIM symbology identifier;
  UPS MaxiCodes (modes 2 and 3) also by their full structured message and mode.
- ZPL is parsed and rendered by zplkit (an independent ZPL renderer; strict: unknown commands,
  fields not closed by ^FS, bad graphics all fail), and its picture is decoded the same way.
- Every order gives exactly one ^XA...^XZ per package; hostile address text never adds a command.
- A shipment of several packages gives one label per package with its "k of N" in the text and,
  for UPS, in the MaxiCode message's package field.

Usage: check-labels.py PACKSTATION_BINARY WORKDIR. Prints 'N passed, M failed'; exits 1 on any failure.
"""
import json, os, re, subprocess, sys

import zxingcpp
import zplkit
import zplkit.rendering as zr
from PIL import Image

BIN, WORK = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "LabelsTests", "Fixtures")
os.makedirs(WORK, exist_ok=True)
passed, failed = 0, []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
        print("FAIL:", what, flush=True)


def render(order, fmt, template="shipping", dpi=203, extra=()):
    tag = re.sub(r"[^A-Za-z0-9]+", "", "".join(extra))
    out = os.path.join(WORK, f"{os.path.basename(order)}-{os.path.basename(template)}-{dpi}{tag}.{fmt}")
    r = subprocess.run([BIN, "label", "--order", order, "--format", fmt, "--template", template, "--dpi", str(dpi), "--out", out, *extra], capture_output=True, text=True)
    check(r.returncode == 0, f"label {order} {fmt} {template} {dpi}: exit {r.returncode} {r.stderr.strip()}")
    return out


def zpl_pictures(path):
    data = open(path, "rb").read()
    doc = zplkit.render(data, limits=zr.Limits(graphic_bytes=8_000_000))
    pngs = []
    for i, scene in enumerate(doc.labels):
        p = f"{path}.{i}.png"
        open(p, "wb").write(scene.png())
        pngs.append(p)
    return data, pngs


def zbar(png):
    r = subprocess.run(["zbarimg", "--nodbus", "-q", png], capture_output=True, text=True)
    return sorted(line for line in r.stdout.splitlines() if line)


def zxing(png, crop=None, only=None):
    im = Image.open(png).convert("L")
    if crop:
        im = im.crop(crop)
    kw = {"formats": only, "is_pure": True} if only is not None else {}
    return sorted((r.format.name, r.text, r.symbology_identifier) for r in zxingcpp.read_barcodes(im, **kw))


def pictures(order, fmt, template="shipping", dpi=203, extra=()):
    """The rendered label as PNG files at printer resolution, whatever the format."""
    path = render(order, fmt, template, dpi, extra)
    if fmt == "png":
        return [path]
    if fmt == "pdf":
        base = path + "-page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", path, base], check=True)
        return sorted(os.path.join(WORK, f) for f in os.listdir(WORK) if f.startswith(os.path.basename(base)) and f.endswith(".png"))
    if fmt == "svg":
        head = open(path, encoding="utf-8").read(300)
        width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', head).groups())
        png = path + ".png"
        r = subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                            f"--window-size={width},{height}", f"--screenshot={png}", "file://" + os.path.abspath(path)],
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0 and os.path.exists(png), f"chromium {path}: exit {r.returncode} {r.stderr[-300:]}")
        return [png]
    data, pngs = zpl_pictures(path)
    check(data.count(b"^XA") == 1 and data.count(b"^XZ") == 1 and len(pngs) == 1, f"{path}: one order, one ^XA...^XZ")
    return pngs


def order_json(path):
    return json.load(open(path, encoding="utf-8"))


# 1. The shipping label of a Unicode order and of a hostile one, in all formats and densities.
for name in ["order-unicode.json", "order-injection.json"]:
    order = os.path.join(FIX, name)
    o = order_json(order)
    tracking, postal = o["shipment"]["tracking"], o["shipment"]["to"]["postal_code"].replace(" ", "").replace("-", "").upper()
    for fmt in ["png", "pdf", "zpl", "svg"]:
        for dpi in ([203, 300, 600] if fmt in ("png", "pdf") else [203, 300]):
            for png in pictures(order, fmt, dpi=dpi, extra=("--printer-font", "ascii") if fmt == "zpl" else ()):
                got = zbar(png)
                want = sorted([f"CODE-128:{tracking}", f"CODE-128:420{postal}", f"QR-Code:{tracking}"])
                check(got == want, f"zbarimg {png}: {got} != {want}")
                gs1 = [r for r in zxing(png) if r[2] == "]C1"]
                check(gs1 == [("Code128", f"(420){postal}", "]C1")], f"zxing GS1-128 {png}: {gs1}")

# 2. Every symbology through one template, all three outputs.
order = os.path.join(FIX, "order-unicode.json")
o = order_json(order)
sh = o["shipment"]
expect = sorted([
    ("Code128", sh["tracking"], "]C0"),
    ("Code128", "(00)340123450000000017(420)00916", "]C1"),
    ("QRCode", f"{o['id']} {sh['to']['name']}", "]Q1"),
    ("DataMatrix", f"{o['id']}/{sh['tracking']}", "]d1"),
    ("DataMatrix", f"(01)09506000134352(10)LOT{o['id']}(21)S12", "]d2"),
    ("PDF417", f"{sh['carrier']} {sh['service']} {sh['tracking']}", "]L2"),
])
template = os.path.join(FIX, "template-symbols.json")
for fmt in ["png", "pdf", "zpl", "svg"]:
    for png in pictures(order, fmt, template=template):
        got = [r for r in zxing(png) if r[0] != "MaxiCode"]
        check(got == expect, f"zxing {png}: {got} != {expect}")
        # MaxiCode at x 68, y 85 mm (8 dots/mm): zxing reads it from the cropped, pure symbol.
        maxi = zxing(png, crop=(540, 675, 805, 945), only=zxingcpp.BarcodeFormat.MaxiCode)
        check(maxi == [("MaxiCode", sh["tracking"], "]U0")], f"zxing MaxiCode {png}: {maxi}")

# 2b. UPS MaxiCode filled from the order by a template: mode 2 (US ZIP+4) and mode 3 (Canadian
# postal code) with the MH10.8.3 structured message, and a mode 5 symbol beside it. zxing-cpp
# returns modes 2 and 3 with the primary message (postal code, country, class) put back after
# the [)> RS 01 GS 96 header, and reports the mode as ec_level. zplkit draws mode 5 without data
# (as a printer's preview does), so the ZPL's mode 5 is checked by its command only.
RS, GS, EOT = "\x1e", "\x1d", "\x04"
ups = [
    ("order-ups-us.json", "2", f"[)>{RS}01{GS}96152382802{GS}840{GS}001{GS}1Z00004951{GS}UPSN{GS}06X610{GS}159{GS}1234567{GS}1/1{GS}10{GS}Y{GS}634 ALPHA DR{GS}PITTSBURGH{GS}PA{RS}{EOT}"),
    # The street is cut until the message fits mode 3's 84 codewords; ^ and ~ travel as data.
    ("order-ups-ca.json", "3", f"[)>{RS}01{GS}96K1M1M4{GS}124{GS}001{GS}1Z00004968{GS}UPSN{GS}06X610{GS}159{GS}1234567{GS}1/2{GS}10{GS}Y{GS}24 SUSSEX DR ^F{GS}OTTAWA{GS}ON{RS}{EOT}"),
]


def maxicode(png, dpi, x_mm, y_mm):
    k = {203: 8, 300: 12, 600: 24}[dpi]
    im = Image.open(png).convert("L").crop(((x_mm - 2) * k, (y_mm - 2) * k, (x_mm + 32) * k, (y_mm + 32) * k))
    found = zxingcpp.read_barcodes(im, formats=zxingcpp.BarcodeFormat.MaxiCode, is_pure=True, text_mode=zxingcpp.TextMode.Plain)
    return [(r.text, r.symbology_identifier, r.ec_level) for r in found]


ups_template = os.path.join(FIX, "template-ups-maxicode.json")
for name, mode, text in ups:
    ups_order = os.path.join(FIX, name)
    oid = order_json(ups_order)["id"]
    for fmt, dpi in [("png", 203), ("png", 300), ("pdf", 203), ("zpl", 203), ("svg", 203)]:
        # Package 1 only: order-ups-ca ships in 2 packages (each package's label is checked in 6).
        one = ("--package", "1") + (("--printer-font", "ascii") if fmt == "zpl" else ())
        for png in pictures(ups_order, fmt, template=ups_template, dpi=dpi, extra=one):
            got = maxicode(png, dpi, 5, 10)
            check(got == [(text, "]U1", mode)], f"zxing UPS MaxiCode mode {mode} {png}: {got}")
            if fmt != "zpl":
                five = maxicode(png, dpi, 60, 10)
                check(five == [(oid, "]U0", "5")], f"zxing MaxiCode mode 5 {png}: {five}")
    data = open(render(ups_order, "zpl", template=ups_template, extra=("--package", "1")), "rb").read()
    check(f"^BD{mode},1,1^FH^FD".encode() in data and f"^BD5,1,1^FH^FD{oid}^FS".encode() in data, f"{name}: ^BD{mode} and ^BD5 in the ZPL")
    check(b"~" not in data and data.count(b"^FD") == data.count(b"^FH^FD"), f"{name}: MaxiCode data escaped with ^FH")

# 3. Packing slips: the order barcode decodes on the 4x6 and A4 slips.
for tmpl in ["packing-slip", "packing-slip-a4", "packing-slip-letter"]:
    for fmt in ["pdf", "zpl", "svg"] if tmpl == "packing-slip" else ["pdf", "svg"]:
        for png in pictures(order, fmt, template=tmpl, extra=("--printer-font", "ascii") if fmt == "zpl" else ()):
            check(zbar(png) == [f"CODE-128:{o['barcodes'][0]}"], f"slip {png}: {zbar(png)}")

# 4. Hostile text: the injection order's ZPL has exactly our commands and no tilde.
inj = open(render(os.path.join(FIX, "order-injection.json"), "zpl"), "rb").read()
check(b"~" not in inj, "no ~ in the injection order's ZPL")
check(inj.count(b"^FD") == inj.count(b"^FH^FD"), "every field is ^FH-escaped")

# 5. Several orders in one file: one label each, zplkit agrees.
multi = os.path.join(WORK, "orders.json")
orders = []
for i in range(5):
    x = order_json(order)
    x["id"] = f"SO-{i}"
    x["barcodes"] = [f"ORD-{i}"]
    x["shipment"]["tracking"] = f"1Z999AA1012345678{i}"
    orders.append(x)
json.dump(orders, open(multi, "w"), ensure_ascii=False)
data, pngs = zpl_pictures(render(multi, "zpl", extra=("--printer-font", "ascii")))
check(len(pngs) == 5 and data.count(b"^XA") == 5, f"5 orders -> {len(pngs)} labels")
for i, png in enumerate(pngs):
    check(f"CODE-128:1Z999AA1012345678{i}" in zbar(png), f"label {i} of 5 carries its own tracking number")
pdf = render(multi, "pdf")
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
check(re.search(r"^Pages:\s+5$", info, re.M) is not None, f"5 orders -> 5 PDF pages: {info}")
fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
check(all(l.split()[-5:-2] == ["yes", "yes", "yes"] for l in fonts.splitlines()[2:]) and len(fonts.splitlines()) > 2, f"fonts embedded and subset: {fonts}")

# 6. A shipment of several packages: one label per package, "k of N" in the text and k/N in
# the UPS MaxiCode's message (the MH10.8.3 package field), in every format.
ca = os.path.join(FIX, "order-ups-ca.json")


def ca_message(k):
    return ups[1][2].replace(f"{GS}1/2{GS}", f"{GS}{k}/2{GS}")


data, pngs = zpl_pictures(render(ca, "zpl", template=ups_template, extra=("--printer-font", "ascii")))
check(len(pngs) == 2 and data.count(b"^XA") == 2, f"2 packages -> {len(pngs)} ZPL labels")
for k, png in enumerate(pngs, 1):
    got = maxicode(png, 203, 5, 10)
    check(got == [(ca_message(k), "]U1", "3")], f"zxing UPS MaxiCode package {k}/2 {png}: {got}")
pdf = render(ca, "pdf", template=ups_template)
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
check(re.search(r"^Pages:\s+2$", info, re.M) is not None, f"2 packages -> 2 PDF pages: {info}")
subprocess.run(["pdftoppm", "-r", "203", "-png", pdf, pdf + "-page"], check=True)
pages = sorted(os.path.join(WORK, f) for f in os.listdir(WORK) if f.startswith(os.path.basename(pdf) + "-page") and f.endswith(".png"))
for k, png in enumerate(pages, 1):
    got = maxicode(png, 203, 5, 10)
    check(got == [(ca_message(k), "]U1", "3")], f"zxing UPS MaxiCode package {k}/2 {png}: {got}")
for fmt in ["png", "svg"]:
    for png in pictures(ca, fmt, template=ups_template, extra=("--package", "2")):
        got = maxicode(png, 203, 5, 10)
        check(got == [(ca_message(2), "]U1", "3")], f"zxing UPS MaxiCode package 2/2 {png}: {got}")
# The built-in shipping label's human-readable "k of N": the ZPL fields, the PDF's text (poppler),
# the SVG's text; the barcodes of every package still decode.
zpl = open(render(ca, "zpl", extra=("--printer-font", "ascii")), "rb").read()
check([f.count(f"^FD{k} of 2^FS".encode()) for k, f in enumerate(zpl.split(b"^XA")[1:], 1)] == [1, 1], "ZPL: 1 of 2, 2 of 2 in order")
# The shipment's one tracking number is package 1's Code 128; package 2's is its dock code
# PKG:ORDER:2 (a number two boxes share cannot tell them apart at the dock); both QR codes
# carry the tracking number.
ca_order = order_json(ca)
ca_tracking = ca_order["shipment"]["tracking"]
data, pngs = zpl_pictures(render(ca, "zpl", extra=("--printer-font", "ascii", "--copies", "1")))
ca_codes = [ca_tracking, f"PKG:{ca_order['id']}:2"]
check(len(pngs) == 2 and [[c for c in zbar(p) if c.startswith("CODE-128:") and not c.startswith("CODE-128:420")] for p in pngs] == [[f"CODE-128:{c}"] for c in ca_codes]
      and all(f"QR-Code:{ca_tracking}" in zbar(p) for p in pngs), f"both packages' barcodes decode: {[zbar(p) for p in pngs]}")
pdf = render(ca, "pdf")
text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout.split("\f")
check(len(text) >= 2 and "1 of 2" in text[0] and "2 of 2" in text[1], f"PDF pages say 1 of 2, 2 of 2: {[t[-200:] for t in text]}")
svg = open(render(ca, "svg", extra=("--package", "2")), encoding="utf-8").read()
check(">2 of 2<" in svg, "SVG preview of package 2 says 2 of 2")

# 7. The dock scans every package of ours (docs/dock.md): a shipment without tracking numbers
# prints a Code 128 of PKG:ORDER:N on each box's label, in every format, read by zbarimg and by
# zxing-cpp as plain Code 128 (AIM ]C0, not GS1); a number per box (package_tracking) is each
# box's own barcode.
dock = order_json(ca)
dock["id"], dock["barcodes"] = "SO-DOCK-7", ["ORD-DOCK-7"]
del dock["shipment"]["tracking"]
dock_path = os.path.join(WORK, "order-dock.json")
json.dump(dock, open(dock_path, "w"), ensure_ascii=False)
per_box = order_json(ca)
per_box["id"], per_box["shipment"]["package_tracking"] = "SO-DOCK-8", ["1ZDOCK0000000001", "1ZDOCK0000000002"]
per_box_path = os.path.join(WORK, "order-dock-per-box.json")
json.dump(per_box, open(per_box_path, "w"), ensure_ascii=False)
for path, codes in [(dock_path, ["PKG:SO-DOCK-7:1", "PKG:SO-DOCK-7:2"]), (per_box_path, ["1ZDOCK0000000001", "1ZDOCK0000000002"])]:
    for fmt in ["png", "pdf", "zpl", "svg"]:
        for k in (1, 2):
            extra = ("--package", str(k)) + (("--printer-font", "ascii") if fmt == "zpl" else ())
            for png in pictures(path, fmt, extra=extra):
                linear = [c for c in zbar(png) if c.startswith("CODE-128:") and not c.startswith("CODE-128:420")]
                check(linear == [f"CODE-128:{codes[k - 1]}"], f"dock code of package {k} {png}: {linear}")
                plain = [r for r in zxing(png) if r[0] == "Code128" and r[2] == "]C0"]
                check(plain == [("Code128", codes[k - 1], "]C0")], f"zxing dock code of package {k} {png}: {plain}")

print(f"labels: {passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
