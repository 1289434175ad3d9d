# SPDX-License-Identifier: Apache-2.0
"""tensorboardX peer of summary_bench: N add_scalar calls, one writer, wall
clock including close(). Prints "<events/s> <bytes/event>" (the first,
file_version record excluded)."""
import os
import sys
import time

from tensorboardX import SummaryWriter


def main():
    n, logdir = int(sys.argv[1]), sys.argv[2]
    writer = SummaryWriter(logdir)
    writer.flush()
    header = sum(os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir))
    start = time.perf_counter()
    for step in range(n):
        writer.add_scalar("loss", step * 0.5, step)
    writer.close()
    seconds = time.perf_counter() - start
    size = sum(os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir))
    print(n / seconds, (size - header) / n)


if __name__ == "__main__":
    main()
