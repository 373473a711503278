"""The guest's devices are real kernel devices: evdev nodes made by usbhid for the scanner
gadgets, and a usblp printer for the printer gadget. Needs QEMU (see conftest.py)."""
import os
import re
import shlex

import pytest

import hidkeys
import packvm

EV_KEY, EV_MSC, EV_SYN = hidkeys.EV_KEY, hidkeys.EV_MSC, hidkeys.EV_SYN


def _device(vm, vid, pid):
    devs = [d for d in vm.input_devices() if d.get('vendor') == vid and d.get('product') == pid]
    assert len(devs) == 1, f'{vid:04x}:{pid:04x} in /proc/bus/input/devices: {vm.input_devices()}'
    return devs[0]


def _sysfs(vm, node, attr):
    return vm.run(f'cat /sys/class/input/{os.path.basename(node)}/device/{attr}', check=True)[1].strip()


# ------------------------------------------------------------------------------ scanners
@pytest.mark.parametrize('i', [0, 1])
def test_scanner_is_a_usb_input_device(vm, i):
    s = vm.scanners[i]
    node = vm.event_node(i)
    assert node and re.fullmatch(r'/dev/input/event\d+', node), node
    assert vm.run(f'[ -c {node} ]')[0] == 0
    d = _device(vm, s.vid, s.pid)
    assert d['bus'] == 0x0003                                   # BUS_USB
    assert d['name'] == f'{s.manufacturer} {s.product}'
    assert os.path.basename(node) in d['handlers'].split()
    assert 'kbd' in d['handlers'].split()
    assert _sysfs(vm, node, 'id/vendor') == f'{s.vid:04x}'
    assert _sysfs(vm, node, 'id/product') == f'{s.pid:04x}'
    # the USB device underneath: usbhid bound to a HID boot-keyboard interface (3/1/1)
    usbdev = vm.run(f'cd -P /sys/class/input/{os.path.basename(node)}/device/../../.. && pwd', check=True)[1].strip()
    attrs = vm.run(f'cd {usbdev}/.. && cat idVendor idProduct product serial {usbdev}/bInterfaceClass '
                   f'{usbdev}/bInterfaceSubClass {usbdev}/bInterfaceProtocol; basename $(readlink {usbdev}/driver)',
                   check=True)[1].split('\n')
    assert attrs[:8] == [f'{s.vid:04x}', f'{s.pid:04x}', s.product, s.serial, '03', '01', '01', 'usbhid'], attrs


def test_typing_produces_raw_input_events(vm):
    text = 'ABC-123\n'
    data = vm.capture(0, text)
    assert data and len(data) % 24 == 0, len(data)
    events = hidkeys.parse_events(data)
    reports = hidkeys.text_reports(text)
    assert hidkeys.key_frames(events) == hidkeys.expected_key_frames(reports)
    presses = [c for _, _, t, c, v in events if t == EV_KEY and v == 1]
    # A=30 B=48 C=46 -=12 1=2 2=3 3=4 Enter=28, Shift (42) for the capitals
    assert presses == [42, 30, 42, 48, 42, 46, 12, 2, 3, 4, 28]
    # usbhid reports every key's HID usage as MSC_SCAN (0x70000 | usage) before it
    scans = [v for _, _, t, c, v in events if t == EV_MSC and c == hidkeys.MSC_SCAN]
    assert 0x70004 in scans and 0x70028 in scans and 0x700e1 in scans
    assert events[-1][2:] == (EV_SYN, hidkeys.SYN_REPORT, 0)
    stamps = [s + u / 1e6 for s, u, *_ in events]
    assert stamps == sorted(stamps)
    assert hidkeys.decode(events) == text


def test_second_scanner_other_layout(vm):
    text = 'Grüße-Zürich@5€\n'
    data = vm.capture(1, text, layout='de')
    events = hidkeys.parse_events(data)
    assert hidkeys.key_frames(events) == hidkeys.expected_key_frames(hidkeys.text_reports(text, 'de'))
    assert hidkeys.decode(events, 'de') == text
    assert hidkeys.decode(events, 'us') != text     # the layout matters


def test_two_scanners_at_once(vm):
    n0, n1 = vm.event_nodes()
    assert n0 and n1 and n0 != n1
    vm.start_reader(n0, '/run/packvm/both0.bin')
    vm.start_reader(n1, '/run/packvm/both1.bin')
    try:
        vm.type(0, '4006381333931\n')
        vm.type(1, 'SN-0042\n')
        vm.type(0, '42\n')
    finally:
        vm.stop_reader('/run/packvm/both0.bin')
        vm.stop_reader('/run/packvm/both1.bin')
    ev0 = hidkeys.parse_events(vm.get_file('/run/packvm/both0.bin'))
    ev1 = hidkeys.parse_events(vm.get_file('/run/packvm/both1.bin'))
    assert hidkeys.decode(ev0) == '4006381333931\n42\n'
    assert hidkeys.decode(ev1) == 'SN-0042\n'


def test_unplug_and_replug(vm):
    s = vm.scanners[1]
    before = vm.event_node(1)
    vm.unplug(1)
    try:
        assert vm.event_node(1) is None
        assert vm.run(f'[ -e {before} ]')[0] != 0, f'{before} still exists after unplug'
        assert not [d for d in vm.input_devices() if d.get('vendor') == s.vid and d.get('product') == s.pid]
        assert vm.event_node(0), 'unplugging scanner 1 must not affect scanner 0'
    finally:
        after = vm.replug(1)
    assert re.fullmatch(r'/dev/input/event\d+', after) and vm.event_node(1) == after
    assert _sysfs(vm, after, 'id/vendor') == f'{s.vid:04x}'
    assert hidkeys.decode(hidkeys.parse_events(vm.capture(1, 'back\n'))) == 'back\n'


