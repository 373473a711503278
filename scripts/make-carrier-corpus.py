#!/usr/bin/env python3
"""Writes the carrier-shaped test corpus: ZPL and PDF labels shaped like the files carrier APIs,
shipping platforms and marketplaces hand out, with our own invented layouts and data.

Usage: make-carrier-corpus.py OUTDIR [--big]

- ups.zpl, fedex.zpl, dhl.zpl, usps.zpl: 4x6 in at 203 dpi (812 x 1218 dots), 2-4 shipments each,
  with graphics downloaded before each ^XA (~DG, ASCII hex and :Z64:) and recalled with ^XG,
  CRLF line ends, ^FX comments, blanks and CR/LF between commands, settings-only formats, ^PQ2,
  a stored format (^DF / ^XF), ^FH escapes, a change of the command character (~CC), and each
  carrier's barcodes (UPS MaxiCode mode 2/3 + Code 128, FedEx PDF417 + Code 128, DHL DataMatrix +
  Code 128, USPS GS1-128 IMpb + QR).
- bulk-500.zpl: 500 labels, one graphic downloaded at the top, a settings format every 100;
  bulk-10000.zpl (10,000 labels) only with --big.
- cairo.pdf (pycairo, 3 pages), reportlab.pdf (ReportLab, 2 pages), qpdf-objstm.pdf (reportlab.pdf
  rewritten by `qpdf --object-streams=generate`: object streams and a cross-reference stream),
  a4-two-up.pdf (A4, 2 pages, two labels side by side), pages-500.pdf only with --big.
  Every page has a Code 128 and a QR code or DataMatrix.
- manifest.json: {file name: entry}. A ZPL entry: "format": "zpl", "bytes", "formats" (every
  ^XA...^XZ, settings-only and ^DF ones included), "printing_formats", "label_count" (the sum of
  copies) and "labels", the printed labels in order: {"format": 0-based index of its ^XA among all
  formats, "copies" (^PQ), "graphics" (every graphic it recalls, through its stored format too),
  "stored_formats", "barcodes": [{"type": code128|gs1-128|maxicode|pdf417|datamatrix|qr, "data"}]
  with data as a reader returns it (GS1-128 in bracketed form "(420)12345", a MaxiCode's primary
  message put back after its [)> header as zxing-cpp returns it), "text" (its text fields in
  format order, after ^FH decoding)}. A PDF entry: "format": "pdf", "pages", "page_size_pt"
  ([w, h] per page) and "barcodes" per page; a4-two-up.pdf also "label_barcodes", per label (two
  per page, left then right) as a bench that cuts the sheet into its labels prints them.

Deterministic: the same bytes on every run (fixed seeds and dates, PDFs with a fixed CreationDate
and /ID). Needs python3, python3-reportlab, python3-cairo and qpdf from Debian.
"""
import base64
import json
import os
import random
import subprocess
import sys
import zlib

