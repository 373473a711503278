#!/usr/bin/env python3
"""A private CUPS scheduler for tests and benchmarks, with a byte-exact capture printer.

- Runs `cupsd -f` with its own configuration, spool and logs under --dir and its own port on
  127.0.0.1 (no system state is touched; ../shared/notes/cups-testing.md).
- Listens on 127.0.0.1 as a raw socket printer (what `socket://` queues and networked Zebras
  speak): every connection's bytes go to DIR/capture/NNNN.bin, written whole (renamed into
  place when the connection ends), so tests compare bytes.
- Adds each --queue NAME as a raw queue `-v socket://127.0.0.1:CAPTURE -m raw`, enabled.
- Adds each --pdf-queue NAME as a queue with a driver (a 4x6 in PPD whose only filter is
  cups-filters' pdftopdf): PDFs reach the capture printer as PDFs with `page-ranges` and the
  other job options applied, and CUPS counts their pages (job-impressions-completed), as on a
  real label printer's driver queue; raw jobs (ZPL) still pass untouched. A raw queue, by
  contrast, ignores page-ranges and sends every page.

Prints `READY port=PORT capture=PORT pid=CUPSD_PID` on stdout (and to --ready-file) once the
scheduler answers and the queues exist. Stops cupsd by its PID on SIGTERM/SIGINT.
Use it: `CUPS_SERVER=127.0.0.1:PORT lp -d NAME -o raw file.zpl`.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time

FILES_CONF = """ServerRoot {b}/etc
RequestRoot {b}/spool
TempDir {b}/spool/tmp
CacheDir {b}/cache
StateDir {b}/state
ServerBin /usr/lib/cups
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
AccessLog {b}/log/access_log
ErrorLog {b}/log/error_log
PageLog {b}/log/page_log
Printcap {b}/state/printcap
FileDevice Yes
User lp
Group lp
SystemGroup root
LogFileGroup root
"""

CUPSD_CONF = """LogLevel {level}
Listen 127.0.0.1:{port}
Listen {b}/run/cups.sock
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
MaxJobs 0
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow localhost
</Location>
<Location /admin>
  Order allow,deny
  Allow localhost
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""


