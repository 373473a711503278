"""Scanners under a real udevd in the QEMU guest: our rules (udev/*.rules) tag the scanners'
event nodes, a site rule can keep a scanner away (PACKSTATION_SCANNER=0), the agent picks
scanners by that property, and hotplug goes through libudev's monitor (netlink), not inotify.
udevd is stopped at the end, so the other tests see the guest as before."""
import os
import shlex
import time

from test_scanner import ROOT, binary  # noqa: F401  (the fixture)

UDEVD = '/lib/systemd/systemd-udevd'


def test_udev_rules_tag_scanners_and_hotplug_goes_through_the_udev_monitor(vm, binary):
    rc, out = vm.run_host(f'test -x {UDEVD} && echo yes', timeout=30)
    assert 'yes' in out, f'{UDEVD} is missing in the host root (Debian package udev)'
    # Our rules plus a site rule that keeps the Symbol scanner away from the agent.
    setup = (f'mkdir -p /etc/udev/rules.d /run/udev && cp {ROOT}/udev/*.rules /etc/udev/rules.d/ && '
             'printf \'SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="05e0", ENV{PACKSTATION_SCANNER}="0"\\n\' '
             '> /etc/udev/rules.d/61-site.rules && '
             # udevadm refuses to act in a chroot (the guest runs host binaries in one) unless told.
             f'{UDEVD} --daemon && export SYSTEMD_IGNORE_CHROOT=1 && udevadm trigger --action=add --subsystem-match=input && udevadm settle -t 60')
    rc, out = vm.run_host(setup, timeout=120)
    assert rc == 0, out
    base = '/tmp/udev-listen'
    try:
        rc, info = vm.run_host('for n in /dev/input/event*; do echo "== $n"; SYSTEMD_IGNORE_CHROOT=1 udevadm info -q property "$n" | grep -E "ID_VENDOR_ID|PACKSTATION"; done', timeout=60)
        assert 'PACKSTATION_SCANNER=1' in info and 'PACKSTATION_SCANNER=0' in info, info
        vm.run_host(f'setsid {shlex.quote(binary)} scan --listen --no-autodetect </dev/null >{base}.out 2>{base}.err & echo $! > {base}.pid',
                    check=True, timeout=60)

        def err():
            return vm.run_host(f'cat {base}.err', timeout=60)[1]

        def wait(predicate, what, timeout=240):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                text = err()
                if predicate(text):
                    return text
                time.sleep(1)
            raise AssertionError(f'timed out waiting for {what}:\n{err()}')

        text = wait(lambda t: 'scanner attached' in t, 'the Honeywell scanner')
        assert 'hotplug: udev monitor' in text, text
        attached = [line for line in text.splitlines() if line.startswith('scanner attached')]
        assert len(attached) == 1 and '0c2e:0b61' in attached[0] and 'udev PACKSTATION_SCANNER=1' in attached[0], text
        scanner_id = attached[0].split()[2]
        time.sleep(5)  # a cold binary pages in over 9p (see test_scanner.SETTLE)
        vm.type(1, 'UDEV-1\n')
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and 'UDEV-1' not in vm.run_host(f'cat {base}.out', timeout=60)[1]:
            time.sleep(1)
        assert 'UDEV-1' in vm.run_host(f'cat {base}.out', timeout=60)[1], err()

        vm.unplug(1)
        wait(lambda t: f'scanner detached: {scanner_id}' in t, 'the detach')
        vm.replug(1)
        wait(lambda t: sum(line.startswith('scanner attached') for line in t.splitlines()) >= 2, 'the re-attach')
        again = [line for line in err().splitlines() if line.startswith('scanner attached')][-1]
        assert scanner_id in again and 'udev PACKSTATION_SCANNER=1' in again, again
        assert '05e0:1200' not in err(), 'the scanner the site rule keeps away was used'
    finally:
        vm.run(f'p=$(cat {base}.pid 2>/dev/null); [ -n "$p" ] && kill $p 2>/dev/null; n=0; while [ -n "$p" ] && kill -0 $p 2>/dev/null; do '
               f'n=$((n+1)); [ $n -gt 100 ] && kill -9 $p; usleep 100000; done', timeout=60)
        vm.run_host('SYSTEMD_IGNORE_CHROOT=1 udevadm control --exit 2>/dev/null; pkill -f systemd-udevd; rm -f /etc/udev/rules.d/61-site.rules /etc/udev/rules.d/6*-packstation-*.rules; rm -rf /run/udev', timeout=60)
