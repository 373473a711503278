#!/usr/bin/env python3
"""An IPP Everywhere test printer (CUPS' ippeveprinter) that keeps every document it gets.

ippeveprinter registers itself over DNS-SD and will not run without a DNS-SD daemon, so this
starts, all under --dir and all stopped by PID on SIGTERM/SIGINT (reverse order):
  1. a private system-type dbus-daemon on DIR/run/dbus.sock,
  2. avahi-daemon on that bus (--no-drop-root --no-chroot, loopback only),
  3. ippeveprinter on 127.0.0.1:PORT, path /ipp/print, keeping documents in DIR/spool (-k -d)
     and not simulating print time (-c /bin/true).

Documents arrive as DIR/spool/<job-id>-<name>.<ext> (ippeveprinter's naming); tests compare
their bytes. Prints `READY port=PORT pid=IPPEVEPRINTER_PID` on stdout (and --ready-file).
avahi-daemon keeps its pid file in /run/avahi-daemon, one per machine; as root each peer's
avahi gets a private one (a mount namespace), so several peers can run at once.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

DBUS_CONF = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={b}/run/dbus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

AVAHI_CONF = """[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
[publish]
publish-addresses=no
publish-workstation=no
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds, what, procs):
    deadline = time.time() + seconds
    while not check():
        for p in procs:
            if p.poll() is not None:
                return "%s exited with %d" % (p.args[0], p.returncode)
        if time.time() > deadline:
            return "%s did not come up in %d s" % (what, seconds)
        time.sleep(0.02)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--name", default="Packstation Test Printer")
    ap.add_argument("--formats", default="application/pdf,application/vnd.zebra-zpl",
                    help="document-format-supported, comma-separated")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    # Test runners pass a blocked signal mask down; the daemons would ignore SIGTERM.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])

    b = os.path.abspath(args.dir)
    for sub in ("run", "spool", "log"):
        os.makedirs(os.path.join(b, sub), exist_ok=True)
    with open(os.path.join(b, "dbus.conf"), "w") as f:
        f.write(DBUS_CONF.format(b=b))
    with open(os.path.join(b, "avahi.conf"), "w") as f:
        f.write(AVAHI_CONF)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS="unix:path=%s/run/dbus.sock" % b)
    port = args.port or free_port()
    procs = []

    def start(argv, log):
        out = open(os.path.join(b, "log", log), "ab")
        p = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        procs.append(p)
        return p

    def stop(*_):
        for p in reversed(procs):
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait()
        sys.exit(0)

    def fail(why):
        print("ippeveprinter peer: %s; logs in %s/log" % (why, b), file=sys.stderr)
        for p in reversed(procs):
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
                p.wait()
        sys.exit(1)

    waited = {signal.SIGTERM, signal.SIGINT, signal.SIGCHLD}
    start(["dbus-daemon", "--config-file=%s/dbus.conf" % b, "--nofork", "--nopidfile"], "dbus.log")
    why = wait_for(lambda: os.path.exists(os.path.join(b, "run/dbus.sock")), 10, "dbus-daemon", procs)
    if why:
        fail(why)
    avahi = ["avahi-daemon", "--no-drop-root", "--no-chroot", "-f", os.path.join(b, "avahi.conf")]
    if os.geteuid() == 0 and shutil.which("unshare"):
        # avahi-daemon's pid file and socket live in /run/avahi-daemon, one per machine: give
        # this one a private /run/avahi-daemon so peers (and test runs) can run side by side.
        # `exec` keeps the PID, so it is still stopped by PID.
        avahi = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                 'mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon && exec "$@"', "avahi"] + avahi
    start(avahi, "avahi.log")
    why = wait_for(lambda: b"Server startup complete" in open(os.path.join(b, "log/avahi.log"), "rb").read(), 10, "avahi-daemon", procs)
    if why:
        fail(why)
    ippeve = start(["ippeveprinter", "-p", str(port), "-k", "-d", os.path.join(b, "spool"), "-f", args.formats,
                    "-c", "/bin/true", args.name], "ippeveprinter.log")

    def answers():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    why = wait_for(answers, 15, "ippeveprinter", procs)
    if why:
        fail(why)
    signal.pthread_sigmask(signal.SIG_BLOCK, waited)
    line = "READY port=%d pid=%d\n" % (port, ippeve.pid)
    sys.stdout.write(line)
    sys.stdout.flush()
    if args.ready_file:
        with open(args.ready_file + ".tmp", "w") as f:
            f.write(line)
        os.rename(args.ready_file + ".tmp", args.ready_file)
    while True:
        if signal.sigwait(waited) != signal.SIGCHLD:
            stop()
        for p in procs:
            if p.poll() is not None:
                fail("%s exited with %d" % (p.args[0], p.returncode))


if __name__ == "__main__":
    main()
