#!/usr/bin/env python3
"""packvm: a QEMU guest with real USB barcode scanners and a real USB label printer.

The dev and CI machines have no /dev/input, no uinput and no USB. This module boots Debian's
own kernel in QEMU (software emulation, TCG; no KVM needed) and, inside it, creates USB
gadgets on dummy_hcd: HID boot-keyboard "scanners" (usbhid gives real /dev/input/eventN) and a
Zebra printer (usb_f_printer; usblp gives /dev/usb/lp0, libusb sees class 7). The host's root
is mounted read-only into the guest (9p + a tmpfs overlay), so host binaries such as
.build/debug/packstation run inside the guest with ``vm.run_host(...)``.

    from packvm import GuestVM, Scanner, HONEYWELL
    with GuestVM(scanners=[Scanner(), HONEYWELL], printer=True) as vm:
        rc, out = vm.run('cat /proc/bus/input/devices')
        vm.type(0, 'ABC-123\\n')                     # US layout
        vm.type(1, hidkeys.text_reports('Grüße', 'de'))  # raw reports
        data = vm.capture(0, 'ABC\\n')               # raw struct input_event bytes
        vm.unplug(0); vm.replug(0)
        rc, out = vm.run_host('.build/debug/packstation --help')

Prerequisite: ``scripts/vm/setup.sh`` (kernel + base initramfs in $PACKSTATION_VM_CACHE).
``GuestVM.unavailable_reason()`` says why a guest cannot be had (tests skip with it).

Control channel: a virtio-serial port (``packvm.ctl``) carrying a tiny binary-safe
request/response protocol to a busy-box shell agent (guest/agent.sh). The serial console
(ttyS0) only goes to a log file, for diagnostics.

Environment: PACKSTATION_VM_CACHE (cache dir), PACKSTATION_VM_ACCEL (tcg | kvm; default tcg),
PACKSTATION_VM_KEEP=1 (keep the run dir with console.log), PACKSTATION_VM_BOOT_TIMEOUT (s).
"""
import atexit
import ctypes
import gzip
import io
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hidkeys  # noqa: E402

GUEST_DIR = os.path.join(HERE, 'guest')
# Milliseconds between two HID reports when typing (guest/hidtype.py says why): 4 ms is a
# scanner with a short intercharacter delay; PACKVM_REPORT_GAP_MS=0 floods the gadget.
REPORT_GAP_MS = float(os.environ.get('PACKVM_REPORT_GAP_MS', '4'))
REPO = os.path.dirname(os.path.dirname(HERE))
SETUP = os.path.join(HERE, 'setup.sh')


def cache_dir():
    return os.environ.get('PACKSTATION_VM_CACHE') or os.path.expanduser('~/.cache/packstation-vm')


@dataclass
class Scanner:
    """A USB HID keyboard-wedge barcode scanner (defaults: Symbol/Zebra LS2208-style)."""
    vid: int = 0x05e0
    pid: int = 0x1200
    manufacturer: str = 'Symbol Technologies, Inc, 2008'
    product: str = 'Symbol Bar Code Scanner'
    serial: str = 'S/N:PACKVM0001'


HONEYWELL = Scanner(0x0c2e, 0x0b61, 'Honeywell Imaging & Mobility', 'Honeywell Scanner', '21012B4C2F')


@dataclass
class Printer:
    """A USB printer-class label printer (defaults: Zebra ZD421)."""
    vid: int = 0x0a5f
    pid: int = 0x0166
    manufacturer: str = 'Zebra Technologies'
    product: str = 'ZTC ZD421-203dpi ZPL'
    serial: str = 'D4J000000001'
    pnp_string: str = 'MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;CLS:PRINTER;'


class GuestUnavailable(Exception):
    """QEMU or the guest kernel cannot be had on this machine (tests skip with str(e))."""


class GuestError(RuntimeError):
    """The guest failed to boot, died, or a command failed."""


# ---------------------------------------------------------------------------- process hygiene
_live = set()


def _kill_all():
    for p in list(_live):
        if p.poll() is None:
            p.kill()
            p.wait()


atexit.register(_kill_all)


