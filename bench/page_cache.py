# SPDX-License-Identifier: Apache-2.0
"""The page cache for the Python benchmarks: a checkpoint's files made cold."""
import glob
import os


def evict(prefix):
    """Syncs the files of checkpoint `prefix` (PREFIX.index, PREFIX.data-*)
    and drops them from the page cache, so that the next read comes from
    the disk. Needs no root."""
    for path in glob.glob(prefix + ".*"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
