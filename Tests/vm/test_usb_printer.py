"""Raw USB printing through libusb against a real USB printer: the usb_f_printer gadget on
dummy_hcd in the QEMU guest (conftest.py boots it: Zebra 0a5f:0166, 1284 id with CMD:ZPL), with
the fake Zebra (scripts/vm/guest/zebra.py) on /dev/g_printer0 logging what it receives, printing
each ^XA…^XZ into labels.jsonl, and answering ~HS and the label counter on bulk IN.

The host's debug `packstation` runs on the guest kernel. Checks what a packer or supervisor
would see: a large job arrives byte-exact (many 16 KiB bulk transfers); `devices --json` lists
the printer with its 1284 id; a printer out of labels makes `print` wait and say what to do, then
print when labels are loaded; a printer unplugged and plugged in again between two jobs is
found again by the same process; a printer that stops taking data is an error that says how
many bytes it got (exactly the bytes that arrived); usblp gets the printer back when
packstation is done.

The binary is $PACKSTATION_BIN, else .build/debug/packstation.
"""
import json
import os
import re
import shlex
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get('PACKSTATION_BIN') or os.path.join(ROOT, '.build', 'debug', 'packstation')
STATE = '/run/packvm/zebra'
OUT_OF_LABELS = 'out of labels — load labels and press FEED'


@pytest.fixture(scope='module')
def binary():
    if not os.path.exists(BIN):
        pytest.fail(f'{BIN} does not exist: build it first (swift build) or set PACKSTATION_BIN')
    return BIN


@pytest.fixture
def usb(vm):
    """The printer's URI; the fake Zebra is ready to print again after each test."""
    p = vm.printer
    yield f'usb://{p.vid:04x}:{p.pid:04x}'
    vm.printer_status()
    if not _node(vm):
        vm.run('sh /packvm/gadget.sh replug printer0', timeout=90)


def _node(vm):
    rc, out = vm.run('sh /packvm/gadget.sh node printer0')
    return out.strip() if rc == 0 else ''


def _labels(vm):
    rc, out = vm.run(f'cat {STATE}/labels.jsonl 2>/dev/null')
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def _job(tag, n, graphic_bytes=200):
    """n ZPL labels, each different (order number, umlauts, a Code 128, a graphic field), as the
    label renderer makes them. Never contains ~HS or an SGD command (those are answered)."""
    labels = []
    for i in range(n):
        graphic = bytes((i * 7 + k * 13) % 256 for k in range(graphic_bytes)).hex().upper()
        labels.append(
            f'^XA^CI28^FO20,20^A0N,40,40^FD{tag} order {i:05d} Grüße^FS'
            f'^FO20,80^BCN,60,Y,N,N^FD{tag}{i:010d}^FS'
            f'^FO20,200^GFA,{graphic_bytes},{graphic_bytes},10,{graphic}^FS^XZ\r\n')
    return ''.join(labels).encode()