def _die_with_parent():
    """preexec_fn: QEMU gets SIGKILL when the harness dies (it ignores stdin EOF)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    os.setpgrp()   # and a ^C in the terminal goes to the harness only


# ---------------------------------------------------------------------------- initramfs overlay
def _cpio_newc(entries):
    """entries: (path, mode, data or None for a directory) -> newc cpio archive bytes."""
    out = io.BytesIO()

    def pad():
        out.write(b'\0' * (-out.tell() % 4))

    def header(ino, name, mode, size):
        name_b = name.encode() + b'\0'
        fields = [ino, mode, 0, 0, 1, int(time.time()), size, 0, 0, 0, 0, len(name_b), 0]
        out.write(b'070701' + b''.join(b'%08X' % f for f in fields) + name_b)
        pad()

    for ino, (name, mode, data) in enumerate(entries, 1):
        if data is None:
            header(ino, name, 0o040000 | mode, 0)
        else:
            header(ino, name, 0o100000 | mode, len(data))
            out.write(data)
            pad()
    header(0, 'TRAILER!!!', 0, 0)
    return out.getvalue()


def build_initrd(base_path, out_path):
    """Base initramfs (setup.sh: busybox + modules) + a gzip'd cpio of scripts/vm/guest/."""
    entries = [('packvm', 0o755, None)]
    for name in sorted(os.listdir(GUEST_DIR)):
        p = os.path.join(GUEST_DIR, name)
        if not os.path.isfile(p):
            continue
        data = open(p, 'rb').read()
        entries.append(('init' if name == 'init' else f'packvm/{name}', 0o755, data))
    base = open(base_path, 'rb').read()
    with open(out_path, 'wb') as f:
        f.write(base + b'\0' * (-len(base) % 4))   # the kernel unpacks concatenated archives
        f.write(gzip.compress(_cpio_newc(entries), 6))


