"""`packstation run` on real evdev scanners in the QEMU guest: two scanners bound to two benches
by their vendor:product (station.toml [[bench]] scanners), two orders packed at once, each
label from its own bench's printer; SIGTERM stops the agent and releases the grabs."""
import json
import os
import shlex
import tempfile
import time

from test_scanner import BIN, binary  # noqa: F401  (the fixture)


def order(oid, gtin):
    return {"id": oid, "barcodes": [f"ORD-{oid}"], "status": "ready", "payment": "captured",
            "lines": [{"sku": f"S-{oid}", "quantity": 2, "barcodes": [gtin]}],
            "shipment": {"carrier": "DHL", "service": "Express", "tracking": f"JD{oid}",
                         "from": {"name": "Warehouse", "street": ["Hafenstr. 1"], "city": "Hamburg", "postal_code": "20457", "country": "DE"},
                         "to": {"name": "Eve", "street": ["Main St 1"], "city": "Berlin", "postal_code": "10115", "country": "DE"}}}


def test_two_scanners_feed_two_benches(vm, binary):
    work = tempfile.mkdtemp(prefix='packstation-benches-', dir='/tmp')  # /tmp is shared with the guest
    with open(os.path.join(work, 'orders.jsonl'), 'w') as f:
        f.write(json.dumps(order('3001', '4006381333931')) + '\n' + json.dumps(order('3002', '036000291452')) + '\n')
    with open(os.path.join(work, 'station.toml'), 'w') as f:
        f.write(f'''[station]
name = "guest-box"
orders_file = "{work}/orders.jsonl"
data_dir = "/var/lib/packstation-vmtest{os.path.basename(work)}"

[printer]
format = "zpl"

[kiosk]
enabled = false

[[bench]]
name = "left"
scanners = ["05e0:1200"]
printer = "file://{work}/left/"

[[bench]]
name = "right"
scanners = ["0c2e:0b61"]
printer = "file://{work}/right/"
''')
    log = f'{work}/agent.log'
    vm.run_host(f'setsid {shlex.quote(binary)} run --config {work}/station.toml --log-level debug </dev/null >{log} 2>&1 & '
                f'echo $! > {work}/agent.pid', check=True, timeout=60)

    # The guest sees the host's /tmp through a read-only share with a tmpfs overlay: what the
    # agent writes there is read back through the guest.
    def text():
        return vm.run_host(f'cat {log} 2>/dev/null', timeout=60)[1]

    def wait(predicate, what, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(text()):
                return
            time.sleep(1)
        raise AssertionError(f'timed out waiting for {what}; agent log:\n{text()}')

    try:
        wait(lambda t: 'bench=left' in t and 'bench=right' in t and t.count('scanner attached') >= 2, 'both scanners bound')
        time.sleep(5)  # the cold binary pages in over 9p on the emulated CPU (see test_scanner.SETTLE)
        # Interleaved, as two packers would scan.
        steps = [(0, 'ORD-3001'), (1, 'ORD-3002'), (0, '4006381333931'), (1, '036000291452'), (1, '4006381333931'),
                 (0, '4006381333931'), (1, '036000291452')]
        for n, (scanner, data) in enumerate(steps, start=1):
            vm.type(scanner, data + '\n')
            wait(lambda t, n=n: t.count('] verdict') >= n or 'were lost' in t, f'verdict {n}', timeout=90)
        t = text()
        assert 'were lost' not in t, t
        verdicts = [line for line in t.splitlines() if '] verdict' in line]
        right_wrong = [v for v in verdicts if 'bench=right' in v and 'verdict=wrong_item' in v]
        assert len(right_wrong) == 1, verdicts  # the left order's GTIN scanned at the right bench
        assert sum('verdict=order_complete' in v for v in verdicts) == 2, verdicts
        assert any('bench=left' in v and 'order.id=3001' in v and 'order_complete' in v for v in verdicts), verdicts
        assert any('bench=right' in v and 'order.id=3002' in v and 'order_complete' in v for v in verdicts), verdicts
        wait(lambda t: t.count('label printed') >= 2, 'two labels printed', timeout=120)
        left = vm.run_host(f'ls {work}/left', timeout=60)[1].split()
        right = vm.run_host(f'ls {work}/right', timeout=60)[1].split()
        assert len(left) == 1 and '3001' in left[0], left
        assert len(right) == 1 and '3002' in right[0], right
    finally:
        vm.run(f'p=$(cat {work}/agent.pid); kill $p 2>/dev/null; n=0; while kill -0 $p 2>/dev/null; do '
               f'n=$((n+1)); [ $n -gt 300 ] && kill -9 $p; usleep 100000; done', timeout=60)
    assert 'scanner detached' in text() or 'packstation starting' in text()
