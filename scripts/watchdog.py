#!/usr/bin/env python3
"""Runs one step of the test suite under a time limit, and says why when it is passed.

    python3 scripts/watchdog.py --limit SECONDS --name NAME -- COMMAND [ARG...]

The command runs in a process group of its own with its output passed through. Past the limit,
before stopping it, this prints what a hang needs to be found: every process (a tree, with how
long each ran and where it waits), the Swift tests that started and never ended (read from the output,
Swift Testing's "started"/"passed"/"failed" lines), and every thread's stack of each test process
(gdb, when installed). Then the group gets SIGTERM, and SIGKILL 10 s later. Exit status: the
command's, or 124 when the limit was passed (like timeout(1)), or 125 after a stall
(--stall: no output for that long). Each step's wall time is
printed after it (the figures of docs/benchmarks.md "What the test suite costs").

A step that hangs thus fails in bounded time with its cause in the CI log, instead of the whole
run reaching CI's own limit with nothing said.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

STARTED = re.compile(r"Test (.+?) started\.")
ENDED = re.compile(r"Test (.+?) (?:passed|failed|skipped)\b")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=float, required=True, help="seconds")
    p.add_argument("--name", required=True)
    p.add_argument("--stall", type=float, help="seconds without a line of output that count as a stall: the same "
                   "diagnostics, then the command is stopped and the exit status is 125")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not command:
        p.error("no command")

    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
    last_output = [time.monotonic()]
    running = {}  # test name -> times started minus times ended (parameterized tests start per case)
    lock = threading.Lock()

    def pump():
        out = sys.stdout.buffer
        for line in iter(child.stdout.readline, b""):
            out.write(line)
            out.flush()
            last_output[0] = time.monotonic()
            text = line.decode("utf-8", "replace")
            m = ENDED.search(text)
            if m:
                with lock:
                    running[m.group(1)] = running.get(m.group(1), 0) - 1
                continue
            m = STARTED.search(text)
            if m and "Test case passing" not in text:
                with lock:
                    running[m.group(1)] = running.get(m.group(1), 0) + 1

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    started = time.monotonic()
    stalled = False
    while True:
        try:
            code = child.wait(timeout=5)
            reader.join(timeout=10)
            print(f"-- '{a.name}' took {time.monotonic() - started:.0f} s (exit {code}) --", flush=True)
            return code
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() - started > a.limit:
            break
        if a.stall and time.monotonic() - last_output[0] > a.stall:
            stalled = True
            break

    say = lambda text: print(text, flush=True)
    if stalled:
        say(f"\n== watchdog: '{a.name}' printed nothing for {a.stall:.0f} s (a stall); what was running ==")
    else:
        say(f"\n== watchdog: '{a.name}' passed its {a.limit:.0f} s limit; what was running ==")
    # Every process, as a tree: test peers started in sessions of their own show too.
    say(subprocess.run(["ps", "-eo", "pid,ppid,etime,stat,wchan:20,args", "--forest"], capture_output=True, text=True).stdout)
    with lock:
        unfinished = sorted(name for name, n in running.items() if n > 0)
    if unfinished:
        say(f"-- Swift tests started and not ended ({len(unfinished)}) --")
        for name in unfinished:
            say(f"  {name}")
    if shutil.which("gdb"):
        pids = subprocess.run(["pgrep", "-g", str(child.pid), "-f", r"xctest|PackageTests"], capture_output=True, text=True).stdout.split()
        for pid in pids:
            say(f"-- every thread's stack of process {pid} (gdb) --")
            r = subprocess.run(["gdb", "-p", pid, "-batch", "-nx", "-ex", "set pagination off", "-ex", "thread apply all bt 30"],
                               capture_output=True, text=True, timeout=300)
            say("\n".join(l for l in r.stdout.splitlines() if l.startswith(("#", "Thread"))))
    else:
        say("(gdb is not installed: no stacks)")
    os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    say(f"== watchdog: '{a.name}' stopped {'after a stall' if stalled else f'after its {a.limit:.0f} s limit'} ==")
    return 125 if stalled else 124


if __name__ == "__main__":
    sys.exit(main())
