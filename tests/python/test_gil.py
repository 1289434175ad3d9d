# SPDX-License-Identifier: Apache-2.0
"""The GIL is released while the package waits for a file.

Each case runs in a child process: the main thread's call opens a file that
is a FIFO, which blocks until a writer opens it; a Python thread keeps trying
to open it for writing without blocking, which fails until a reader holds it
open. The thread's first try is made (and fails) before the call starts, so
it can only succeed by running Python code while the call is blocked: with
the GIL held through the call, neither thread could go on and the child would
hang, which the time-out below turns into a failure. Then the call fails:
the FIFO is empty as a checkpoint file (data loss), and an event file is
read with pread, which a FIFO refuses ("Illegal seek").
"""
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(r"""
    import errno, os, sys, threading, time
    import numpy as np
    from tfcompat import summary, train
    import tfcompat

    case, directory = sys.argv[1], sys.argv[2]
    prefix = os.path.join(directory, "model.ckpt-1")
    train.save_checkpoint(prefix, {"w": np.arange(4, dtype=np.float32)})
    reader = train.load_checkpoint(prefix) if case == "get_tensor" else None
    fifo = {"get_tensor": prefix + ".data-00000-of-00001", "load_checkpoint": prefix + ".index",
            "events": os.path.join(directory, "events.out.tfevents.1.host")}[case]
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)

    first_try_failed = threading.Event()
    opened = []

    def open_for_writing():
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                assert e.errno == errno.ENXIO, e  # no reader yet
                first_try_failed.set()
                time.sleep(0.001)
                continue
            opened.append(True)
            os.close(fd)
            return

    thread = threading.Thread(target=open_for_writing)
    thread.start()
    first_try_failed.wait()
    try:
        if case == "get_tensor":
            reader.get_tensor("w")
        elif case == "load_checkpoint":
            train.load_checkpoint(prefix)
        else:
            list(summary.events(fifo))
        outcome = "no error"
    except tfcompat.errors.OpError as e:
        outcome = type(e).__name__
    thread.join()
    print(outcome, "opened" if opened else "not opened")
""")


@pytest.mark.parametrize("case, outcome", [("load_checkpoint", "DataLossError"), ("get_tensor", "DataLossError"),
                                           ("events", "UnknownError")])
def test_a_read_blocked_on_a_file_lets_other_threads_run(tmp_path, case, outcome):
    try:
        result = subprocess.run([sys.executable, "-c", CHILD, case, str(tmp_path)],
                                capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case}: the call held the GIL while blocked (the child hung)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rsplit(" ", 1) == [outcome, "opened\n"], result.stdout + result.stderr