# ---------------------------------------------------------------------------- the VM
class GuestVM:
    """A booted guest with its gadgets. Use as a context manager (or call close())."""

    def __init__(self, scanners=(Scanner(),), printer=False, *, memory_mb=512, boot_timeout=None,
                 host_root=True, append='', log_dir=None):
        self.scanners = [s if isinstance(s, Scanner) else Scanner(**s) for s in scanners]
        self.printer = Printer() if printer is True else (printer or None)
        self.memory_mb = memory_mb
        self.boot_timeout = float(boot_timeout or os.environ.get('PACKSTATION_VM_BOOT_TIMEOUT', 240))
        self.host_root = host_root
        self.append = append
        self.log_dir = log_dir
        self.proc = None
        self._sock = self._conn = None
        self._buf = bytearray()
        self._lock = threading.Lock()
        self._seq = 0
        self.kver = None
        self.boot_seconds = None      # QEMU start -> agent HELLO
        self.ready_seconds = None     # QEMU start -> all gadgets enumerated
        self.guest_uptime_at_hello = None
        self.hidg = []                # /dev/hidgK per scanner
        self.lp_node = self.gprinter_node = None
        self.timings = {}
        self._boot()

    # -- availability -------------------------------------------------------------------
    @staticmethod
    def artifacts():
        """(kver, vmlinux-or-vmlinuz, base initramfs) from the cache, or raise GuestUnavailable."""
        c = cache_dir()
        try:
            kver = open(os.path.join(c, 'current')).read().strip()
        except OSError:
            raise GuestUnavailable(f'no guest kernel in {c}: run scripts/vm/setup.sh') from None
        d = os.path.join(c, kver)
        if not os.path.exists(os.path.join(d, '.complete')):
            raise GuestUnavailable(f'guest kernel {kver} in {d} is incomplete: run scripts/vm/setup.sh')
        kernel = next((os.path.join(d, k) for k in ('vmlinux', 'vmlinuz')
                       if os.path.exists(os.path.join(d, k))), None)
        if not kernel:
            raise GuestUnavailable(f'no vmlinux/vmlinuz in {d}: run scripts/vm/setup.sh')
        return kver, kernel, os.path.join(d, 'base-initramfs.cpio.gz')

    @classmethod
    def unavailable_reason(cls):
        """None if a guest can be booted here, else why not."""
        if not shutil.which('qemu-system-x86_64'):
            return 'qemu-system-x86_64 not installed: run scripts/vm/setup.sh'
        try:
            cls.artifacts()
        except GuestUnavailable as e:
            return str(e)
        return None

    # -- boot ---------------------------------------------------------------------------
    def _qemu_cmd(self, kernel, initrd, sock_path, console_log):
        accel = os.environ.get('PACKSTATION_VM_ACCEL', 'tcg')
        cmd = ['qemu-system-x86_64', '-nodefaults', '-no-user-config', '-no-reboot',
               '-machine', f'pc,accel={accel}', '-cpu', 'host' if accel == 'kvm' else 'max',
               '-smp', '1', '-m', str(self.memory_mb), '-display', 'none', '-vga', 'none',
               '-kernel', kernel, '-initrd', initrd,
               '-append', ' '.join(['console=ttyS0', 'quiet', 'loglevel=4', 'panic=-1', 'rdinit=/init',
                                    'usbcore.autosuspend=-1', f'packvm.9p={int(self.host_root)}',
                                    self.append]).strip(),
               '-chardev', f'file,id=con,path={console_log}', '-serial', 'chardev:con',
               '-device', 'virtio-serial-pci,id=vser',
               '-chardev', f'socket,id=ctl,path={sock_path}',
               '-device', 'virtserialport,bus=vser.0,chardev=ctl,name=packvm.ctl']
        if self.host_root:
            cmd += ['-fsdev', 'local,id=hostfs,path=/,security_model=none,readonly=on,multidevs=remap',
                    '-device', 'virtio-9p-pci,fsdev=hostfs,mount_tag=hostroot']
        return cmd

    def _boot(self):
        reason = self.unavailable_reason()
        if reason:
            raise GuestUnavailable(reason)
        self.kver, kernel, base = self.artifacts()
        self.rundir = tempfile.mkdtemp(prefix='packvm-')
        self.console_log = os.path.join(self.rundir, 'console.log')
        initrd = os.path.join(self.rundir, 'initrd.img')
        build_initrd(base, initrd)
        sock_path = os.path.join(self.rundir, 'ctl.sock')
        self._sock = socket.socket(socket.AF_UNIX)     # we listen, QEMU connects at start-up
        self._sock.bind(sock_path)
        self._sock.listen(1)
        self.qemu_cmd = self._qemu_cmd(kernel, initrd, sock_path, self.console_log)
        t0 = self._t0 = time.monotonic()
        self._stderr = open(os.path.join(self.rundir, 'qemu.stderr'), 'wb')
        self.proc = subprocess.Popen(self.qemu_cmd, stdin=subprocess.DEVNULL, stdout=self._stderr,
                                     stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        _live.add(self.proc)
        try:
            deadline = t0 + self.boot_timeout
            self._sock.settimeout(0.2)
            while self._conn is None:
                try:
                    self._conn, _ = self._sock.accept()
                except socket.timeout:
                    self._check_alive('QEMU did not connect the control port')
                    if time.monotonic() > deadline:
                        raise GuestError(self._diag('QEMU did not connect the control port'))
            hello = self._readline(deadline, 'the guest agent did not start')
            if not hello.startswith(b'HELLO'):
                raise GuestError(self._diag(f'unexpected greeting {hello!r}'))
            self.boot_seconds = time.monotonic() - t0
            self.guest_uptime_at_hello = float(hello.split()[1])
            self._setup_gadgets()
            self.ready_seconds = time.monotonic() - t0
        except BaseException:
            self.close()
            raise

    def _setup_gadgets(self):
        n = len(self.scanners) + (1 if self.printer else 0)
        if not n:
            return
        self.run(f'sh /packvm/gadget.sh udcs {n}', check=True, timeout=60)
        for i, s in enumerate(self.scanners):
            t = time.monotonic()
            out = self.run('sh /packvm/gadget.sh scanner ' + shlex.join(
                [f'scanner{i}', str(i), f'0x{s.vid:04x}', f'0x{s.pid:04x}', s.manufacturer, s.product, s.serial]),
                check=True, timeout=90)[1]
            kv = dict(w.split('=', 1) for w in out.split() if '=' in w)
            self.hidg.append(kv['hidg'])
            self.timings[f'scanner{i}'] = time.monotonic() - t
        if self.printer:
            p, t = self.printer, time.monotonic()
            out = self.run('sh /packvm/gadget.sh printer ' + shlex.join(
                ['printer0', str(len(self.scanners)), f'0x{p.vid:04x}', f'0x{p.pid:04x}', p.manufacturer,
                 p.product, p.serial, p.pnp_string]), check=True, timeout=90)[1]
            kv = dict(w.split('=', 1) for w in out.split() if '=' in w)
            self.gprinter_node, self.lp_node = kv['gprinter'], kv['lp']
            self.timings['printer'] = time.monotonic() - t
            if self.host_root:
                self._start_zebra()

    def _start_zebra(self):
        t = time.monotonic()
        py = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
        script = os.path.join(GUEST_DIR, 'zebra.py')
        self.run(f'mkdir -p /run/packvm/zebra; setsid chroot /host {py} {shlex.quote(script)} '
                 f'{self.gprinter_node} /run/packvm/zebra </dev/null >/run/packvm/zebra.log 2>&1 &', check=True)
        self.run('n=0; while [ ! -e /run/packvm/zebra/ready ]; do n=$((n+1)); '
                 '[ $n -gt 1200 ] && { cat /run/packvm/zebra.log; exit 1; }; usleep 50000; done',
                 check=True, timeout=90)
        self.timings['zebra'] = time.monotonic() - t

    # -- low level ----------------------------------------------------------------------
    def _check_alive(self, what):
        if self.proc is not None and self.proc.poll() is not None:
            raise GuestError(self._diag(f'{what}: QEMU exited with status {self.proc.returncode}'))

    def _fill(self, deadline, what):
        """Receive more bytes from the control port into the buffer (socket.makefile() cannot
        survive a timeout, so the buffering is done here)."""
        while True:
            self._conn.settimeout(max(0.05, min(0.5, deadline - time.monotonic())))
            try:
                chunk = self._conn.recv(65536)
            except socket.timeout:
                self._check_alive(what)
                if time.monotonic() > deadline:
                    raise GuestError(self._diag(f'{what} (timeout)')) from None
                continue
            if not chunk:
                self._check_alive(what)
                raise GuestError(self._diag(f'{what}: control port closed'))
            self._buf += chunk
            return

    def _readline(self, deadline, what):
        while b'\n' not in self._buf:
            self._fill(deadline, what)
        i = self._buf.index(b'\n') + 1
        line, self._buf = bytes(self._buf[:i]), self._buf[i:]
        return line

    def _readexact(self, n, deadline, what):
        while len(self._buf) < n:
            self._fill(deadline, what)
        data, self._buf = bytes(self._buf[:n]), self._buf[n:]
        return data

    def console_tail(self, n=40):
        try:
            with open(self.console_log, 'rb') as f:
                return f.read().decode('utf-8', 'replace').splitlines()[-n:]
        except OSError:
            return []

    def _diag(self, msg):
        err = ''
        try:
            err = open(os.path.join(self.rundir, 'qemu.stderr'), 'rb').read().decode('utf-8', 'replace').strip()
        except OSError:
            pass
        tail = '\n    '.join(self.console_tail())
        return (f'{msg}\n  qemu: {shlex.join(self.qemu_cmd) if hasattr(self, "qemu_cmd") else "?"}'
                + (f'\n  qemu stderr: {err}' if err else '') + f'\n  guest console (last lines):\n    {tail}')

    # -- commands -----------------------------------------------------------------------
    def run_bytes(self, cmd, timeout=60, input=b''):
        """Run a busybox sh script in the guest (cwd /). Returns (rc, stdout+stderr bytes)."""
        if self._conn is None:
            raise GuestError('guest is not running')
        script = cmd.encode() if isinstance(cmd, str) else cmd
        data = input.encode() if isinstance(input, str) else (input or b'')
        tmo = max(1, int(round(timeout)))
        with self._lock:
            self._seq += 1
            self._conn.sendall(f'RUN {self._seq} {tmo} {len(script)} {len(data)}\n'.encode() + script + data)
            deadline = time.monotonic() + tmo + 30
            line = self._readline(deadline, f'no reply to {cmd!r}')
            parts = line.split()
            if len(parts) != 4 or parts[0] != b'RET' or int(parts[1]) != self._seq:
                raise GuestError(self._diag(f'protocol error: {line!r}'))
            out = self._readexact(int(parts[3]), deadline, f'short reply to {cmd!r}')
        rc = int(parts[2])
        if rc == 137:
            raise GuestError(f'guest command timed out after {tmo}s (killed): {cmd!r}\n'
                             f'{out.decode("utf-8", "replace")}')
        return rc, out

    def run(self, cmd, timeout=60, input=b'', check=False):
        """Run a busybox sh script in the guest. Returns (rc, output text)."""
        rc, out = self.run_bytes(cmd, timeout, input)
        text = out.decode('utf-8', 'replace')
        if check and rc:
            raise GuestError(f'guest command failed (rc={rc}): {cmd}\n{text}')
        return rc, text

    def run_host(self, cmd, cwd=None, timeout=300, input=b'', check=False, env=None):
        """Run `cmd` (sh syntax) with the HOST's binaries and libraries, in the guest's kernel:
        chroot into the tmpfs overlay of the host root. cwd defaults to the host cwd."""
        if not self.host_root:
            raise GuestError('GuestVM(host_root=False): the host root is not mounted')
        cwd = cwd or os.getcwd()
        envs = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
                'HOME': '/root', 'LANG': 'C.UTF-8', 'TERM': 'dumb', **(env or {})}
        inner = f'cd {shlex.quote(cwd)} && {cmd}'
        script = ('[ -e /run/packvm/hostroot-ok ] || { echo "host root not mounted (see console)"; exit 125; }\n'
                  f'exec chroot /host /usr/bin/env -i {shlex.join(f"{k}={v}" for k, v in envs.items())} '
                  f'/bin/sh -c {shlex.quote(inner)}')
        return self.run(script, timeout=timeout, input=input, check=check)

    def put_file(self, path, data, mode=None):
        self.run(f'cat > {shlex.quote(path)}' + (f' && chmod {mode:o} {shlex.quote(path)}' if mode else ''),
                 input=data, check=True)

    def get_file(self, path, timeout=60):
        rc, out = self.run_bytes(f'cat {shlex.quote(path)}', timeout=timeout)
        if rc:
            raise GuestError(f'cannot read {path} in the guest: {out.decode("utf-8", "replace")}')
        return out

    # -- scanners -----------------------------------------------------------------------
    def event_node(self, i):
        """The /dev/input/eventN of scanner i now, or None (unplugged)."""
        rc, out = self.run(f'sh /packvm/gadget.sh node scanner{i}')
        return out.strip() if rc == 0 and out.strip() else None

    def event_nodes(self):
        return [self.event_node(i) for i in range(len(self.scanners))]

    def input_devices(self):
        """/proc/bus/input/devices as a list of dicts (bus, vendor, product, version as ints;
        name, phys, sysfs, handlers as str)."""
        devs, cur = [], {}
        for line in self.run('cat /proc/bus/input/devices', check=True)[1].splitlines() + ['']:
            if not line.strip():
                if cur:
                    devs.append(cur)
                cur = {}
            elif line.startswith('I:'):
                for kv in line[2:].split():
                    k, v = kv.split('=')
                    cur[k.lower()] = int(v, 16)
            elif line[:2] in ('N:', 'P:', 'S:', 'U:', 'H:'):
                k, _, v = line[3:].partition('=')
                cur[k.lower()] = v.strip().strip('"')
        return devs

    def type(self, i, what, layout='us', timeout=None):
        """Type into scanner i: `what` is text (typed with `layout`) or a list of 8-byte
        reports / (modifiers, usage...) tuples (see hidkeys). Returns when the gadget has
        taken the last report; events reach evdev within a few ms after that."""
        reports = hidkeys.text_reports(what, layout) if isinstance(what, str) else list(what)
        data = hidkeys.as_bytes(reports)
        self.run(self.typing_command(self.hidg[i]), input=data,
                 timeout=timeout or 30 + len(reports) * (REPORT_GAP_MS / 1000 + 0.02), check=True)
        return len(reports)

    def typing_command(self, hidg, source=None):
        """Guest shell command writing the reports on stdin (or in file `source`) to gadget node
        `hidg` at a scanner's pace, REPORT_GAP_MS apart (see guest/hidtype.py); without the
        host root (no Python in the guest), one dd per report."""
        if self.host_root:
            py = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
            src = f' < {source}' if source else ''
            return (f'chroot /host {py} {shlex.quote(os.path.join(GUEST_DIR, "hidtype.py"))} '
                    f'{hidg} {REPORT_GAP_MS}{src}')
        if source:
            return (f'(n=$(($(wc -c < {source}) / 8)); i=0; while [ $i -lt $n ]; do '
                    f'dd if={source} of={hidg} bs=8 count=1 skip=$i 2>/dev/null; i=$((i+1)); done)')
        return f'dd of={hidg} bs=8 2>/run/packvm/dd.err || {{ cat /run/packvm/dd.err; exit 1; }}'

    def capture(self, i, *scans, layout='us', gap=0.25, settle=0.3):
        """Record the raw evdev stream of scanner i (`cat /dev/input/eventN` in the guest)
        while typing `scans` into it, `gap` seconds apart; each scan is text (typed with
        `layout`) or a report list. Returns the bytes (24-byte struct input_event records)."""
        node = self.event_node(i)
        if not node:
            raise GuestError(f'scanner {i} is unplugged')
        cap = f'/run/packvm/capture{i}.bin'
        self.start_reader(node, cap)
        try:
            for n, what in enumerate(scans):
                if n:
                    time.sleep(gap)
                self.type(i, what, layout)
        finally:
            self.stop_reader(cap, settle)
        return self.get_file(cap)

    def start_reader(self, node, path):
        """Start `cat NODE > PATH` in the guest background (e.g. an evdev node)."""
        self.run(f'rm -f {path}; (exec cat {node} > {path}) </dev/null >/dev/null 2>&1 & '
                 f'echo $! > {path}.pid; usleep 200000', check=True)

    def stop_reader(self, path, settle=0.3):
        """Wait until PATH has not grown for `settle` s, then stop its reader."""
        self.run(f'a=-1; b=$(wc -c < {path}); while [ "$a" != "$b" ]; do a=$b; '
                 f'usleep {int(settle * 1e6)}; b=$(wc -c < {path}); done; kill $(cat {path}.pid)', timeout=60)

    def unplug(self, i):
        self.run(f'sh /packvm/gadget.sh unplug scanner{i}', check=True, timeout=60)

    def replug(self, i):
        return self.run(f'sh /packvm/gadget.sh replug scanner{i}', check=True, timeout=90)[1].strip()

    # -- printer ------------------------------------------------------------------------
    def printer_received(self):
        """Everything the printer gadget has received so far (bytes)."""
        return self.get_file('/run/packvm/zebra/received.bin')

    def printer_status(self, paper_out=False, pause=False, head_open=False, ribbon_out=False):
        """Set the fake Zebra's state: flags of the ~HS reply and the USB port status byte."""
        st = dict(paper_out=paper_out, pause=pause, head_open=head_open, ribbon_out=ribbon_out)
        self.put_file('/run/packvm/zebra/status.new', ''.join(f'{k}={int(v)}\n' for k, v in st.items()))
        self.run('mv /run/packvm/zebra/status.new /run/packvm/zebra/status', check=True)

    # -- teardown -----------------------------------------------------------------------
    def close(self):
        for f in (self._conn, self._sock):
            try:
                f and f.close()
            except OSError:
                pass
        self._conn = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            _live.discard(self.proc)
        if getattr(self, '_stderr', None):
            self._stderr.close()
        rundir = getattr(self, 'rundir', None)
        if rundir and os.path.isdir(rundir):
            if self.log_dir:
                os.makedirs(self.log_dir, exist_ok=True)
                for n in ('console.log', 'qemu.stderr'):
                    if os.path.exists(os.path.join(rundir, n)):
                        shutil.copy(os.path.join(rundir, n), os.path.join(self.log_dir, n))
            if os.environ.get('PACKSTATION_VM_KEEP') == '1':
                print(f'packvm: kept {rundir}', file=sys.stderr)
            else:
                shutil.rmtree(rundir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ensure_setup(quiet=False):
    """Run scripts/vm/setup.sh (apt-get installs + kernel + initramfs). Returns its output."""
    r = subprocess.run(['bash', SETUP], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       stdin=subprocess.DEVNULL)
    if not quiet:
        print(r.stdout, end='')
    if r.returncode:
        raise GuestUnavailable(f'scripts/vm/setup.sh failed (rc={r.returncode}):\n{r.stdout[-3000:]}')
    return r.stdout


if __name__ == '__main__':
    # Smoke run: boot with two scanners and the printer, print what the guest sees.
    t = time.monotonic()
    with GuestVM(scanners=[Scanner(), HONEYWELL], printer=True) as vm:
        print(f'kernel {vm.kver}: agent up after {vm.boot_seconds:.2f}s '
              f'(guest uptime {vm.guest_uptime_at_hello:.2f}s), devices ready after {vm.ready_seconds:.2f}s')
        print('timings:', {k: round(v, 2) for k, v in vm.timings.items()})
        print('event nodes:', vm.event_nodes(), 'printer:', vm.lp_node, vm.gprinter_node)
        for d in vm.input_devices():
            print(f"  {d.get('vendor', 0):04x}:{d.get('product', 0):04x} {d.get('name')!r} {d.get('handlers')}")
    print(f'total {time.monotonic() - t:.2f}s')