def test_led_output_reports_reach_the_scanner(vm):
    """CapsLock toggled on the scanner makes the guest's keyboard handler set the LED; usbhid
    sends that as an output report to the gadget (logged by gadget.sh)."""
    before = len(vm.get_file('/run/packvm/scanner0.leds'))
    vm.type(0, hidkeys.caps_lock())
    vm.run('usleep 300000')
    vm.type(0, hidkeys.caps_lock())
    vm.run('usleep 300000')
    leds = vm.get_file('/run/packvm/scanner0.leds')[before:]
    assert 0x02 in leds and leds[-1] & 0x02 == 0, leds.hex()    # bit 1 = CapsLock on, then off


# ------------------------------------------------------------------------------ printer
def test_printer_is_a_usb_printer(vm):
    p = vm.printer
    assert vm.lp_node == '/dev/usb/lp0'
    intf = f'/sys/class/usbmisc/{os.path.basename(vm.lp_node)}/device'
    out = vm.run(f'cat {intf}/bInterfaceClass {intf}/bInterfaceSubClass {intf}/bInterfaceProtocol '
                 f'{intf}/../idVendor {intf}/../idProduct {intf}/../manufacturer {intf}/../product; '
                 f'basename $(readlink {intf}/driver)', check=True)[1].split('\n')
    assert out[:8] == ['07', '01', '02', f'{p.vid:04x}', f'{p.pid:04x}', p.manufacturer, p.product, 'usblp'], out
    assert vm.run(f'cat {intf}/ieee1284_id', check=True)[1].strip() == p.pnp_string


def test_printer_1284_id_via_ioctl_with_host_python(vm):
    """LPIOC_GET_DEVICE_ID on /dev/usb/lp0, run by the host's python3 inside the guest."""
    code = ('import fcntl, os\n'
            'fd = os.open("/dev/usb/lp0", os.O_RDWR)\n'
            'buf = bytearray(1024)\n'
            'fcntl.ioctl(fd, (2 << 30) | (1024 << 16) | (ord("P") << 8) | 1, buf)  # LPIOC_GET_DEVICE_ID(1024)\n'
            'n = int.from_bytes(buf[:2], "big")\n'
            'print(n, buf[2:n].decode())\n')
    rc, out = vm.run_host(f'python3 -c {shlex.quote(code)}')
    assert rc == 0, out
    n, ident = out.strip().split(' ', 1)
    assert ident == vm.printer.pnp_string and int(n) == len(ident) + 2


def test_printer_receives_bytes_exactly(vm):
    job = (b'^XA^CI28^FO20,20^A0N,40,40^FDOrder 4711 \xc3\xa4\xc3\xb6\xc3\xbc^FS'
           b'^FO20,80^BCN,60,Y,N,N^FD0123456789^FS^XZ\r\n') + bytes(range(256)) * 64 + os.urandom(4096)
    before = len(vm.printer_received())
    vm.put_file('/tmp/job.bin', job)
    vm.run('cat /tmp/job.bin > /dev/usb/lp0', check=True, timeout=60)
    got = b''
    for _ in range(50):
        got = vm.printer_received()[before:]
        if len(got) >= len(job):
            break
        vm.run('usleep 100000')
    assert got == job


def _host_status(vm):
    code = ('import os, select, sys\n'
            'fd = os.open("/dev/usb/lp0", os.O_RDWR)\n'
            'os.write(fd, b"~HS")\n'
            'buf = b""\n'
            'while buf.count(b"\\r\\n") < 3 and select.select([fd], [], [], 5)[0]:\n'
            '    buf += os.read(fd, 512)\n'
            'sys.stdout.write(buf.hex())\n')
    rc, out = vm.run_host(f'python3 -c {shlex.quote(code)}')
    assert rc == 0, out
    return bytes.fromhex(out.strip())


def test_printer_answers_host_status(vm):
    reply = _host_status(vm)
    lines = reply.split(b'\r\n')
    assert len(lines) == 4 and lines[3] == b'', reply
    for line in lines[:3]:
        assert line[:1] == b'\x02' and line[-1:] == b'\x03', line
    s1 = lines[0][1:-1].split(b',')
    assert len(s1) == 12 and s1[1] == b'0'            # paper out flag
    vm.printer_status(paper_out=True, pause=True)
    try:
        s1 = _host_status(vm).split(b'\r\n')[0][1:-1].split(b',')
        assert s1[1] == b'1' and s1[2] == b'1'
    finally:
        vm.printer_status()
    assert _host_status(vm).split(b'\r\n')[0][1:-1].split(b',')[1] == b'0'
    assert b'~HS' in vm.printer_received()


# ------------------------------------------------------------------------------ host binaries
def test_host_binaries_run_on_the_guest_kernel(vm):
    rc, out = vm.run_host('python3 -c "import os; print(os.uname().release)"; ls /dev/input/')
    assert rc == 0, out
    release, nodes = out.split('\n', 1)
    assert release == vm.kver                       # host userland, guest kernel
    assert os.path.basename(vm.event_node(0)) in nodes.split()


def test_packstation_binary_runs_in_guest(vm):
    exe = os.path.join(packvm.REPO, '.build', 'debug', 'packstation')
    if not os.access(exe, os.X_OK):
        pytest.skip(f'{exe} not built (swift build)')
    rc, out = vm.run_host(f'{shlex.quote(exe)} --help', cwd=packvm.REPO, timeout=300)
    assert rc == 0, out