try:
    import cairo
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.graphics.barcode.ecc200datamatrix import ECC200DataMatrix
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as rl_canvas
except ImportError as error:
    # A python3 from pyenv or a venv first on PATH does not see Debian's packages: use Debian's.
    if os.path.exists("/usr/bin/python3") and not os.environ.get("CARRIER_CORPUS_REEXEC"):
        os.environ["CARRIER_CORPUS_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3", "-I", os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit(f"error: {error}; install the Debian packages: apt-get install python3-reportlab python3-cairo qpdf")

DPI = 203
WIDTH, HEIGHT = 812, 1218            # 4 x 6 in at 203 dpi
LABEL_PT = (288.0, 432.0)           # 4 x 6 in in points
RS, GS, EOT = "\x1e", "\x1d", "\x04"


# ---------------------------------------------------------------------------------------------
# Check digits and carrier numbers (invented, but valid for their symbology and scheme)

def gs1_check(digits):
    """GS1 mod 10: weights 3, 1, 3 … from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def ups_tracking(rng, shipper, service):
    """1Z + shipper (6) + service (2) + package (7) + check digit, UPS's mod 10 over 15 chars."""
    body = shipper + service + "".join(rng.choice("0123456789") for _ in range(7))
    total = 0
    for i, c in enumerate(body):
        v = int(c) if c.isdigit() else (ord(c) - 63) % 10
        total += v * (2 if i % 2 else 1)
    return "1Z" + body + str((10 - total % 10) % 10)


def fedex_tracking(rng):
    """12 digits, the last a check digit: weights 1, 3, 7 from the right, mod 11 mod 10."""
    body = "7" + "".join(rng.choice("0123456789") for _ in range(10))
    total = sum(int(d) * (1, 3, 7)[i % 3] for i, d in enumerate(reversed(body)))
    return body + str(total % 11 % 10)


def usps_tracking(rng):
    """IMpb: 92 + service type code (3) + mailer id (9) + serial (7) + GS1 mod 10 check = 22."""
    body = "92" + "055" + "9" + "".join(rng.choice("0123456789") for _ in range(15))
    return body + gs1_check(body)


def dhl_piece(rng):
    """DHL-style licence plate: JJD + 18 digits."""
    return "JJD" + "".join(rng.choice("0123456789") for _ in range(18))


# ---------------------------------------------------------------------------------------------
# Graphics: small 1-bit logos drawn from a built-in 5x7 font (no system fonts: same bytes anywhere)

FONT = {
    "A": ["01110", "10001", "10001", "11111", "10001", "10001", "10001"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "D": ["11110", "10001", "10001", "10001", "10001", "10001", "11110"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "F": ["11111", "10000", "10000", "11110", "10000", "10000", "10000"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "K": ["10001", "10010", "10100", "11000", "10100", "10010", "10001"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "P": ["11110", "10001", "10001", "11110", "10000", "10000", "10000"],
    "R": ["11110", "10001", "10001", "11110", "10100", "10010", "10001"],
    "S": ["01111", "10000", "10000", "01110", "00001", "00001", "11110"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
    "X": ["10001", "10001", "01010", "00100", "01010", "10001", "10001"],
    " ": ["00000"] * 7,
}


def logo(word, scale=4, border=3):
    """A framed word as rows of bits: returns (bytes per row, rows of bytes)."""
    text_w = len(word) * 6 * scale
    width = text_w + 2 * (border + 2 * scale)
    height = 7 * scale + 2 * (border + 2 * scale)
    bpr = (width + 7) // 8
    rows = []
    for y in range(height):
        bits = [0] * (bpr * 8)
        for x in range(width):
            inside = border <= x < width - border and border <= y < height - border
            on = not inside
            gy, gx = y - border - 2 * scale, x - border - 2 * scale
            if inside and 0 <= gy < 7 * scale and 0 <= gx < text_w:
                glyph = FONT[word[gx // (6 * scale)]]
                col = (gx % (6 * scale)) // scale
                on = col < 5 and glyph[gy // scale][col] == "1"
            bits[x] = 1 if on else 0
        rows.append(bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8)))
    return bpr, rows


def crc16_ccitt(data):
    """CRC-16/XMODEM (poly 0x1021, init 0), what Zebra's :Z64: trailer carries in hex."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def download(name, word, z64=False, nl="\n"):
    """~DG of a logo, ASCII hex (one row per line) or :Z64: (zlib + base64 + CRC)."""
    bpr, rows = logo(word)
    total = bpr * len(rows)
    if z64:
        b64 = base64.b64encode(zlib.compress(b"".join(rows), 9))
        payload = ":Z64:" + b64.decode() + ":%04X" % crc16_ccitt(b64)
    else:
        payload = nl + nl.join(r.hex().upper() for r in rows)
    return f"~DG{name},{total:05d},{bpr:03d},{payload}{nl}"


# ---------------------------------------------------------------------------------------------
# ZPL files

def fh(text):
    """Field data for ^FH: _XX for the control characters and the characters ZPL would read."""
    out = []
    for ch in text:
        if ord(ch) < 0x20 or ch in "^~_\\" or ord(ch) > 0x7E:
            out.extend("_%02X" % b for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


class ZPLFile:
    """Collects a ZPL file's bytes and, beside them, the manifest of what it prints."""

    def __init__(self, nl="\n"):
        self.parts = []
        self.nl = nl
        self.formats = 0
        self.labels = []
        self.stored = {}        # stored format name -> graphics it recalls

    def raw(self, text):
        self.parts.append(text)

    def settings(self, body, caret="^"):
        self.raw(f"{caret}XA{body}{caret}XZ{self.nl}")
        self.formats += 1

    def store(self, name, body, graphics):
        self.raw(f"^XA{self.nl}^DF{name}^FS{self.nl}{body}^XZ{self.nl}")
        self.formats += 1
        self.stored[name] = list(graphics)

    def label(self, body, graphics=(), barcodes=(), text=(), copies=1, stored=(), caret="^"):
        needs = list(graphics)
        for s in stored:
            needs += [g for g in self.stored[s] if g not in needs]
        self.raw(f"{caret}XA {self.nl}{body}{caret}XZ{self.nl}")
        self.labels.append({"format": self.formats, "copies": copies, "graphics": needs,
                            "stored_formats": list(stored), "barcodes": list(barcodes), "text": list(text)})
        self.formats += 1

    def write(self, path):
        data = "".join(self.parts).encode("ascii")
        with open(path, "wb") as f:
            f.write(data)
        return {"format": "zpl", "bytes": len(data), "formats": self.formats,
                "printing_formats": len(self.labels),
                "label_count": sum(l["copies"] for l in self.labels), "labels": self.labels}


class Body:
    """The commands of one format, with the text fields it prints recorded in order."""

    def __init__(self, nl="\n", caret="^"):
        self.out, self.text, self.nl, self.c = [], [], nl, caret

    def add(self, zpl):
        self.out.append(zpl.replace("^", self.c) + self.nl)

    def t(self, x, y, text, h=30, hex_escape=False):
        data = fh(text) if hex_escape else text
        assert hex_escape or not set(text) & set("^~_")
        self.add(f"^FO{x},{y}^A0N,{h},{h}" + ("^FH" if hex_escape else "") + f"^FD{data}^FS")
        self.text.append(text)

    def box(self, x, y, w, h, t=3):
        self.add(f"^FO{x},{y}^GB{w},{h},{t}^FS")

    def __str__(self):
        return "".join(self.out)


PEOPLE = [
    ("MARGARET HOLLOWAY", "ACME & SONS", "1420 BIRCHWOOD AVE", "PITTSBURGH", "PA", "15238"),
    ("DEVON OKAFOR", "", "88 HARBOR VIEW RD STE 4", "PORTLAND", "ME", "04101"),
    ("LUCIA FERREIRA", "FERREIRA_IMPORTS", "2 WATERSIDE PARK", "AUSTIN", "TX", "73301"),
    ("TOMAS NOVAK", "", "5716 LINDEN ST", "OMAHA", "NE", "68104"),
    ("PRIYA RAMAN", "QUAYSIDE ~ LABS", "310 MILL RACE DR", "MADISON", "WI", "53703"),
    ("HENRY ABERNATHY", "", "77 OLD COUNTY RD", "CONCORD", "NH", "03301"),
]
SHIPPER = ("PACKSTATION DEMO WAREHOUSE", "900 INDUSTRIAL PKWY", "COLUMBUS", "OH", "43215")


def address_block(b, x, y, person, escape=False):
    name, company, street, city, state, zip5 = person
    b.t(x, y, name, 36, escape)
    y += 42
    if company:
        b.t(x, y, company, 36, escape or any(c in company for c in "^~_"))
        y += 42
    b.t(x, y, street, 36, escape)
    b.t(x, y + 42, f"{city} {state} {zip5}", 44, escape)


def shipper_block(b, x, y):
    for i, line in enumerate(SHIPPER[:2] + (f"{SHIPPER[2]} {SHIPPER[3]} {SHIPPER[4]}",)):
        b.t(x, y + i * 26, line, 22)


def ups_file(rng):
    f = ZPLFile(nl="\r\n")
    f.raw("^FX Invented UPS-style labels for packstation's tests (issue 13); no carrier's file.\r\n")
    f.settings("^MCY")
    f.settings("^PW812^LL1218")
    canada = ("CLAIRE TREMBLAY", "", "24 RIDEAU ST", "OTTAWA", "ON", "K1N5W8")
    for n, person in enumerate(PEOPLE[:2] + [canada]):
        name, company, street, city, state, zip5 = person
        tracking = ups_tracking(rng, "4W8F27", "03")
        weight = 3 + n * 7
        # Mode 2 for a US ZIP+4, mode 3 for a Canadian postal code (6 letters and digits).
        mode = 2 if zip5.isdigit() else 3
        if mode == 2:
            postal, country, service, routing = zip5 + "%04d" % rng.randrange(10000), "840", "003", ("420", zip5)
        else:
            postal, country, service, routing = zip5, "124", "011", ("421", "124" + zip5)
        julian = "%03d" % (12 + n)
        message = f"[)>{RS}01{GS}96{tracking[:2]}{tracking[10:]}{GS}UPSN{GS}4W8F27{GS}{julian}{GS}{GS}1/1{GS}{weight}{GS}Y{GS}{street[:18].rstrip()}{GS}{city}{GS}{state}{RS}{EOT}"
        scanned = f"[)>{RS}01{GS}96{postal}{GS}{country}{GS}{service}{GS}" + message[len(f"[)>{RS}01{GS}96"):]
        # Each label downloads its logo again before its ^XA, as carrier label files do.
        f.raw(download("R:UPSLOGO.GRF", "UPS", nl="\r\n"))
        b = Body(nl="\r\n")
        b.add("^FX ---- shipper ----")
        shipper_block(b, 30, 30)
        b.add("^FO560,20^XGR:UPSLOGO.GRF,1,1^FS")
        b.box(10, 10, 792, 1198, 4)
        b.add("^FX ---- ship to ----")
        b.t(30, 140, "SHIP TO:", 26)
        address_block(b, 80, 175, person, escape="&" in company)
        b.box(10, 380, 792, 4, 4)
        b.add("^FX ---- MaxiCode: class, country, ZIP+4, then the structured message ----")
        b.add(f"^FO40,410^BD{mode},1,1^FH^FD{service}{country}{postal}{fh(message)}^FS")
        if mode == 2:
            b.add(f"^FO350,420^BY3^BCN,120,Y,N,N^FD>;>8{''.join(routing)}^FS")
        else:   # 421 + country in subset C, then the postal code's letters in subset B
            # ^BY2: at ^BY3 this symbol (156 modules) ends 6 dots past the 812-dot label and loses its stop bar.
            b.add(f"^FO350,420^BY2^BCN,120,Y,N,N^FD>;>8421124>6{zip5}^FS")
        b.t(350, 600, "UPS GROUND", 50)
        b.t(350, 660, f"TRACKING #: {tracking[:2]} {tracking[2:5]} {tracking[5:8]} {tracking[8:10]} {tracking[10:14]} {tracking[14:]}", 26)
        b.box(10, 720, 792, 4, 4)
        b.add(f"^FO60,760^BY3^BCN,230,N,N,N^FD{tracking}^FS")
        b.t(40, 1020, f"BILLING: P/P    WEIGHT: {weight} LBS", 28)
        b.t(40, 1060, f"REF: ORDER-{1000 + n}", 28)
        f.label(str(b), graphics=["R:UPSLOGO.GRF"], text=b.text, barcodes=[
            {"type": "maxicode", "data": scanned, "mode": mode},
            {"type": "gs1-128", "data": f"({routing[0]}){routing[1]}"},
            {"type": "code128", "data": tracking},
        ])
    return f


def fedex_file(rng):
    f = ZPLFile(nl="\n")
    f.settings("^PW812^LL1218")
    f.raw("\n\n")
    for n, person in enumerate(PEOPLE[1:5]):
        name, company, street, city, state, zip5 = person
        tracking = fedex_tracking(rng)
        ground = "9622" + "0814" + "0" + "00000" + "0" + zip5 + tracking + "0"
        ground = ground[:33] + gs1_check(ground[:33])
        pdf = f"[)>{RS}01{GS}02{zip5}{GS}840{GS}020{GS}{tracking}{GS}FDEG{GS}0{GS}{300 + n}{GS}{GS}1/1{GS}{4.5 + n:.1f}LB{GS}N{GS}{street}{GS}{city}{GS}{state}{GS}{name}{RS}06{GS}10ZGD004{GS}11Z{company or name}{GS}12Z6145550100{GS}31Z{ground}{GS}{RS}{EOT}"
        f.raw(download(f"R:FDX{n:03d}.GRF", "FEDEX", z64=(n % 2 == 0)))
        b = Body()
        b.add("^FX shipper, then ship-to, then the barcodes")
        shipper_block(b, 30, 30)
        b.add(f"^FO520,24^XGR:FDX{n:03d}.GRF,1,1^FS")
        b.box(10, 120, 792, 4, 4)
        b.t(30, 140, "TO", 30)
        address_block(b, 90, 140, person, escape=any(c in company for c in "^~_&"))
        b.add("^FO30,360^BY2,3^B7N,4,5,12,,N^FH^FD" + fh(pdf) + "^FS")
        b.t(30, 640, f"TRK# {tracking[:4]} {tracking[4:8]} {tracking[8:]}", 40)
        b.t(560, 640, "GROUND", 40)
        b.t(30, 700, f"{zip5} {state}-US", 60)
        b.add(f"^FO60,790^BY3^BCN,250,N,N,N^FD>;{ground}^FS")
        b.t(120, 1060, " ".join(ground[i:i + 4] for i in range(0, 34, 4)), 26)
        copies = 2 if n == 1 else 1
        if copies > 1:
            b.add(f"^PQ{copies}")
        f.label(str(b), graphics=[f"R:FDX{n:03d}.GRF"], copies=copies, text=b.text, barcodes=[
            {"type": "pdf417", "data": pdf},
            {"type": "code128", "data": ground},
        ])
        f.raw("\n")
    return f


def dhl_file(rng):
    f = ZPLFile(nl="\r\n")
    f.settings("^CI28")
    for n, person in enumerate([PEOPLE[5], PEOPLE[2]]):
        name, company, street, city, state, zip5 = person
        piece = dhl_piece(rng)
        routing = f"2LUS{zip5}+48000001"
        matrix = f"DHL1 {piece} {zip5} US {routing} {n + 1}/2 WT{2 + n}KG"
        # The second label switches the format prefix to "#" (~CC) and back, as some
        # platforms do so that '^' can travel in field data.
        caret = "#" if n == 1 else "^"
        f.raw(download(f"R:DHL{n:03d}.GRF", "DHL", z64=False, nl="\r\n"))
        if caret != "^":
            f.raw(f"~CC{caret}\r\n")
        b = Body(nl="\r\n", caret=caret)
        b.add("^FX DHL-style label ^FS")
        b.add(f"^FO30,30^XGR:DHL{n:03d}.GRF,1,1^FS")
        shipper_block(b, 420, 30)
        b.box(10, 130, 792, 4, 4)
        b.t(30, 150, "TO:", 30)
        address_block(b, 100, 150, person, escape=any(c in company for c in "^~_&"))
        b.box(10, 370, 792, 4, 4)
        b.add(f"^FO40,400^BXN,8,200^FD{matrix}^FS")
        b.t(360, 410, f"PIECE {n + 1}/2", 40)
        b.t(360, 470, f"WEIGHT {2 + n} KG", 40)
        b.t(360, 530, "DHL PARCEL", 40)
        b.add(f"^FO60,700^BY3^BCN,160,Y,N,N^FD{routing}^FS")
        b.add(f"^FO60,940^BY3^BCN,200,Y,N,N^FD>:{piece[:3]}>5{piece[3:]}^FS")
        f.label(str(b), graphics=[f"R:DHL{n:03d}.GRF"], caret=caret, text=b.text, barcodes=[
            {"type": "datamatrix", "data": matrix},
            {"type": "code128", "data": routing},
            {"type": "code128", "data": piece},
        ])
        if caret != "^":
            f.raw(f"~CC^\r\n")
    return f


def usps_file(rng):
    f = ZPLFile(nl="\n")
    f.settings("^MCY")
    # The layout once as a stored format; each label recalls it and fills its fields.
    b = Body()
    b.add("^FX stored USPS-style layout: field 1 name ... field 6 QR code")
    b.add("^FO30,30^XGR:USPSLOGO.GRF,1,1^FS")
    b.box(10, 10, 792, 1198, 4)
    b.add("^FO40,200^A0N,60,60^FDUSPS GROUND ADVANTAGE^FS")
    b.box(10, 280, 792, 4, 4)
    b.add("^FO40,300^A0N,24,24^FDPACKSTATION DEMO WAREHOUSE^FS")
    b.add("^FO120,400^A0N,36,36^FN1^FS")
    b.add("^FO120,445^A0N,36,36^FN2^FS")
    b.add("^FO120,490^A0N,40,40^FN3^FS")
    b.add("^FO600,330^BQN,2,5^FN6^FS")
    b.box(10, 640, 792, 4, 4)
    b.add("^FO200,660^A0N,30,30^FDUSPS TRACKING # EP^FS")
    b.add("^FO60,710^BY3^BCN,220,N,N,N^FN5^FS")
    b.add("^FO110,950^A0N,34,34^FN4^FS")
    f.store("R:SHIP.ZPL", str(b), graphics=["R:USPSLOGO.GRF"])
    for n, person in enumerate([PEOPLE[0], PEOPLE[3]]):
        name, company, street, city, state, zip5 = person
        tracking = usps_tracking(rng)
        qr = f"https://tools.example.invalid/track?tn={tracking}"
        lines = [name, street, f"{city} {state} {zip5}"]
        f.raw(download("R:USPSLOGO.GRF", "USPS", z64=(n == 1)))
        readable = " ".join(tracking[i:i + 4] for i in range(0, 22, 4))
        r = Body()
        r.add("^XFR:SHIP.ZPL^FS")
        r.add(f"^FN1^FD{name}^FS")
        r.add(f"^FN2^FD{street}^FS")
        r.add(f"^FN3^FH^FD{fh(lines[2])}^FS")
        r.add(f"^FN4^FD{readable}^FS")
        r.add(f"^FN5^FD>;>8420{zip5}>8{tracking}^FS")
        r.add(f"^FN6^FDQA,{qr}^FS")
        # The text fields in the order the expanded format has them.
        text = ["USPS GROUND ADVANTAGE", "PACKSTATION DEMO WAREHOUSE", *lines, "USPS TRACKING # EP", readable]
        f.label(str(r), stored=["R:SHIP.ZPL"], text=text, barcodes=[
            {"type": "qr", "data": qr},
            {"type": "gs1-128", "data": f"(420){zip5}(92){tracking[2:]}"},
        ])
    return f


def bulk_file(count):
    f = ZPLFile(nl="\n")
    f.raw(download("R:BULKLOGO.GRF", "BULK", z64=True))
    rng = random.Random(500)
    for i in range(count):
        if i % 100 == 0:
            f.settings("^PW812^LL1218")
        number = f"PS{i + 1:07d}"
        person = PEOPLE[i % len(PEOPLE)]
        b = Body()
        b.add("^FO30,30^XGR:BULKLOGO.GRF,1,1^FS")
        b.t(420, 40, f"LABEL {i + 1} OF {count}", 30)
        b.t(60, 200, person[0], 40)
        b.t(60, 250, f"{person[3]} {person[4]} {person[5]}", 40)
        b.add(f"^FO60,400^BY3^BCN,200,Y,N,N^FD{number}^FS")
        ref = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(6))
        b.t(60, 700, f"REF {ref}", 40)
        f.label(str(b), graphics=["R:BULKLOGO.GRF"], text=b.text, barcodes=[{"type": "code128", "data": number}])
    return f


# ---------------------------------------------------------------------------------------------
# PDFs: each page a 4x6 label with a Code 128 and a QR code or DataMatrix

def code128_bars(data, bar_width):
    """(x, width) of each bar of a Code 128 symbol, with its quiet zones, and its total width."""
    symbol = Code128(data, barWidth=bar_width, quiet=1, lquiet=10 * bar_width, rquiet=10 * bar_width)
    symbol._calculate()
    x, bars = symbol.lquiet, []
    for c in symbol.decomposed:
        w = (ord(c.lower()) - ord("a") + 1) * bar_width
        if c.isupper():
            bars.append((x, w))
        x += w
    return bars, x + symbol.rquiet


def qr_modules(data):
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(data)
    qr.make()
    return qr.modules


def page_data(seed, n):
    rng = random.Random(seed * 1000 + n)
    tracking = ups_tracking(rng, "7Y3X90", "01")
    return tracking, f"https://track.example.invalid/p/{tracking}", PEOPLE[(seed + n) % len(PEOPLE)]


MODULE_PT = 72.0 / DPI * 3       # three printer dots: bars stay whole at 203 dpi


def cairo_pdf(path, pages):
    surface = cairo.PDFSurface(path, *LABEL_PT)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "packstation make-carrier-corpus.py")
    surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, "2026-01-01T00:00:00Z")
    surface.set_metadata(cairo.PDFMetadata.MOD_DATE, "2026-01-01T00:00:00Z")
    ctx = cairo.Context(surface)
    manifest = []
    for n in range(pages):
        tracking, url, person = page_data(1, n)
        ctx.set_source_rgb(1, 1, 1)
        ctx.paint()
        ctx.set_source_rgb(0, 0, 0)
        ctx.set_line_width(2)
        ctx.rectangle(4, 4, LABEL_PT[0] - 8, LABEL_PT[1] - 8)
        ctx.stroke()
        ctx.select_font_face("DejaVu Sans", cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_BOLD)
        ctx.set_font_size(14)
        for i, line in enumerate([f"CAIRO LABEL {n + 1}/{pages}", person[0], person[2], f"{person[3]} {person[4]} {person[5]}"]):
            ctx.move_to(16, 30 + i * 20)
            ctx.show_text(line)
        bars, width = code128_bars(tracking, MODULE_PT)
        left = (LABEL_PT[0] - width) / 2
        for x, w in bars:
            ctx.rectangle(left + x, 150, w, 80)
        ctx.fill()
        modules = qr_modules(url)
        size = MODULE_PT * 1.0
        for r, row in enumerate(modules):
            for c, dark in enumerate(row):
                if dark:
                    ctx.rectangle(16 + c * size * 1, 260 + r * size, size, size)
        ctx.fill()
        ctx.show_page()
        manifest.append([{"type": "code128", "data": tracking}, {"type": "qr", "data": url}])
    surface.finish()
    return manifest


def reportlab_pdf(path, pages, seed, matrix_every=2):
    c = rl_canvas.Canvas(path, pagesize=LABEL_PT, invariant=1, pageCompression=1)
    c.setCreator("packstation make-carrier-corpus.py")
    manifest = []
    for n in range(pages):
        manifest += [reportlab_pages_one(c, seed, n, pages, matrix=(n % matrix_every == 1))]
        c.showPage()
    c.save()
    return manifest


def reportlab_pages_one(c, seed, n, pages, origin=(0, 0), matrix=False, title="REPORTLAB"):
    tracking, url, person = page_data(seed, n)
    ox, oy = origin
    c.setLineWidth(2)
    c.rect(ox + 4, oy + 4, LABEL_PT[0] - 8, LABEL_PT[1] - 8)
    c.setFont("Helvetica-Bold", 14)
    for i, line in enumerate([f"{title} LABEL {n + 1}/{pages}", person[0], person[2], f"{person[3]} {person[4]} {person[5]}"]):
        c.drawString(ox + 16, oy + LABEL_PT[1] - 30 - i * 20, line)
    bars, width = code128_bars(tracking, MODULE_PT)
    left = ox + (LABEL_PT[0] - width) / 2
    for x, w in bars:
        c.rect(left + x, oy + 200, w, 80, stroke=0, fill=1)
    if matrix:
        text = "PS" + tracking[2:]
        dm = ECC200DataMatrix(text, barWidth=MODULE_PT * 2)
        dm.validate()
        # Its rows come bottom-up (PDF's y axis); its own draw() needs attributes it never sets.
        for y, row in enumerate(dm.encode()):
            for x, dark in enumerate(row):
                if dark:
                    c.rect(ox + 16 + x * dm.barWidth, oy + 30 + y * dm.barWidth, dm.barWidth, dm.barWidth, stroke=0, fill=1)
        second = {"type": "datamatrix", "data": text}
    else:
        for r, row in enumerate(qr_modules(url)):
            for col, dark in enumerate(row):
                if dark:
                    c.rect(ox + 16 + col * MODULE_PT, oy + 170 - (r + 1) * MODULE_PT, MODULE_PT, MODULE_PT, stroke=0, fill=1)
        second = {"type": "qr", "data": url}
    return [{"type": "code128", "data": tracking}, second]


def a4_two_up(path):
    c = rl_canvas.Canvas(path, pagesize=A4, invariant=1, pageCompression=1)
    c.setCreator("packstation make-carrier-corpus.py")
    manifest, labels = [], []
    gap = (A4[0] - 2 * LABEL_PT[0]) / 3
    for page in range(2):
        codes = []
        for side in range(2):
            n = page * 2 + side
            label = reportlab_pages_one(c, 3, n, 4, origin=(gap + side * (LABEL_PT[0] + gap), A4[1] - LABEL_PT[1] - 40), matrix=(n % 2 == 1), title="A4")
            codes += label
            labels.append(label)
        manifest.append(codes)
        c.showPage()
    c.save()
    return manifest, labels


def pdf_entry(pages_barcodes, size):
    return {"format": "pdf", "pages": len(pages_barcodes), "page_size_pt": [list(size)] * len(pages_barcodes), "barcodes": pages_barcodes}


def main():
    args = [a for a in sys.argv[1:] if a != "--big"]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: make-carrier-corpus.py OUTDIR [--big]")
    out, big = args[0], "--big" in sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    manifest = {}
    for name, make in [("ups.zpl", ups_file), ("fedex.zpl", fedex_file), ("dhl.zpl", dhl_file), ("usps.zpl", usps_file)]:
        manifest[name] = make(random.Random(name)).write(os.path.join(out, name))
    manifest["bulk-500.zpl"] = bulk_file(500).write(os.path.join(out, "bulk-500.zpl"))
    if big:
        manifest["bulk-10000.zpl"] = bulk_file(10000).write(os.path.join(out, "bulk-10000.zpl"))
    manifest["cairo.pdf"] = pdf_entry(cairo_pdf(os.path.join(out, "cairo.pdf"), 3), LABEL_PT)
    manifest["reportlab.pdf"] = pdf_entry(reportlab_pdf(os.path.join(out, "reportlab.pdf"), 2, 2), LABEL_PT)
    try:
        subprocess.run(["qpdf", "--object-streams=generate", "--deterministic-id", os.path.join(out, "reportlab.pdf"),
                        os.path.join(out, "qpdf-objstm.pdf")], check=True)
    except FileNotFoundError:
        sys.exit("error: qpdf is not installed; apt-get install qpdf")
    manifest["qpdf-objstm.pdf"] = dict(manifest["reportlab.pdf"])
    pages, labels = a4_two_up(os.path.join(out, "a4-two-up.pdf"))
    manifest["a4-two-up.pdf"] = dict(pdf_entry(pages, A4), label_barcodes=labels)
    if big:
        manifest["pages-500.pdf"] = pdf_entry(reportlab_pdf(os.path.join(out, "pages-500.pdf"), 500, 5, matrix_every=2), LABEL_PT)
    with open(os.path.join(out, "manifest.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True, ensure_ascii=True)
        f.write("\n")
    os.replace(os.path.join(out, "manifest.json.tmp"), os.path.join(out, "manifest.json"))


if __name__ == "__main__":
    main()