LABEL_PDF_PPD = """*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "LABELPDF.PPD"
*Manufacturer: "packstation"
*Product: "(Label PDF test printer)"
*ModelName: "packstation label PDF test printer"
*ShortNickName: "label PDF test printer"
*NickName: "packstation label PDF test printer"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*LandscapeOrientation: Plus90
*TTRasterizer: Type42
*cupsFilter2: "application/vnd.cups-pdf application/pdf 0 -"
*OpenUI *PageSize/Media Size: PickOne
*OrderDependency: 10 AnySetup *PageSize
*DefaultPageSize: w288h432
*PageSize w288h432/4x6in: "<</PageSize[288 432]/ImagingBBox null>>setpagedevice"
*CloseUI: *PageSize
*OpenUI *PageRegion: PickOne
*OrderDependency: 10 AnySetup *PageRegion
*DefaultPageRegion: w288h432
*PageRegion w288h432/4x6in: "<</PageSize[288 432]/ImagingBBox null>>setpagedevice"
*CloseUI: *PageRegion
*DefaultImageableArea: w288h432
*ImageableArea w288h432/4x6in: "0 0 288 432"
*DefaultPaperDimension: w288h432
*PaperDimension w288h432/4x6in: "288 432"
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Capture:
    """The raw socket printer: one file per connection."""

    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay
        self.count = 0
        self.lock = threading.Lock()
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.count += 1
                n = self.count
            threading.Thread(target=self.receive, args=(conn, n), daemon=True).start()

    def receive(self, conn, n):
        part = os.path.join(self.directory, "%04d.part" % n)
        with conn, open(part, "wb") as out:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                out.write(data)
                if self.delay:
                    time.sleep(self.delay)
        os.rename(part, os.path.join(self.directory, "%04d.bin" % n))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True, help="base directory (created; config, spool, logs, capture/)")
    ap.add_argument("--port", type=int, default=0, help="scheduler port on 127.0.0.1 (0: a free one)")
    ap.add_argument("--queue", action="append", default=[], help="a raw queue to the capture printer (repeatable)")
    ap.add_argument("--pdf-queue", action="append", default=[], help="a queue with a pdftopdf driver to the capture printer (repeatable)")
    ap.add_argument("--capture-delay", type=float, default=0, help="seconds the capture printer waits after each read (a slow printer)")
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    # A parent may have blocked signals (test runners do); cupsd inherits the mask and would
    # then ignore the SIGTERM that stops it.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])

    b = os.path.abspath(args.dir)
    for sub in ("etc", "spool/tmp", "cache", "state", "log", "run", "capture"):
        os.makedirs(os.path.join(b, sub), exist_ok=True)
    # Backends run as lp and read the spooled documents: the tree must be traversable.
    for path in (b, os.path.join(b, "spool")):
        os.chmod(path, 0o755)
    os.chmod(os.path.join(b, "spool/tmp"), 0o1777)
    port = args.port or free_port()
    with open(os.path.join(b, "etc/cups-files.conf"), "w") as f:
        f.write(FILES_CONF.format(b=b))
    with open(os.path.join(b, "etc/cupsd.conf"), "w") as f:
        f.write(CUPSD_CONF.format(b=b, port=port, level=args.log_level))

    capture = Capture(os.path.join(b, "capture"), args.capture_delay)

    with open(os.path.join(b, "log/cupsd.out"), "ab") as out:
        cupsd = subprocess.Popen(["cupsd", "-f", "-c", os.path.join(b, "etc/cupsd.conf"), "-s", os.path.join(b, "etc/cups-files.conf")],
                                 stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def stop(*_):
        if cupsd.poll() is None:
            os.kill(cupsd.pid, signal.SIGTERM)
            try:
                cupsd.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(cupsd.pid, signal.SIGKILL)
                cupsd.wait()
        sys.exit(0)

    # Signals are taken by sigwait in the main thread only: every thread started from here
    # on inherits them blocked (cupsd was started with none blocked).
    waited = {signal.SIGTERM, signal.SIGINT, signal.SIGCHLD}
    signal.pthread_sigmask(signal.SIG_BLOCK, waited)
    threading.Thread(target=capture.serve, daemon=True).start()

    server = "127.0.0.1:%d" % port
    env = dict(os.environ, CUPS_SERVER=server)
    deadline = time.time() + 20
    while True:  # `lpstat -r` exits 0 even when the scheduler is down: read its words
        if cupsd.poll() is not None:
            sys.exit("cupsd exited with %d; see %s/log/error_log" % (cupsd.returncode, b))
        r = subprocess.run(["lpstat", "-h", server, "-r"], env=env, capture_output=True, text=True)
        if "is running" in r.stdout and "not running" not in r.stdout:
            break
        if time.time() > deadline:
            stop()
        time.sleep(0.02)
    ppd = os.path.join(b, "etc/label-pdf.ppd")
    with open(ppd, "w") as f:
        f.write(LABEL_PDF_PPD)
    # snmp=false: with a driver the socket backend otherwise asks 127.0.0.1 for supply levels
    # over SNMP and waits ~4 s per job for an answer that never comes.
    queues = [(q, ["-v", "socket://127.0.0.1:%d" % capture.port, "-m", "raw"]) for q in args.queue]
    queues += [(q, ["-v", "socket://127.0.0.1:%d/?snmp=false" % capture.port, "-P", ppd]) for q in args.pdf_queue]
    for queue, how in queues:
        r = subprocess.run(["lpadmin", "-h", server, "-p", queue, "-E"] + how, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            print("lpadmin %s failed: %s" % (queue, r.stderr), file=sys.stderr)
            stop()

    line = "READY port=%d capture=%d pid=%d\n" % (port, capture.port, cupsd.pid)
    sys.stdout.write(line)
    sys.stdout.flush()
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(line)
        os.rename(args.ready_file + ".tmp", args.ready_file)
    while True:
        if signal.sigwait(waited) != signal.SIGCHLD:
            stop()
        if cupsd.poll() is not None:
            sys.exit("cupsd exited with %d; see %s/log/error_log" % (cupsd.returncode, b))


if __name__ == "__main__":
    main()
