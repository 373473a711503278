#!/usr/bin/env python3
"""Tests of the test printer (zebra_printer.py): it reads ZPL as a printer does and keeps what a
printer keeps. Over the carrier corpus (scripts/make-carrier-corpus.py) and small streams.

Run: python3 -m unittest discover -s scripts/peers -p 'test_*.py'
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from contextlib import redirect_stderr
from io import StringIO

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import zebra_printer  # noqa: E402

CORPUS_SCRIPT = os.path.join(os.path.dirname(HERE), "make-carrier-corpus.py")
CORPUS_ZPL = ["ups.zpl", "fedex.zpl", "dhl.zpl", "usps.zpl", "bulk-500.zpl"]


def setUpModule():
    global CORPUS, MANIFEST
    CORPUS = tempfile.mkdtemp(prefix="printer-corpus-")
    subprocess.run([sys.executable, CORPUS_SCRIPT, CORPUS], check=True)
    with open(os.path.join(CORPUS, "manifest.json"), encoding="utf-8") as f:
        MANIFEST = json.load(f)


def tearDownModule():
    shutil.rmtree(CORPUS, ignore_errors=True)


def corpus(name):
    with open(os.path.join(CORPUS, name), "rb") as f:
        return f.read()


class Bench:
    """A printer in this process, fed bytes as its data connection would feed them."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="zebra-test-")
        self.printer = zebra_printer.Printer(self.dir, 0)
        self.stderr = StringIO()
        threading.Thread(target=self.printer.run, daemon=True).start()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def send(self, data, chunk=None, eof=True):
        with redirect_stderr(self.stderr):
            step = chunk or max(1, len(data))
            for i in range(0, len(data), step):
                with self.printer.lock:
                    self.printer.receive(data[i:i + step])
            if eof:
                with self.printer.lock:
                    self.printer.reader.feed(b"", eof=True)
        return self.settle()

    def settle(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.printer.lock:
                if not self.printer.buffer or not self.printer.can_print():
                    break
            time.sleep(0.005)
        return self.labels()

    def labels(self):
        with open(os.path.join(self.dir, "labels.jsonl"), encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def power_cycle(self):
        with self.printer.lock:
            self.printer.switch_off()
            self.printer.switch_on()


class PrinterTestCase(unittest.TestCase):
    def setUp(self):
        self.bench = Bench()
        self.addCleanup(self.bench.close)


class CorpusTests(PrinterTestCase):
    def test_each_corpus_file_prints_its_label_count_and_nothing_is_missing(self):
        for name in CORPUS_ZPL:
            for chunk in (None, 4096) if name.startswith("bulk") else (None, 4096, 7):
                with self.subTest(file=name, chunk=chunk):
                    bench = Bench()
                    self.addCleanup(bench.close)
                    entry = MANIFEST[name]
                    labels = bench.send(corpus(name), chunk=chunk)
                    self.assertEqual(len(labels), entry["label_count"])
                    self.assertEqual(bench.printer.odometer, entry["label_count"])
                    self.assertEqual(bench.printer.formats_received, entry["formats"])
                    self.assertEqual([l["missing"] for l in labels], [[]] * len(labels))
                    want = [(l["format"], copy) for l in entry["labels"] for copy in range(1, l["copies"] + 1)]
                    self.assertEqual([(l["format_index"], l["copy"]) for l in labels], want)
                    self.assertEqual(bench.stderr.getvalue(), "")

    def test_printed_fields_hold_the_label_text_after_fh_and_fn(self):
        for name in ["ups.zpl", "fedex.zpl", "dhl.zpl", "usps.zpl"]:
            labels = self.fresh().send(corpus(name))
            by_format = {l["format_index"]: l for l in labels}
            for label in MANIFEST[name]["labels"]:
                fields = by_format[label["format"]]["fields"]
                texts = [f for f in fields if f in label["text"]]
                self.assertEqual(texts, label["text"], f"{name} format {label['format']}")

    def test_objects_are_kept_by_name(self):
        bench = self.fresh()
        bench.send(corpus("usps.zpl"))
        objects = bench.printer.objects
        self.assertEqual(objects["R:SHIP.ZPL"]["kind"], "format")
        self.assertEqual(objects["R:USPSLOGO.GRF"]["kind"], "graphic")
        self.assertEqual(objects["R:USPSLOGO.GRF"]["bytes"], 750)
        bench = self.fresh()
        bench.send(corpus("fedex.zpl"))
        self.assertEqual(sorted(bench.printer.objects), ["R:FDX000.GRF", "R:FDX001.GRF", "R:FDX002.GRF", "R:FDX003.GRF"])
        # The :Z64: and the ASCII hex download of the same logo decode to the same bits.
        self.assertEqual(bench.printer.objects["R:FDX000.GRF"]["data"], bench.printer.objects["R:FDX001.GRF"]["data"])

    def test_a_label_sent_after_a_power_cycle_without_its_graphic_is_logged_missing(self):
        data = corpus("ups.zpl")
        last = data[data.rindex(b"^XA"):]
        bench = self.fresh()
        bench.send(data)
        bench.power_cycle()
        self.assertEqual(bench.printer.objects, {})
        labels = bench.send(last)
        self.assertEqual(len(labels), MANIFEST["ups.zpl"]["label_count"] + 1)
        self.assertEqual(labels[-1]["missing"], ["R:UPSLOGO.GRF"])
        self.assertIn("recalls R:UPSLOGO.GRF, not stored", bench.stderr.getvalue())
        # Sent again with its download, nothing is missing.
        labels = bench.send(data[data.rindex(b"~DG"):])
        self.assertEqual(labels[-1]["missing"], [])

    def test_a_recalled_format_after_a_power_cycle_is_missing_with_its_graphic(self):
        data = corpus("usps.zpl")
        bench = self.fresh()
        bench.send(data)
        bench.power_cycle()
        labels = bench.send(data[data.rindex(b"^XA"):])
        self.assertEqual(labels[-1]["missing"], ["R:SHIP.ZPL"])

    def fresh(self):
        bench = Bench()
        self.addCleanup(bench.close)
        return bench


class StreamTests(PrinterTestCase):
    def send(self, data, **kw):
        return self.bench.send(data, **kw)

    def test_settings_only_formats_print_nothing_and_keep_the_odometer(self):
        labels = self.send(b"^XA^MCY^XZ\r\n^XA^PW812^LL1218^XZ^XA^FX just a comment^FS^XZ^XA^CI28^LH0,0^XZ")
        self.assertEqual(labels, [])
        self.assertEqual(self.bench.printer.odometer, 0)
        self.assertEqual(self.bench.printer.formats_received, 4)

    def test_pq_prints_and_counts_each_copy(self):
        labels = self.send(b"^XA^FO10,10^A0N,30,30^FDthree^FS^PQ3,0,1,Y^XZ^XA^FDone^FS^XZ")
        self.assertEqual([(l["format_index"], l["copy"]) for l in labels], [(0, 1), (0, 2), (0, 3), (1, 1)])
        self.assertEqual([l["odometer"] for l in labels], [1, 2, 3, 4])
        self.assertEqual(labels[0]["zpl"], "^XA^FO10,10^A0N,30,30^FDthree^FS^PQ3,0,1,Y^XZ")

    def test_command_characters_change_and_come_back(self):
        labels = self.send(b"~CC#\n#XA#FO10,10#FDnow ^ and ~ are data#FS#XZ\n~CC^"
                           b"^XA^CC!!FDbang!FS!XZ!CC^^XA^FDback^FS^XZ")
        self.assertEqual([l["fields"] for l in labels], [["now ^ and ~ are data"], ["bang"], ["back"]])

    def test_tilde_character_change_applies_to_downloads(self):
        labels = self.send(b"~CT@\n@DGR:T.GRF,2,1,FF00\n^XA^FO0,0^XGR:T.GRF,1,1^FS^XZ@CT~")
        self.assertEqual(labels[0]["missing"], [])
        self.assertEqual(self.bench.printer.objects["R:T.GRF"]["data"], b"\xff\x00")

    def test_blanks_crlf_and_comments_between_commands(self):
        labels = self.send(b"\r\n  ^XA \r\n^FX a comment, with ~ and , in it\r\n^FO10,10\r\n^A0N,30,30^FD kept as is ^FS \r\n^XZ \r\n")
        self.assertEqual(labels[0]["fields"], [" kept as is "])

    def test_fh_escapes_are_decoded_in_fields(self):
        labels = self.send(b"^XA^FO1,1^FH^FDA_5EB_7EC_26D^FS^FO1,1^FH\\^FD50\\25^FS^FO1,1^FDA_5E^FS^XZ")
        self.assertEqual(labels[0]["fields"], ["A^B~C&D", "50%", "A_5E"])

    def test_binary_download_payloads_are_read_by_their_byte_count(self):
        payload = b"^XZ~\x00\xff^X"
        labels = self.send(b"~DGR:BIN.GRF,%d,1," % len(payload) + payload + b"^XA^FO0,0^XGR:BIN.GRF^FS^XZ"
                           b"~DYR:LOGO,B,G,5,1,\x00^~\xff^" + b"^XA^XGR:LOGO.GRF^FS^XZ")
        self.assertEqual(self.bench.printer.objects["R:BIN.GRF"]["data"], payload)
        self.assertEqual(self.bench.printer.objects["R:LOGO.GRF"]["data"], b"\x00^~\xff^")
        self.assertEqual([l["missing"] for l in labels], [[], []])
        self.assertEqual(self.bench.printer.formats_received, 2)

    def test_ascii_hex_compression(self):
        # 4 rows of 2 bytes: FFF0, the row again (:), zeros (,), ones (!).
        self.send(b"~DGR:C.GRF,8,2,IF0\r\n:\r\n,\r\n!\r\n")
        self.assertEqual(self.bench.printer.objects["R:C.GRF"]["data"], bytes.fromhex("FFF0FFF00000FFFF"))

    def test_z64_with_a_bad_crc_is_not_stored_and_its_label_is_missing_it(self):
        good = corpus("bulk-500.zpl")
        download = good[:good.index(b"^XA")]
        head, crc = download.rstrip().rsplit(b":", 1)
        bad = head + b":" + (b"0000" if crc != b"0000" else b"1111") + b"\n"
        labels = self.send(bad + b"^XA^FO0,0^XGR:BULKLOGO.GRF,1,1^FS^XZ")
        self.assertNotIn("R:BULKLOGO.GRF", self.bench.printer.objects)
        self.assertEqual(labels[0]["missing"], ["R:BULKLOGO.GRF"])
        self.assertIn("does not match its data", self.bench.stderr.getvalue())

    def test_stored_format_is_expanded_with_its_fields(self):
        labels = self.send(b"^XA^DFE:FORM.ZPL^FS^FO1,1^A0N,20,20^FDfixed^FS^FO1,40^A0N,20,20^FN1^FS^FO1,80^BCN,50^FN2^FS^XZ"
                           b"^XA^XFE:FORM.ZPL^FS^FN2^FD12345^FS^FN1^FH^FDname_21^FS^XZ")
        self.assertEqual(len(labels), 1)
        self.assertEqual(labels[0]["fields"], ["fixed", "name!", "12345"])
        self.assertEqual(labels[0]["format_index"], 1)

    def test_e_drive_objects_survive_a_power_cycle_and_r_drive_ones_do_not(self):
        self.send(b"~DGE:KEEP.GRF,1,1,FF~DGR:LOSE.GRF,1,1,FF~DGLOSE2,1,1,00")
        self.assertEqual(sorted(self.bench.printer.objects), ["E:KEEP.GRF", "R:LOSE.GRF", "R:LOSE2.GRF"])
        self.bench.power_cycle()
        labels = self.send(b"^XA^XGE:KEEP.GRF^FS^XGLOSE.GRF^FS^XZ")
        self.assertEqual(labels[0]["missing"], ["R:LOSE.GRF"])

    def test_power_cycle_loses_the_buffer_and_resets_the_command_characters(self):
        with self.bench.printer.lock:
            self.bench.printer.paused = True
        self.send(b"~CC#\n#XA#FDheld#FS#XZ")
        self.assertEqual(len(self.bench.printer.buffer), 1)
        self.bench.power_cycle()
        with self.bench.printer.lock:
            self.bench.printer.paused = False
        labels = self.send(b"^XA^FDafter^FS^XZ")
        self.assertEqual([l["fields"] for l in labels], [["after"]])

    def test_id_deletes_objects(self):
        labels = self.send(b"~DGR:A.GRF,1,1,FF~DGR:B.GRF,1,1,FF^XA^FO0,0^XGR:A.GRF^FS^IDR:A.GRF^FS^XZ^XA^XGR:A.GRF^FS^XGR:B.GRF^FS^XZ")
        self.assertEqual([l["missing"] for l in labels], [[], ["R:A.GRF"]])

    def test_a_format_cut_off_by_the_connection_prints_nothing(self):
        labels = self.send(b"^XA^FDwhole^FS^XZ^XA^FDcut")
        self.assertEqual([l["fields"] for l in labels], [["whole"]])
        self.assertFalse(self.bench.printer.reader.partial)

    def test_download_font_and_other_downloads_are_stored(self):
        self.send(b"~DBR:TINY.FNT,N,2,8,1,2,1,\"X\",#0041.2.8.0.0.8.\r\nFF00\r\n~DUR:TT.FNT,3,ABCDEF~DYR:PIC,A,P,2,,:B64:AAE=:" +
                  b"%04X" % zebra_printer.crc16(b"AAE="))
        objects = self.bench.printer.objects
        self.assertEqual(objects["R:TINY.FNT"]["data"], b"\xff\x00")
        self.assertEqual(objects["R:TT.FNT"]["data"], b"\xab\xcd\xef")
        self.assertEqual(objects["R:PIC.PNG"]["data"], b"\x00\x01")


class ProcessTests(unittest.TestCase):
    """The printer as the Swift tests run it: a process with a data and a control port."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="zebra-process-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        ready = os.path.join(self.dir, "ready")
        with open(os.path.join(self.dir, "stderr"), "wb") as stderr:
            self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "zebra_printer.py"), "--log", self.dir, "--ready-file", ready],
                                         stdout=subprocess.DEVNULL, stderr=stderr)
        self.addCleanup(self.stop)
        deadline = time.monotonic() + 10
        while not os.path.exists(ready) and time.monotonic() < deadline:
            time.sleep(0.01)
        with open(ready, encoding="utf-8") as f:
            fields = dict(w.split("=") for w in f.read().split()[1:])
        self.data, self.control_port = int(fields["data"]), int(fields["control"])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)

    def control(self, command):
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=5) as s, s.makefile("rwb") as f:
            f.write(command.encode() + b"\n")
            f.flush()
            return json.loads(f.readline())

    def send(self, data):
        with socket.create_connection(("127.0.0.1", self.data), timeout=5) as s:
            s.sendall(data)

    def wait_printed(self, n):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.control("status")["printed"] < n:
            time.sleep(0.02)
        return self.control("status")["printed"]

    def test_power_cycle_over_the_control_port(self):
        data = corpus("dhl.zpl")
        self.send(data)
        self.assertEqual(self.wait_printed(2), 2)
        self.assertEqual(sorted(self.control("objects")["objects"]), ["R:DHL000.GRF", "R:DHL001.GRF"])
        off = self.control("switch_off")
        self.assertFalse(off["powered"])
        self.assertEqual(self.control("objects")["objects"], {})
        self.assertTrue(self.control("switch_on")["powered"])
        # From the first label on: its graphic was downloaded before it and is lost; the second
        # label's download comes again with the rest of the file.
        self.send(data[data.index(b"^XA", data.index(b"DHL000")):])
        self.assertEqual(self.wait_printed(4), 4)
        with open(os.path.join(self.dir, "labels.jsonl"), encoding="utf-8") as f:
            labels = [json.loads(line) for line in f]
        self.assertEqual([l["missing"] for l in labels], [[], [], ["R:DHL000.GRF"], []])
        with open(os.path.join(self.dir, "received.bin"), "rb") as f:
            self.assertEqual(f.read(), data + data[data.index(b"^XA", data.index(b"DHL000")):])
        with open(os.path.join(self.dir, "stderr"), encoding="utf-8") as f:
            self.assertIn("recalls R:DHL000.GRF, not stored", f.read())
        self.assertIn("unknown command 'explode'", self.control("explode")["error"])

    def test_data_sent_while_switched_off_is_not_taken(self):
        self.control("switch_off")
        with self.assertRaises(ConnectionRefusedError):
            self.send(b"^XA^FDlost^FS^XZ")
        self.control("switch_on")
        self.send(b"^XA^FDkept^FS^XZ")
        self.assertEqual(self.wait_printed(1), 1)
        time.sleep(0.1)
        self.assertEqual(self.control("status")["odometer"], 1)


if __name__ == "__main__":
    unittest.main()
