"""pytest setup for the QEMU guest tests (scripts/vm/packvm.py).

One guest is booted per test session (two scanners + the Zebra printer) and shared.

If the guest kernel or QEMU is missing:
* with CI=true or PACKSTATION_VM_SETUP=1, scripts/vm/setup.sh is run first (apt-get installs,
  kernel download, initramfs build; ~1 min on a fresh machine);
* otherwise the VM tests are skipped with the reason, unless PACKSTATION_VM_REQUIRED=1, which
  turns that into a failure.
Tests that need no guest (test_evdev_fixtures.py) always run.
"""
import os
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'vm'))

import packvm  # noqa: E402

_T0 = time.monotonic()
_STATS = {}


def _want_setup():
    return os.environ.get('CI', '').lower() == 'true' or os.environ.get('PACKSTATION_VM_SETUP') == '1'


@pytest.fixture(scope='session')
def vm():
    reason = packvm.GuestVM.unavailable_reason()
    if reason and _want_setup():
        t = time.monotonic()
        try:
            packvm.ensure_setup(quiet=True)
        except packvm.GuestUnavailable as e:
            reason = str(e)
        else:
            reason = packvm.GuestVM.unavailable_reason()
        _STATS['setup'] = time.monotonic() - t
    if reason:
        if os.environ.get('PACKSTATION_VM_REQUIRED') == '1':
            pytest.fail(f'QEMU guest required but unavailable: {reason}')
        pytest.skip(f'QEMU guest unavailable: {reason}')
    log_dir = os.environ.get('PACKSTATION_VM_LOG_DIR')
    with packvm.GuestVM(scanners=[packvm.Scanner(), packvm.HONEYWELL], printer=True, log_dir=log_dir) as g:
        _STATS.update(kernel=g.kver, boot=g.boot_seconds, ready=g.ready_seconds, uptime=g.guest_uptime_at_hello,
                      **{f'{k}_setup': v for k, v in g.timings.items()})
        print(f'\n[packvm] kernel {g.kver}: agent up {g.boot_seconds:.2f}s, '
              f'2 scanners + printer ready {g.ready_seconds:.2f}s after QEMU start')
        yield g


def pytest_terminal_summary(terminalreporter):
    if not _STATS:
        return
    s = _STATS
    tr = terminalreporter
    tr.write_sep('-', 'packvm timings')
    if 'setup' in s:
        tr.write_line(f"scripts/vm/setup.sh: {s['setup']:.1f}s")
    if 'boot' in s:
        tr.write_line(f"guest {s['kernel']}: QEMU start -> agent {s['boot']:.2f}s (guest uptime {s['uptime']:.2f}s); "
                      f"-> 2 scanners + printer + fake Zebra ready {s['ready']:.2f}s")
        tr.write_line('  ' + ', '.join(f'{k} {v:.2f}s' for k, v in s.items() if k.endswith('_setup')))
    tr.write_line(f'total test time {time.monotonic() - _T0:.1f}s')
