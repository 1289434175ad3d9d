# SPDX-License-Identifier: Apache-2.0
"""Peers of export_bench: read every scalar of LOGDIR with TensorBoard's
EventAccumulator (size_guidance 0: keep everything; one accumulator per run
directory, as TensorBoard's multiplexer has) or with tbparse
(SummaryReader(LOGDIR).scalars, with the wall_time and dir_name columns).
Prints "<scalar events> <CPU seconds> <wall seconds>", or exits 3 when the
module is missing."""
import os
import sys
import time


def event_accumulator(logdir):
    from tensorboard.backend.event_processing import event_accumulator as ea

    count = 0
    for directory, _, files in sorted(os.walk(logdir)):
        if not any("tfevents" in f for f in files):
            continue
        acc = ea.EventAccumulator(directory, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
        acc.Reload()
        count += sum(len(acc.Scalars(tag)) for tag in acc.Tags()[ea.SCALARS])
    return count


def tbparse_scalars(logdir):
    from tbparse import SummaryReader

    frame = SummaryReader(logdir, extra_columns={"wall_time", "dir_name"}).scalars
    return len(frame)


def main():
    peer, logdir = sys.argv[1], sys.argv[2]
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        count = {"event_accumulator": event_accumulator, "tbparse": tbparse_scalars}[peer](logdir)
    except ImportError as e:
        print(e, file=sys.stderr)
        sys.exit(3)
    print(count, time.process_time() - cpu, time.perf_counter() - wall)


if __name__ == "__main__":
    main()