class Command:
    """`packstation SUBCOMMAND ARGS` in the guest, stdout/stderr in files."""
    seq = 0

    def __init__(self, vm, binary, args, background=False):
        Command.seq += 1
        self.vm, self.base = vm, f'/tmp/usbcmd-{Command.seq}'
        cmd = f'{shlex.quote(binary)} {args} </dev/null >{self.base}.out 2>{self.base}.err'
        if background:
            vm.run_host(f'setsid sh -c {shlex.quote(cmd + f"; echo $? > {self.base}.rc")} >/dev/null 2>&1 &',
                        check=True, timeout=60)
        else:
            vm.run_host(f'{cmd}; echo $? > {self.base}.rc', timeout=300)

    def err(self):
        return self.vm.run(f'cat {self.base}.err')[1]

    def out(self):
        return self.vm.run(f'cat {self.base}.out')[1]

    def rc(self):
        rc, out = self.vm.run(f'cat {self.base}.rc 2>/dev/null')
        return int(out) if rc == 0 and out.strip() else None

    def wait_err(self, text, count=1, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.err().count(text) >= count:
                return
            assert self.rc() is None, f'{self.base} ended (rc={self.rc()}) before saying {text!r}:\n{self.err()}'
            time.sleep(0.5)
        raise AssertionError(f'timed out waiting for {text!r}; stderr:\n{self.err()}')

    def wait_done(self, timeout=240):
        deadline = time.monotonic() + timeout
        while self.rc() is None:
            assert time.monotonic() < deadline, f'{self.base} did not finish; stderr:\n{self.err()}'
            time.sleep(0.5)
        return self.rc()


def _print(vm, binary, args, background=False):
    return Command(vm, binary, f'print {args}', background)


def test_usb_job_arrives_byte_exact_in_many_bulk_transfers(vm, binary, usb):
    job = _job('EXACT', 600)
    assert len(job) > 16 * 16384, len(job)                 # many 16 KiB chunks
    before, labels_before = len(vm.printer_received()), len(_labels(vm))
    vm.put_file('/tmp/exact.zpl', job)
    p = _print(vm, binary, f'--printer {usb} /tmp/exact.zpl')
    assert p.rc() == 0, p.err()
    assert p.out().strip() == f'/tmp/exact.zpl: zpl, {len(job)} bytes to {usb}'
    got = vm.printer_received()[before:]
    # the only other bytes are the ~HS asked before the job (is the printer ready?)
    assert got.replace(b'~HS', b'') == job
    printed = _labels(vm)[labels_before:]
    assert [lbl['zpl'] for lbl in printed] == job.decode().split('\r\n')[:-1]
    # packstation gave the interface back: usblp holds it again
    assert _node(vm).startswith('/dev/usb/lp'), 'usblp did not get the printer back'


def test_usb_devices_json_lists_the_printer_with_its_1284_id(vm, binary, usb):
    rc, out = vm.run_host(f'{shlex.quote(binary)} devices --json 2>/tmp/usbdevices.err', timeout=300)
    assert rc == 0, out + vm.run('cat /tmp/usbdevices.err')[1]
    printers = [d for d in json.loads(out)['printers'] if d.get('kind') == 'usb']
    p = vm.printer
    assert len(printers) == 1, printers
    d = printers[0]
    assert d['vid_pid'] == f'{p.vid:04x}:{p.pid:04x}'
    assert d['ieee1284_id'] == p.pnp_string
    assert (d['mfg'], d['mdl'], d['cmd'], d['zpl']) == ('Zebra Technologies', 'ZD421', ['ZPL'], True)
    assert (d['manufacturer'], d['product'], d['serial']) == (p.manufacturer, p.product, p.serial)
    assert d['uri'] == f'{usb}?serial={p.serial}'
    assert d['bidirectional'] is True and 'problem' not in d, d
    # status and label counter came back over bulk IN
    assert d['state']['can_print'] is True and d['state']['conditions'] == []
    labels = _labels(vm)
    assert d['odometer'] == (labels[-1]['odometer'] if labels else 0)
    assert _node(vm).startswith('/dev/usb/lp'), 'usblp did not get the printer back after the listing'


def test_usb_print_waits_while_out_of_labels_and_prints_when_loaded(vm, binary, usb):
    job = _job('PAPER', 5)
    vm.put_file('/tmp/paper.zpl', job)
    before, labels_before = len(vm.printer_received()), len(_labels(vm))
    vm.printer_status(paper_out=True)
    uri = f'{usb}?serial={vm.printer.serial}'             # picked by its serial number
    p = _print(vm, binary, f'--printer {shlex.quote(uri)} /tmp/paper.zpl', background=True)
    p.wait_err(f'{uri}: {OUT_OF_LABELS}')
    time.sleep(2)
    assert p.rc() is None, 'print must wait while the printer is out of labels'
    assert b'PAPER' not in vm.printer_received()[before:], 'nothing of the job may be sent while out of labels'
    vm.printer_status()                                    # labels loaded
    assert p.wait_done() == 0, p.err()
    assert 'ready again, printing' in p.err()
    assert vm.printer_received()[before:].replace(b'~HS', b'') == job
    assert len(_labels(vm)) - labels_before == 5


def test_usb_printer_unplugged_and_replugged_between_two_jobs(vm, binary, usb):
    a, b = _job('PLUGA', 3), _job('PLUGB', 4)
    vm.put_file('/tmp/plug-a.zpl', a)
    vm.put_file('/tmp/plug-b.zpl', b)
    before, labels_before = len(vm.printer_received()), len(_labels(vm))
    # the roll holds exactly job a: the printer is out of labels before job b
    vm.put_file(f'{STATE}/status.new', 'paper_out_after=3\n')
    vm.run(f'mv {STATE}/status.new {STATE}/status', check=True)
    p = _print(vm, binary, f'--printer {usb} /tmp/plug-a.zpl /tmp/plug-b.zpl', background=True)
    p.wait_err(f'{usb}: {OUT_OF_LABELS}')
    assert len(_labels(vm)) - labels_before == 3
    vm.run('sh /packvm/gadget.sh unplug printer0', check=True, timeout=60)
    p.wait_err(f'{usb}: offline — check its power and cable or network')
    vm.run('sh /packvm/gadget.sh replug printer0', check=True, timeout=90)
    p.wait_err(f'{usb}: {OUT_OF_LABELS}', count=2)        # found again: still out of labels
    vm.printer_status()                                    # labels loaded
    assert p.wait_done() == 0, p.err()
    assert vm.printer_received()[before:].replace(b'~HS', b'') == a + b
    printed = [lbl['zpl'] for lbl in _labels(vm)[labels_before:]]
    assert printed == (a + b).decode().split('\r\n')[:-1]   # every label once, in order
    assert p.out().splitlines() == [f'/tmp/plug-a.zpl: zpl, {len(a)} bytes to {usb}',
                                    f'/tmp/plug-b.zpl: zpl, {len(b)} bytes to {usb}']


def test_usb_printer_that_takes_no_data_is_an_error_saying_how_much_it_got(vm, binary, usb):
    job = _job('STALL', 600)
    vm.put_file('/tmp/stall.zpl', job)
    before = len(vm.printer_received())
    vm.put_file(f'{STATE}/status.new', 'stall_after=65536\n')     # hangs after 64 KiB
    vm.run(f'mv {STATE}/status.new {STATE}/status', check=True)
    p = _print(vm, binary, f'--printer {usb} /tmp/stall.zpl')
    assert p.rc() == 1, p.err()
    m = re.search(rf'{re.escape(usb)}: the USB printer took no data for 30 s \(it got (\d+) of {len(job)} bytes\)'
                  r' — check that it is on, has labels and is not paused, then send the job again\.', p.err())
    assert m, p.err()
    got = int(m.group(1))
    assert 65536 <= got < len(job)
    vm.printer_status()                    # working again: it reads what it had taken
    deadline = time.monotonic() + 30
    while len(vm.printer_received()[before:].replace(b'~HS', b'')) < got and time.monotonic() < deadline:
        time.sleep(0.5)
    assert vm.printer_received()[before:].replace(b'~HS', b'') == job[:got]   # the count is exact


ODOMETER_QUERY = b'! U1 getvar "odometer.total_label_count"\r\n'


def test_usb_bulk_run_out_of_labels_midway_prints_every_label_once(vm, binary, usb, tmp_path_factory):
    """`batch start` to the USB printer: chunks of 50, counted by the printer's label counter; the
    roll ends at label 70 (mid-chunk): the run waits, says what to do, and after the reload every
    label has come out exactly once, in order, and the printer got exactly the label files."""
    # the guest's /tmp is the host's /tmp (read-only lower layer): files made here are seen there
    src = tmp_path_factory.mktemp('usbrun', numbered=True)
    files = []
    for i in range(1, 121):
        zpl = f'^XA^CI28^FO20,20^A0N,40,40^FDRun label {i:04d} Straße^FS^FO20,80^BCN,60,Y,N,N^FDR{i:06d}^FS^XZ\n'
        (src / f'label-{i:04d}.zpl').write_text(zpl)
        files.append(zpl.encode())
    before, labels_before = len(vm.printer_received()), len(_labels(vm))
    vm.put_file(f'{STATE}/status.new', 'paper_out_after=70\n')
    vm.run(f'mv {STATE}/status.new {STATE}/status', check=True)
    run = Command(vm, binary, f'batch start --printer {usb} --labels {src} --chunk 50 --data-dir /tmp/usbrun-data-{os.getpid()}',
                  background=True)
    run.wait_err(OUT_OF_LABELS)
    assert len(_labels(vm)) - labels_before == 70
    time.sleep(3)
    assert run.rc() is None, 'the run must wait while the printer is out of labels'
    vm.printer_status()                                    # labels loaded
    assert run.wait_done(timeout=300) == 0, run.err()
    run_id = run.out().splitlines()[0].strip()
    assert run_id, run.out()
    printed = [lbl['zpl'] + '\n' for lbl in _labels(vm)[labels_before:]]
    assert printed == [f.decode() for f in files]            # each once, in order
    odometers = [lbl['odometer'] for lbl in _labels(vm)[labels_before:]]
    assert odometers == list(range(odometers[0], odometers[0] + 120))
    sent = vm.printer_received()[before:].replace(b'~HS', b'').replace(ODOMETER_QUERY, b'')
    assert sent == b''.join(files)                         # byte-exact, nothing sent twice
