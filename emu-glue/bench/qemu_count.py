# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest instructions QEMU executes for a session, from its icount.

With -icount, QEMU counts every guest instruction it executes; QMP's
query-replay returns that count (its "icount" field) even when record/replay
is off. QEMU starts paused (-S) so the PL011 FIFO already holds the first keys
when the guest starts, and -no-shutdown keeps it (paused) after the guest's
`halt` so the count can be read. The UART holds 16 keys; QEMU's main loop
refills it while the guest runs, and on a busy machine the guest may have to
wait for a key, running more instructions while it waits. A wait only ever
adds, and waits vary, so the count without waits is the smallest one, taken
once it has come out of two runs.

The count includes the handful of instructions of QEMU's boot stub before the
kernel; subtract a boot-only session's count to get a command's work.
"""
import json
import os
import socket
import subprocess
import tempfile
import time

# The machine and the icount flags of scripts/run-session.sh (keep them equal).
QEMU_SESSION = [
    "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M", "-nographic",
    "-icount", "shift=7,align=off,sleep=off",
]


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(200):
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.02)
        else:
            raise SystemExit(f"qemu_count: no QMP socket at {path}")
        self.file = self.sock.makefile("rw")
        self.file.readline()  # the greeting
        self.execute("qmp_capabilities")

    def execute(self, command):
        self.file.write(json.dumps({"execute": command}) + "\n")
        self.file.flush()
        while True:
            line = self.file.readline()
            if not line:
                raise SystemExit(f"qemu_count: QEMU closed QMP during {command}")
            reply = json.loads(line)
            if "error" in reply:
                raise SystemExit(f"qemu_count: {command}: {reply['error']}")
            if "return" in reply:  # anything else is an event
                return reply["return"]

    def close(self):
        self.sock.close()


def icount_once(kernel, keys_path, timeout=600):
    with tempfile.TemporaryDirectory() as tmp, open(keys_path, "rb") as keys:
        path = os.path.join(tmp, "qmp.sock")
        argv = QEMU_SESSION + ["-S", "-no-shutdown", "-qmp", f"unix:{path},server=on,wait=off",
                               "-kernel", kernel]
        proc = subprocess.Popen(argv, stdin=keys, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            qmp = Qmp(path)
            time.sleep(0.5)  # QEMU's main loop fills the UART FIFO from stdin
            qmp.execute("cont")
            deadline = time.monotonic() + timeout
            while qmp.execute("query-status")["status"] != "shutdown":
                if time.monotonic() > deadline:
                    raise SystemExit(f"qemu_count: the guest did not halt within {timeout} s")
                time.sleep(0.02)
            count = qmp.execute("query-replay")["icount"]
            qmp.execute("quit")
            qmp.close()
        finally:
            if proc.poll() is None:
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return count


def qemu_instructions(kernel, keys_path, max_attempts=10):
    """The session's guest instructions in QEMU (the session must end with
    halt), and whether that smallest count came out twice (if not, waits for
    keys may be in it)."""
    counts = []
    while len(counts) < max_attempts:
        counts.append(icount_once(kernel, keys_path))
        if counts.count(min(counts)) >= 2:
            return min(counts), True
    return min(counts), False
