#!/usr/bin/env python3
"""Checks the carrier corpus written by make-carrier-corpus.py against its manifest, with tools
we did not write: pdfinfo, pdftoppm + zbarimg, qpdf, and (when importable, as in .venv-labels)
zplkit + zxing-cpp rendering and decoding every ZPL label and reading the PDFs' DataMatrix codes.

Run: python3 -m unittest scripts/test_carrier_corpus.py (from the repository root), or with
.venv-labels/bin/python for the zplkit and zxing-cpp checks too.
"""
import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "make-carrier-corpus.py")
CARRIERS = ["ups.zpl", "fedex.zpl", "dhl.zpl", "usps.zpl"]
PDFS = ["cairo.pdf", "reportlab.pdf", "qpdf-objstm.pdf", "a4-two-up.pdf"]
HAVE_ZPLKIT = all(importlib.util.find_spec(m) for m in ("zplkit", "zxingcpp", "PIL"))


def generate(out, *extra):
    started = time.monotonic()
    subprocess.run([sys.executable, SCRIPT, out, *extra], check=True)
    return time.monotonic() - started


class CarrierCorpusTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="carrier-corpus-")
        cls.seconds = generate(cls.dir)
        with open(os.path.join(cls.dir, "manifest.json"), encoding="utf-8") as f:
            cls.manifest = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def data(self, name):
        with open(os.path.join(self.dir, name), "rb") as f:
            return f.read()

    # -- the generator ------------------------------------------------------------------------

    def test_same_bytes_on_every_run_in_a_few_seconds(self):
        self.assertLess(self.seconds, 10)
        with tempfile.TemporaryDirectory() as again:
            generate(again)
            self.assertEqual(sorted(os.listdir(again)), sorted(os.listdir(self.dir)))
            for name in os.listdir(again):
                with open(os.path.join(again, name), "rb") as f:
                    self.assertEqual(f.read(), self.data(name), f"{name} differs between two runs")

    def test_manifest_names_every_file_and_nothing_big_without_the_flag(self):
        files = sorted(n for n in os.listdir(self.dir) if n != "manifest.json")
        self.assertEqual(sorted(self.manifest), files)
        self.assertEqual(set(files), set(CARRIERS + PDFS + ["bulk-500.zpl"]))

    def test_usage_error_says_what_to_give(self):
        r = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("usage: make-carrier-corpus.py OUTDIR [--big]", r.stderr)

    # -- ZPL: what the issue asks the files to contain -----------------------------------------

    def test_each_carrier_file_holds_two_to_four_shipments_with_graphics_downloaded_before_each(self):
        for name in CARRIERS:
            entry, data = self.manifest[name], self.data(name)
            self.assertIn(entry["printing_formats"], range(2, 5), name)
            self.assertEqual(entry["label_count"], sum(l["copies"] for l in entry["labels"]), name)
            self.assertEqual(len(re.findall(rb"[\^#]XA", data)), entry["formats"], name)
            self.assertGreaterEqual(len(re.findall(rb"~DGR:\w+\.GRF,", data)), entry["printing_formats"], name)
            for label in entry["labels"]:
                self.assertTrue(label["graphics"], f"{name}: a label without its graphic")
            # A download sits between labels, right before the next format.
            self.assertTrue(re.search(rb"\^XZ\s*~DGR:", data), name)

    def test_the_features_carrier_files_have(self):
        data = {n: self.data(n) for n in CARRIERS}
        crlf = [n for n in CARRIERS if b"\r\n" in data[n]]
        self.assertTrue(crlf and len(crlf) < len(CARRIERS), f"CRLF in some files but not all: {crlf}")
        self.assertTrue(any(b":Z64:" in d for d in data.values()), ":Z64: graphic")
        self.assertTrue(any(re.search(rb"~DGR:\w+\.GRF,\d+,\d+,\r?\n[0-9A-F]+\r?\n", d) for d in data.values()), "ASCII hex graphic")
        self.assertTrue(all(b"^FX" in d for n, d in data.items() if n != "usps.zpl"), "^FX comments")
        self.assertTrue(all(re.search(rb"\^XA \r?\n", d) for d in data.values()), "blanks after a command code")
        everything = b"".join(data.values())
        for feature in [b"^XA^MCY^XZ", b"^XA^PW812^LL1218^XZ", b"^PQ2\n", b"^XA\n^DFR:SHIP.ZPL^FS", b"^XFR:SHIP.ZPL^FS",
                        b"~CC#", b"#XA", b"#FD", b"~CC^", b"^FH^FD"]:
            self.assertIn(feature, everything, feature)
        self.assertRegex(everything, rb"\^FH\^FD[^^]*_[0-9A-F]{2}")
        for name, commands in [("ups.zpl", [b"^BD2,", b"^BC"]), ("fedex.zpl", [b"^B7", b"^BC"]),
                               ("dhl.zpl", [b"^BX", b"^BC"]), ("usps.zpl", [b"^BQ", b"^BC", b">;>8420"])]:
            for command in commands:
                self.assertIn(command, data[name], f"{name}: {command}")

    def test_copies_and_stored_formats_in_the_manifest(self):
        fedex = self.manifest["fedex.zpl"]
        self.assertEqual([l["copies"] for l in fedex["labels"]], [1, 2, 1, 1])
        self.assertEqual(fedex["label_count"], 5)
        usps = self.manifest["usps.zpl"]
        self.assertEqual(usps["formats"], 4)   # ^MCY, the ^DF format, two labels
        for label in usps["labels"]:
            self.assertEqual(label["stored_formats"], ["R:SHIP.ZPL"])
            self.assertEqual(label["graphics"], ["R:USPSLOGO.GRF"])
        self.assertEqual([l["format"] for l in usps["labels"]], [2, 3])
        self.assertEqual([l["format"] for l in self.manifest["ups.zpl"]["labels"]], [2, 3, 4])

    def test_graphics_decode_to_their_declared_size(self):
        for name in CARRIERS + ["bulk-500.zpl"]:
            for m in re.finditer(rb"~DG(R:\w+\.GRF),(\d+),(\d+),(:Z64:([A-Za-z0-9+/=]+):([0-9A-F]{4})|[\r\n0-9A-F]+)", self.data(name)):
                total, width = int(m.group(2)), int(m.group(3))
                if m.group(5):
                    b64 = m.group(5)
                    crc = 0
                    for b in b64:
                        crc ^= b << 8
                        for _ in range(8):
                            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
                    self.assertEqual("%04X" % crc, m.group(6).decode(), f"{name} {m.group(1)}: CRC")
                    raw = zlib.decompress(base64.b64decode(b64))
                else:
                    raw = bytes.fromhex(re.sub(rb"\s", b"", m.group(4)).decode())
                self.assertEqual(len(raw), total, f"{name} {m.group(1)}")
                self.assertEqual(total % width, 0, f"{name} {m.group(1)}")

    def test_barcode_data_is_valid_for_its_symbology_and_scheme(self):
        def gs1_ok(digits):
            total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits)))
            return total % 10 == 0
        seen = set()
        for name in CARRIERS:
            for label in self.manifest[name]["labels"]:
                for code in label["barcodes"]:
                    kind, data = code["type"], code["data"]
                    seen.add(kind)
                    if kind == "gs1-128":
                        m = re.fullmatch(r"\(420\)(\d{5})(?:\(92\)(\d{20}))?|\(421\)124[A-Z]\d[A-Z]\d[A-Z]\d()", data)
                        self.assertIsNotNone(m, data)
                        if m.group(2):   # IMpb: 92 + 20 digits, the last a mod 10 check digit
                            self.assertTrue(gs1_ok("92" + m.group(2)), data)
                    elif kind == "maxicode":
                        m = re.fullmatch("\\[\\)>\x1e01\x1d96(\\d{9}|[A-Z0-9]{6})\x1d(\\d{3})\x1d(\\d{3})\x1d(1Z\\w{8})\x1dUPSN\x1d(\\w{6})\x1d(\\d{3})\x1d\x1d1/1\x1d(\\d+)\x1dY\x1d[^\x1d]+\x1d[^\x1d]+\x1d[A-Z]{2}\x1e\x04", data)
                        self.assertIsNotNone(m, repr(data))
                        self.assertEqual(code["mode"], 2 if m.group(1).isdigit() else 3)
                        self.assertEqual(m.group(2), "840" if code["mode"] == 2 else "124")
                    elif kind == "code128" and data.startswith("1Z"):
                        body = data[2:]
                        total = sum((int(c) if c.isdigit() else (ord(c) - 63) % 10) * (2 if i % 2 else 1) for i, c in enumerate(body[:-1]))
                        self.assertEqual(len(data), 18)
                        self.assertEqual((10 - total % 10) % 10, int(body[-1]), data)
                    elif kind == "code128" and data.startswith("96"):
                        self.assertRegex(data, r"^\d{34}$")
                        self.assertTrue(gs1_ok(data), data)
                    elif kind == "pdf417":
                        tracking = data.split("\x1d")[4]
                        digits = [int(d) for d in tracking]
                        self.assertEqual(sum(d * (1, 3, 7)[i % 3] for i, d in enumerate(reversed(digits[:-1]))) % 11 % 10, digits[-1], tracking)
                        self.assertTrue(data.startswith("[)>\x1e01\x1d02") and data.endswith("\x1e\x04"), repr(data))
        self.assertEqual(seen, {"gs1-128", "maxicode", "code128", "pdf417", "datamatrix", "qr"})

    def test_bulk_500(self):
        entry, data = self.manifest["bulk-500.zpl"], self.data("bulk-500.zpl")
        self.assertEqual(entry["label_count"], 500)
        self.assertEqual(entry["printing_formats"], 500)
        self.assertEqual(entry["formats"], 505)
        self.assertEqual(data.count(b"~DG"), 1)
        self.assertTrue(data.startswith(b"~DGR:BULKLOGO.GRF,"))
        self.assertEqual(data.count(b"^XA^PW812^LL1218^XZ"), 5)
        self.assertEqual(data.count(b"^XGR:BULKLOGO.GRF"), 500)
        self.assertEqual(len({l["barcodes"][0]["data"] for l in entry["labels"]}), 500)

    def test_big_adds_the_10000_label_file_and_the_500_page_pdf(self):
        with tempfile.TemporaryDirectory() as big:
            self.assertLess(generate(big, "--big"), 30)
            with open(os.path.join(big, "manifest.json"), encoding="utf-8") as f:
                manifest = json.load(f)
            self.assertEqual(set(manifest) - set(self.manifest), {"bulk-10000.zpl", "pages-500.pdf"})
            self.assertEqual(manifest["bulk-10000.zpl"]["label_count"], 10000)
            self.assertEqual(manifest["bulk-10000.zpl"]["formats"], 10100)
            with open(os.path.join(big, "bulk-10000.zpl"), "rb") as f:
                self.assertEqual(len(re.findall(rb"\^XGR:BULKLOGO\.GRF", f.read())), 10000)
            info = subprocess.run(["pdfinfo", os.path.join(big, "pages-500.pdf")], capture_output=True, text=True, check=True).stdout
            self.assertRegex(info, r"(?m)^Pages:\s+500$")
            self.assertEqual(manifest["pages-500.pdf"]["pages"], 500)
            # The last page decodes as the manifest says (every page is drawn by the same code).
            subprocess.run(["pdftoppm", "-r", "203", "-gray", "-f", "500", "-l", "500", os.path.join(big, "pages-500.pdf"), os.path.join(big, "p")], check=True)
            picture = [p for p in os.listdir(big) if p.startswith("p-")][0]
            out = subprocess.run(["zbarimg", "--nodbus", "-q", os.path.join(big, picture)], capture_output=True, text=True).stdout
            code128 = [c["data"] for c in manifest["pages-500.pdf"]["barcodes"][499] if c["type"] == "code128"]
            self.assertIn("CODE-128:" + code128[0], out.splitlines())
            os.remove(os.path.join(big, picture))
            for name in self.manifest:
                with open(os.path.join(big, name), "rb") as f:
                    self.assertEqual(f.read(), self.data(name), f"{name} differs with --big")

    # -- PDF: counted and decoded by poppler, zbar and qpdf ------------------------------------

    def test_pdf_pages_and_sizes_agree_with_pdfinfo(self):
        for name in PDFS:
            out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", os.path.join(self.dir, name)], capture_output=True, text=True, check=True).stdout
            pages = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
            sizes = [[float(w), float(h)] for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]
            entry = self.manifest[name]
            self.assertEqual(pages, entry["pages"], name)
            self.assertEqual(len(sizes), pages, name)
            for got, want in zip(sizes, entry["page_size_pt"]):
                self.assertAlmostEqual(got[0], want[0], delta=0.01, msg=name)
                self.assertAlmostEqual(got[1], want[1], delta=0.01, msg=name)
        self.assertEqual(self.manifest["cairo.pdf"]["pages"], 3)
        self.assertEqual(self.manifest["reportlab.pdf"]["pages"], 2)
        self.assertEqual(self.manifest["a4-two-up.pdf"]["page_size_pt"][0], [595.2755905511812, 841.8897637795277])

    def test_qpdf_file_has_object_streams_and_a_cross_reference_stream(self):
        path = os.path.join(self.dir, "qpdf-objstm.pdf")
        xref = subprocess.run(["qpdf", "--show-xref", path], capture_output=True, text=True, check=True).stdout
        self.assertGreater(xref.count("compressed; stream"), 5)
        self.assertIn(b"/Type /XRef", self.data("qpdf-objstm.pdf"))
        self.assertNotIn(b"\nxref\n", self.data("qpdf-objstm.pdf"))
        subprocess.run(["qpdf", "--check", path], capture_output=True, check=True)
        self.assertNotIn(b"/ObjStm", self.data("reportlab.pdf"))

    def test_every_pdf_page_decodes_with_zbarimg_at_203_and_300_dpi_mono_and_gray(self):
        with tempfile.TemporaryDirectory() as work:
            for name in PDFS:
                for dpi, mode in [(dpi, mode) for dpi in ("203", "300") for mode in ("-mono", "-gray")]:
                    base = os.path.join(work, name + dpi + mode)
                    subprocess.run(["pdftoppm", "-r", dpi, mode, os.path.join(self.dir, name), base], check=True)
                    pictures = sorted(p for p in os.listdir(work) if p.startswith(os.path.basename(base) + "-"))
                    self.assertEqual(len(pictures), self.manifest[name]["pages"])
                    for page, picture in enumerate(pictures):
                        out = subprocess.run(["zbarimg", "--nodbus", "-q", os.path.join(work, picture)], capture_output=True, text=True).stdout
                        want = {("CODE-128" if c["type"] == "code128" else "QR-Code") + ":" + c["data"]
                                for c in self.manifest[name]["barcodes"][page] if c["type"] in ("code128", "qr")}
                        self.assertTrue(any(w.startswith("CODE-128:") for w in want))
                        self.assertEqual(set(out.splitlines()), want, f"{name} page {page + 1} {dpi} dpi {mode}")

    # -- independent renderers (.venv-labels) ---------------------------------------------------

    @unittest.skipUnless(HAVE_ZPLKIT, "zplkit/zxing-cpp not importable: run with .venv-labels/bin/python")
    def test_pdf_datamatrix_and_qr_decode_with_zxing(self):
        import zxingcpp
        from PIL import Image
        with tempfile.TemporaryDirectory() as work:
            for name in PDFS:
                base = os.path.join(work, name)
                subprocess.run(["pdftoppm", "-r", "203", "-png", os.path.join(self.dir, name), base], check=True)
                pictures = sorted(p for p in os.listdir(work) if p.startswith(name + "-"))
                for page, picture in enumerate(pictures):
                    got = sorted((r.format.name, r.text) for r in zxingcpp.read_barcodes(Image.open(os.path.join(work, picture)).convert("L")))
                    kinds = {"code128": "Code128", "qr": "QRCode", "datamatrix": "DataMatrix"}
                    want = sorted((kinds[c["type"]], c["data"]) for c in self.manifest[name]["barcodes"][page])
                    self.assertEqual(got, want, f"{name} page {page + 1}")

    @unittest.skipUnless(HAVE_ZPLKIT, "zplkit/zxing-cpp not importable: run with .venv-labels/bin/python")
    def test_zpl_labels_render_with_zplkit_and_decode_to_the_manifest(self):
        import zplkit
        import zplkit.rendering as zr
        import zxingcpp
        from PIL import Image
        for name in CARRIERS:
            data = self.data(name)
            # What zplkit (a strict previewer) does not take: settings-only formats (^MC is
            # unknown to it), ^PQ, and blanks after ^XA/^XZ/^FS. Everything else goes as written.
            for settings in (b"^XA^MCY^XZ", b"^XA^PW812^LL1218^XZ", b"^XA^CI28^XZ"):
                data = data.replace(settings, b"")
            data = re.sub(rb"\^PQ\d+", b"", data)
            data = re.sub(rb"([\^#](?:XA|XZ|FS)) +", rb"\1", data)
            scenes = zplkit.render(data, limits=zr.Limits(graphic_bytes=8_000_000)).labels
            labels = self.manifest[name]["labels"]
            self.assertEqual(len(scenes), len(labels), name)
            for i, (scene, label) in enumerate(zip(scenes, labels)):
                with tempfile.NamedTemporaryFile(suffix=".png") as png:
                    png.write(scene.png())
                    png.flush()
                    image = Image.open(png.name).convert("L")
                    got = []
                    for r in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.HRI):
                        if r.symbology_identifier == "]C1":
                            got.append(("gs1-128", r.text))
                    for r in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain):
                        kind = {"Code128": "code128", "PDF417": "pdf417", "DataMatrix": "datamatrix", "QRCode": "qr"}[r.format.name]
                        if r.symbology_identifier != "]C1":
                            got.append((kind, r.text))
                    # MaxiCode at ^FO40,410: zxing reads it from the cropped, pure symbol.
                    for r in zxingcpp.read_barcodes(image.crop((20, 390, 300, 680)), formats=zxingcpp.BarcodeFormat.MaxiCode,
                                                    is_pure=True, text_mode=zxingcpp.TextMode.Plain):
                        if r.valid:
                            got.append(("maxicode", r.text))
                    want = [(c["type"], c["data"]) for c in label["barcodes"]]
                    self.assertEqual(sorted(got), sorted(want), f"{name} label {i}")


if __name__ == "__main__":
    unittest.main()
