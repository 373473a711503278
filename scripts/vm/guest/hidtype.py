"""Writes 8-byte HID reports from stdin to a hidg gadget node, one per write, `gap_ms` apart.

A real scanner's reports arrive one per HID interrupt interval (1-10 ms) and a real bench
box's CPU decodes them many times faster than that. The emulated guest CPU (TCG, no KVM)
is 10-50x slower than the host while the gadget's clock runs in real time, so reports
flooded back to back overflow evdev's 64-event buffer before the debug build's reader
is scheduled. Pacing the reports keeps the ratio of input rate to CPU speed realistic."""
import os
import sys
import time

dev, gap = sys.argv[1], float(sys.argv[2]) / 1000
data = sys.stdin.buffer.read()
fd = os.open(dev, os.O_WRONLY)
try:
    for i in range(0, len(data), 8):
        os.write(fd, data[i:i + 8])
        if gap:
            time.sleep(gap)
finally:
    os.close(fd)
