#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""usage: python_bench.py [--help] [--parts LIST] [--repeat R] [--events N] [--read-events N]
                       [--ckpt-tensors K] [--ckpt-mib M] [--dir DIR] [--venv DIR]
                       [--package-venv DIR] [--tb-python PY] [--tf-python PY] [--torch-python PY]

The Python package tfcompat beside its peers, in one run, R rounds of each
contender (median and range printed):

  writers     SummaryWriter.add_scalar calls per second: tfcompat.SummaryWriter,
              tensorboardX.SummaryWriter, torch.utils.tensorboard.SummaryWriter.
              N calls with the same tag and steps for each, wall clock from the
              first call to the end of close() (which writes and syncs the rest);
              the constructor is not timed. A fresh logdir each round.
  read        1 M scalar events into a pandas DataFrame:
              tfcompat.summary.read(logdir, kinds='scalars') beside
              tbparse.SummaryReader(logdir, extra_columns={'wall_time', 'dir_name'}).scalars,
              on one logdir written once (untimed) by tfcompat.SummaryWriter: two runs
              (train, eval) x two tags, N/4 steps each, read warm from the page cache.
  checkpoint  tfcompat.train.load_checkpoint(p) + get_tensor of every tensor beside
              tf.train.load_checkpoint(p) + get_tensor of every tensor (TensorFlow),
              on a checkpoint of K x M MiB float32 written once (untimed) by
              tfcompat.train.save_checkpoint; cold (its files synced and evicted from
              the page cache with posix_fadvise(DONTNEED), untimed) and warm; beside a
              raw read of the checkpoint's files whole into new numpy arrays (the floor:
              no parsing, no checksums). The values both readers return are compared
              with each other and with what was saved once, untimed.

Each part runs in a child process of the interpreter whose venv has the peer
(--tb-python: tensorboardX, tbparse, pandas; --tf-python: TensorFlow;
--torch-python: torch with tensorboard), with our package imported into it
from the venv it is installed in (--package-venv, as tests/python/setup_venv.sh
makes it) through a link to its folder, nothing else of that venv: both sides
of a comparison run in one interpreter, in alternating rounds. A contender
whose interpreter or module is missing prints "n/a" and the reason.

  --parts LIST        comma-separated parts to run (default: writers,read,checkpoint)
  --repeat R          rounds of each contender (default 5)
  --events N          add_scalar calls a writer makes in a round (default 100000)
  --read-events N     scalar events of the read part's logdir (default 1000000)
  --ckpt-tensors K    tensors of the checkpoint (default 64)
  --ckpt-mib M        MiB of each tensor (default 16)
  --dir DIR           where the scratch directory is made, removed at the end
                      (default: $TMPDIR or /tmp)
  --venv DIR          where the venvs are (default: build/venv of this checkout):
                      DIR/py, DIR/tb, DIR/tf, DIR/torch
  --package-venv DIR  the venv tfcompat is installed in (default: DIR/py of --venv)
  --tb-python PY      tensorboardX, tbparse and pandas (default: --venv's tb/bin/python)
  --tf-python PY      TensorFlow 2.15 (default: --venv's tf/bin/python)
  --torch-python PY   torch and tensorboard (default: --venv's torch/bin/python)

docs/benchmarks.md ("The Python package") has the method and the figures.
"""
import argparse
import glob
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from page_cache import evict

PROGRAM = os.path.basename(sys.argv[0])
PARTS = ("writers", "read", "checkpoint")

# ---------------------------------------------------------------------------
# The children: each runs one part in the interpreter of the peer's venv and
# prints one JSON object on its last line of stdout.


def _import_package(package_dir, scratch):
    """tfcompat from PACKAGE_DIR (the installed package's folder), through a
    link in SCRATCH put first on sys.path; the reason when it does not import."""
    if not package_dir:
        return None, "no tfcompat package found (--package-venv)"
    link_dir = os.path.join(scratch, "package")
    os.makedirs(link_dir, exist_ok=True)
    link = os.path.join(link_dir, "tfcompat")
    if not os.path.islink(link):
        os.symlink(package_dir, link, target_is_directory=True)
    sys.path.insert(0, link_dir)
    try:
        import tfcompat
    except ImportError as e:
        return None, f"tfcompat does not import here: {e}"
    return tfcompat, None


def _write_scalars(writer, events):
    """N add_scalar calls and close(), timed (seconds)."""
    start = time.perf_counter()
    for step in range(events):
        writer.add_scalar("loss", 1.0 / (step + 1), step)
    writer.close()
    return time.perf_counter() - start


def child_writers(args):
    """tfcompat.SummaryWriter and tensorboardX.SummaryWriter in alternating
    rounds, or torch.utils.tensorboard's alone (args["torch"])."""
    scratch, events, repeat = args["scratch"], args["events"], args["repeat"]
    contenders, result = {}, {}
    if args.get("torch"):
        try:
            import torch
            from torch.utils.tensorboard import SummaryWriter as TorchWriter
        except ImportError as e:
            return {"torch": {"na": f"torch.utils.tensorboard does not import: {e}"}}
        contenders["torch"] = TorchWriter
        result["torch"] = {"version": torch.__version__}
    else:
        tfcompat, reason = _import_package(args["package_dir"], scratch)
        if tfcompat is None:
            result["tfcompat"] = {"na": reason}
        else:
            contenders["tfcompat"] = tfcompat.SummaryWriter
            result["tfcompat"] = {"version": tfcompat.__version__}
        try:
            import tensorboardX
            contenders["tensorboardX"] = tensorboardX.SummaryWriter
            result["tensorboardX"] = {"version": tensorboardX.__version__}
        except ImportError as e:
            result["tensorboardX"] = {"na": f"tensorboardX does not import: {e}"}
    for name in contenders:
        result[name]["seconds"] = []
    for round_index in range(repeat):
        names = list(contenders)
        if round_index % 2:
            names.reverse()
        for name in names:
            logdir = os.path.join(scratch, f"{name}-{round_index}")
            writer = contenders[name](logdir)
            result[name]["seconds"].append(_write_scalars(writer, events))
            result[name]["bytes_per_event"] = sum(
                os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir)) / events
            shutil.rmtree(logdir)
    return result


def child_read(args):
    """The logdir written once by tfcompat.SummaryWriter, then
    tfcompat.summary.read and tbparse in alternating rounds."""
    scratch, events, repeat = args["scratch"], args["events"], args["repeat"]
    result = {"tfcompat": {}, "tbparse": {}}
    tfcompat, reason = _import_package(args["package_dir"], scratch)
    if tfcompat is None:
        return {"tfcompat": {"na": reason}, "tbparse": {"na": f"no log to read: {reason}"}}
    logdir = os.path.join(scratch, "logs")
    steps = events // 4
    start = time.perf_counter()
    for run in ("train", "eval"):
        with tfcompat.SummaryWriter(os.path.join(logdir, run)) as writer:
            for step in range(steps):
                writer.add_scalar("loss", 1.0 / (step + 1), step)
                writer.add_scalar("accuracy", step / steps, step)
    result["write_seconds"] = time.perf_counter() - start
    result["events"] = 4 * steps

    contenders = {}
    if hasattr(tfcompat, "summary") and hasattr(tfcompat.summary, "read"):
        try:
            import pandas  # noqa: F401  (read() needs it; say so rather than fail in the loop)

            contenders["tfcompat"] = lambda: tfcompat.summary.read(logdir, kinds="scalars")
            result["tfcompat"]["version"] = tfcompat.__version__
        except ImportError as e:
            result["tfcompat"]["na"] = f"pandas does not import: {e}"
    else:
        result["tfcompat"]["na"] = "tfcompat.summary.read not available"
    try:
        import tbparse
        from importlib.metadata import version

        contenders["tbparse"] = lambda: tbparse.SummaryReader(logdir, extra_columns={"wall_time", "dir_name"}).scalars
        result["tbparse"]["version"] = version("tbparse")
    except ImportError as e:
        result["tbparse"]["na"] = f"tbparse does not import: {e}"

    for name in contenders:
        result[name]["seconds"] = []
    frames = {}
    for round_index in range(repeat):
        names = list(contenders)
        if round_index % 2:
            names.reverse()
        for name in names:
            frames.pop(name, None)
            start = time.perf_counter()
            frames[name] = contenders[name]()
            result[name]["seconds"].append(time.perf_counter() - start)
    # Untimed: both tables hold every event.
    for name, frame in frames.items():
        result[name]["rows"] = len(frame)
        result[name]["columns"] = [str(c) for c in frame.columns]
        if len(frame) != result["events"]:
            result[name]["error"] = f"{len(frame)} rows, expected {result['events']}"
    return result


def _restore(load_checkpoint, prefix):
    """Every tensor of the checkpoint, as a restore holds them: {name: array}."""
    reader = load_checkpoint(prefix)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def _read_raw(numpy, prefix):
    """The floor of a restore: each of the checkpoint's files read whole into
    new memory (a numpy array of its size), without checksums or parsing."""
    arrays = []
    for path in sorted(glob.glob(prefix + ".*")):
        with open(path, "rb", buffering=0) as f:
            array = numpy.empty(os.fstat(f.fileno()).st_size, dtype=numpy.uint8)
            view = memoryview(array)
            done = 0
            while done < len(array):
                done += f.readinto(view[done:])
            arrays.append(array)
    return arrays


def _tensor(numpy, index, floats):
    return numpy.random.default_rng(index).standard_normal(floats, dtype=numpy.float32)


def child_checkpoint(args):
    """The checkpoint written once by tfcompat.train.save_checkpoint, then
    tfcompat's and TensorFlow's restore, cold and warm, in alternating rounds."""
    scratch, repeat = args["scratch"], args["repeat"]
    count, floats = args["tensors"], args["mib"] * (1 << 20) // 4
    result = {"tfcompat": {}, "tf": {}}
    tfcompat, reason = _import_package(args["package_dir"], scratch)
    if tfcompat is None:
        return {"tfcompat": {"na": reason}, "tf": {"na": f"no checkpoint to read: {reason}"}}
    import numpy

    prefix = os.path.join(scratch, "ckpt", "model.ckpt-1")
    seeds = {f"layer_{i:03d}/kernel": i for i in range(count)}
    tensors = {name: _tensor(numpy, seed, floats) for name, seed in seeds.items()}
    start = time.perf_counter()
    tfcompat.train.save_checkpoint(prefix, tensors)
    result["save_seconds"] = time.perf_counter() - start
    del tensors
    result["bytes"] = sum(os.path.getsize(p) for p in glob.glob(prefix + ".*"))
    # The first read after a save can be slow on a virtual disk; it is untimed.
    evict(prefix)
    _read_raw(numpy, prefix)

    contenders = {"tfcompat": tfcompat.train.load_checkpoint, "raw": lambda p: p}
    result["raw"] = {}
    result["tfcompat"]["version"] = tfcompat.__version__
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        contenders["tf"] = tf.train.load_checkpoint
        result["tf"]["version"] = tf.__version__
    except ImportError as e:
        result["tf"]["na"] = f"tensorflow does not import: {e}"

    for name in contenders:
        result[name]["cold"] = []
        result[name]["warm"] = []
    restored = {}
    for round_index in range(repeat):
        names = list(contenders)
        if round_index % 2:
            names.reverse()
        for name in names:
            for case in ("cold", "warm"):
                restored.pop(name, None)
                if case == "cold":
                    evict(prefix)
                start = time.perf_counter()
                if name == "raw":
                    _read_raw(numpy, prefix)
                else:
                    restored[name] = _restore(contenders[name], prefix)
                result[name][case].append(time.perf_counter() - start)
    # Untimed: the same names, dtypes, shapes and values from both, and what was saved.
    ours = restored.get("tfcompat", {})
    mismatches = [name for name in ours
                  if name not in seeds or not numpy.array_equal(ours[name], _tensor(numpy, seeds[name], floats))]
    if len(ours) != count or mismatches:
        result["tfcompat"]["error"] = f"{len(ours)} tensors read, {len(mismatches)} differ from what was saved"
    if "tf" in restored:
        theirs = restored["tf"]
        differ = [n for n in ours if n not in theirs or theirs[n].dtype != ours[n].dtype
                  or not numpy.array_equal(theirs[n], ours[n])]
        if sorted(theirs) != sorted(ours) or differ:
            result["tf"]["error"] = f"{len(theirs)} tensors read, {len(differ)} differ from tfcompat's"
    return result


CHILDREN = {"writers": child_writers, "read": child_read, "checkpoint": child_checkpoint}


def child_main(part, args_json):
    result = CHILDREN[part](json.loads(args_json))
    print(json.dumps(result))


# ---------------------------------------------------------------------------
# The driver.


class _Parser(argparse.ArgumentParser):
    """Usage on stdout for --help; an unknown flag or bad value is
    "PROGRAM: INVALID_ARGUMENT: ..." on stderr and exit 1, as the tools."""

    def format_help(self):
        return __doc__

    def error(self, message):
        print(f"{PROGRAM}: INVALID_ARGUMENT: {message}", file=sys.stderr)
        sys.exit(1)


def _positive(text):
    """An integer > 0."""
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


_positive.__name__ = "positive integer"


def parse_args(argv):
    parser = _Parser(prog=PROGRAM, add_help=True)
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--repeat", type=_positive, default=5)
    parser.add_argument("--events", type=_positive, default=100_000)
    parser.add_argument("--read-events", type=_positive, default=1_000_000)
    parser.add_argument("--ckpt-tensors", type=_positive, default=64)
    parser.add_argument("--ckpt-mib", type=_positive, default=16)
    parser.add_argument("--dir", default=os.environ.get("TMPDIR") or "/tmp")
    repo = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--venv", default=str(repo / "build" / "venv"))
    parser.add_argument("--package-venv")
    parser.add_argument("--tb-python")
    parser.add_argument("--tf-python")
    parser.add_argument("--torch-python")
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        parser.error(f"--parts: {','.join(unknown) or 'none'} is not one of {','.join(PARTS)}")
    args.parts = parts
    venv = pathlib.Path(args.venv)
    args.package_venv = args.package_venv or str(venv / "py")
    args.tb_python = args.tb_python or str(venv / "tb" / "bin" / "python")
    args.tf_python = args.tf_python or str(venv / "tf" / "bin" / "python")
    args.torch_python = args.torch_python or str(venv / "torch" / "bin" / "python")
    return args


def _package_dir(package_venv):
    """The installed package's folder, asked of the venv's own Python."""
    python = os.path.join(package_venv, "bin", "python")
    if not os.access(python, os.X_OK):
        return None, f"no venv at {package_venv} (tests/python/setup_venv.sh BUILD_DIR makes it)"
    found = subprocess.run([python, "-c", "import os, tfcompat; print(os.path.dirname(tfcompat.__file__))"],
                           capture_output=True, text=True)
    if found.returncode != 0:
        return None, f"tfcompat does not import in {package_venv}"
    return found.stdout.strip(), None


def run_child(python, part, child_args, missing):
    """PART in a child process of PYTHON; its JSON result, or {"na": reason}."""
    if not os.access(python, os.X_OK):
        return {"na": f"no interpreter at {python}{missing}"}
    os.makedirs(child_args["scratch"], exist_ok=True)
    done = subprocess.run([python, os.path.abspath(__file__), "--child", part, json.dumps(child_args)],
                          stdout=subprocess.PIPE, text=True)
    shutil.rmtree(child_args["scratch"], ignore_errors=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"na": f"{os.path.basename(python)} {part} exited {done.returncode}"}
    return json.loads(lines[-1])


def _si(value):
    for limit, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if value >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def _seconds(value):
    return f"{value * 1e3:.3g} ms" if value < 1 else f"{value:.3g} s"


def _cell(entry, key="seconds"):
    """(median, "median (min-max)") of ENTRY's timings, or (None, reason)."""
    if "na" in entry:
        return None, f"n/a: {entry['na']}"
    values = entry.get(key)
    if not values:
        return None, "n/a"
    return statistics.median(values), None


def _label(name, entry):
    version = entry.get("version")
    return f"{name} {version}" if version else name


def _row(cells, widths):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def report_writers(results, args):
    events = args.events
    print(f"\n1. add_scalar: {events} calls (tag 'loss', steps 0..{events - 1}) and close(), wall clock; "
          f"{args.repeat} rounds, median (range)")
    ours, _ = _cell(results.get("tfcompat", {"na": "not run"}))
    tbx, _ = _cell(results.get("tensorboardX", {"na": "not run"}))
    widths = (50, 12, 24, 10, 18)
    print(_row(("writer", "calls/s", "range", "bytes/call", "tfcompat speed-up"), widths))
    for name in ("tfcompat", "tensorboardX", "torch"):
        label = {"tfcompat": "tfcompat.SummaryWriter", "tensorboardX": "tensorboardX.SummaryWriter",
                 "torch": "torch.utils.tensorboard.SummaryWriter"}[name]
        entry = results.get(name, {"na": "not run"})
        median, reason = _cell(entry)
        if median is None:
            print(f"{_label(label, entry):40}  {reason}")
            continue
        rates = [events / s for s in entry["seconds"]]
        ratio = "" if name == "tfcompat" or ours is None else f"{median / ours:.0f}x"
        print(_row((_label(label, entry), _si(events / median),
                    f"{_si(min(rates))} - {_si(max(rates))}", f"{entry.get('bytes_per_event', 0):.1f}", ratio), widths))
        if "error" in entry:
            print(f"    ERROR: {entry['error']}")
    if ours is not None and tbx is not None:
        print(f"tfcompat / tensorboardX: {tbx / ours:.0f}x (target >= 100x)")


def report_read(results, args):
    events = results.get("events", args.read_events // 4 * 4)
    print(f"\n2. {events} scalar events (2 runs x 2 tags, written once by tfcompat.SummaryWriter"
          + (f" in {_seconds(results['write_seconds'])}" if "write_seconds" in results else "")
          + f") into a DataFrame, warm; {args.repeat} rounds, median (range)")
    widths = (40, 12, 24, 14, 16)
    print(_row(("reader", "seconds", "range", "events/s", "tfcompat speed-up"), widths))
    ours, _ = _cell(results.get("tfcompat", {"na": "not run"}))
    peer, _ = _cell(results.get("tbparse", {"na": "not run"}))
    for name, label in (("tfcompat", "tfcompat.summary.read"), ("tbparse", "tbparse.SummaryReader.scalars")):
        entry = results.get(name, {"na": "not run"})
        median, reason = _cell(entry)
        if median is None:
            print(f"{_label(label, entry):40}  {reason}")
            continue
        print(_row((_label(label, entry), _seconds(median),
                    f"{_seconds(min(entry['seconds']))} - {_seconds(max(entry['seconds']))}", _si(events / median),
                    f"{median / ours:.0f}x" if name != "tfcompat" and ours else ""), widths))
        if "error" in entry:
            print(f"    ERROR: {entry['error']}")
    if ours is not None and peer is not None:
        print(f"tfcompat / tbparse: {peer / ours:.0f}x (target >= 50x)")


def report_checkpoint(results, args):
    size = results.get("bytes", args.ckpt_tensors * args.ckpt_mib << 20)
    print(f"\n3. load_checkpoint + get_tensor of each of {args.ckpt_tensors} x {args.ckpt_mib} MiB float32 "
          f"({size / (1 << 30):.3g} GiB, written once by tfcompat.train.save_checkpoint"
          + (f" in {_seconds(results['save_seconds'])}" if "save_seconds" in results else "")
          + f"); {args.repeat} rounds, median (range)")
    widths = (40, 26, 26, 23, 8)
    print(_row(("reader", "cold", "warm", "tfcompat speed-up, cold", "warm"), widths))
    medians = {}
    for name, label in (("tfcompat", "tfcompat.train.load_checkpoint"), ("tf", "tf.train.load_checkpoint"),
                        ("raw", "raw read of the files into memory")):
        entry = results.get(name, {"na": "not run"})
        cold, reason = _cell(entry, "cold")
        if cold is None:
            print(f"{_label(label, entry):40}  {reason}")
            continue
        warm, _ = _cell(entry, "warm")
        medians[name] = (cold, warm)
        cells = [_label(label, entry)]
        for case, median in (("cold", cold), ("warm", warm)):
            cells.append(f"{_seconds(median)} ({_seconds(min(entry[case]))} - {_seconds(max(entry[case]))})")
        if name != "tfcompat" and "tfcompat" in medians:
            cells += [f"{cold / medians['tfcompat'][0]:.2f}x", f"{warm / medians['tfcompat'][1]:.2f}x"]
        print(_row(cells, widths))
        if "error" in entry:
            print(f"    ERROR: {entry['error']}")
    if "error" not in results.get("tfcompat", {}) and "error" not in results.get("tf", {}) and "tf" in medians:
        print("values: equal (every tensor, both readers, and what was saved)")
    if "tf" in medians and "tfcompat" in medians:
        print(f"tfcompat / TF: cold {medians['tf'][0] / medians['tfcompat'][0]:.2f}x, "
              f"warm {medians['tf'][1] / medians['tfcompat'][1]:.2f}x (target >= 3x)")


def main(argv):
    if len(argv) == 3 and argv[0] == "--child":
        child_main(argv[1], argv[2])
        return 0
    args = parse_args(argv)
    load = os.getloadavg()
    print(f"python_bench: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    package_dir, reason = _package_dir(args.package_venv)
    print(f"tfcompat: {package_dir or 'n/a: ' + reason}")
    scratch = tempfile.mkdtemp(prefix="python_bench.", dir=args.dir)
    common = {"package_dir": package_dir, "repeat": args.repeat}
    try:
        if "writers" in args.parts:
            results = run_child(args.tb_python, "writers",
                                dict(common, scratch=os.path.join(scratch, "w"), events=args.events),
                                " (--tb-python: tensorboardX's venv)")
            if "na" in results:
                results = {"tfcompat": results, "tensorboardX": results}
            torch = run_child(args.torch_python, "writers",
                              dict(common, scratch=os.path.join(scratch, "t"), events=args.events, torch=True),
                              " (--torch-python; PyPI's torch for x86-64 Linux is the CUDA build: see "
                              "docs/benchmarks.md)")
            results["torch"] = torch.get("torch", torch)
            report_writers(results, args)
        if "read" in args.parts:
            results = run_child(args.tb_python, "read",
                                dict(common, scratch=os.path.join(scratch, "r"), events=args.read_events),
                                " (--tb-python: tbparse's venv)")
            if "na" in results and len(results) == 1:
                results = {"tfcompat": results, "tbparse": results}
            report_read(results, args)
        if "checkpoint" in args.parts:
            results = run_child(args.tf_python, "checkpoint",
                                dict(common, scratch=os.path.join(scratch, "c"), tensors=args.ckpt_tensors,
                                     mib=args.ckpt_mib), " (--tf-python: TensorFlow's venv)")
            if "na" in results and len(results) == 1:
                results = {"tfcompat": results, "tf": results}
            report_checkpoint(results, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
