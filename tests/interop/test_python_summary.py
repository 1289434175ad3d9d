# SPDX-License-Identifier: Apache-2.0
"""tfcompat.SummaryWriter against TensorBoard and tensorboardX, in one
process: the same calls made through tensorboardX.SummaryWriter and
tfcompat.SummaryWriter leave runs that TensorBoard's EventAccumulator and
its data-loading accumulator (plugin_event_accumulator) read the same:
the same runs (add_scalars' sub-runs), tags, steps and values, the same
text, histograms and purged steps.

The package comes from the venv build/venv/py (tests/python/setup_venv.sh
installs it there): only its own folder is put on sys.path, so this venv's
numpy is the one imported."""
import io
import os

import numpy as np
import pytest
import tensorboardX
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.backend.event_processing import plugin_event_accumulator
from tensorboard.util import tensor_util

STEPS = range(0, 30, 3)


def weights(step):
    return np.random.default_rng(step).standard_normal(200) * (1.0 + step)


def images():
    """(tag, array, dataformats) of images in every layout."""
    rng = np.random.default_rng(7)
    return [("chw_float", rng.random((3, 5, 6)).astype(np.float32), "CHW"),
            ("hwc_uint8", rng.integers(0, 256, (5, 6, 3), dtype=np.uint8), "HWC"),
            ("rgba", rng.integers(0, 256, (4, 5, 6), dtype=np.uint8), "CHW"),
            ("gray", rng.random((1, 5, 6)), "CHW"),
            ("hw", rng.random((5, 6)), "HW")]


def batch():
    return np.random.default_rng(8).random((10, 3, 4, 5)).astype(np.float32)


def log(writer):
    """The same calls, through either package."""
    for step in STEPS:
        writer.add_scalar("loss", 1.0 / (step + 1), step)
        writer.add_scalars("metrics/all", {"train": 0.5 + step, "eval": 0.25 * step}, step)
        writer.add_histogram("weights", weights(step), step)
        writer.add_histogram("weights_auto", weights(step), step, bins="auto")
        writer.add_histogram("weights_10", weights(step), step, bins=10)
    writer.add_scalar("no_step", 2.5)
    for tag, array, dataformats in images():
        writer.add_image(tag, array, 4, dataformats=dataformats)
    writer.add_images("batch", batch(), 5)
    writer.add_text("notes", "**hello** from a writer", 3)
    writer.close()


@pytest.fixture(scope="module")
def logdirs(tfcompat, tmp_path_factory):
    ours = tmp_path_factory.mktemp("tfcompat")
    theirs = tmp_path_factory.mktemp("tensorboardX")
    log(tfcompat.SummaryWriter(ours))
    log(tensorboardX.SummaryWriter(str(theirs)))
    return ours, theirs


def runs(logdir):
    return sorted(os.path.relpath(d, logdir) for d, _, files in os.walk(logdir)
                  if any(f.startswith("events.out.tfevents.") for f in files))


def legacy(run):
    acc = event_accumulator.EventAccumulator(str(run), size_guidance={"scalars": 0, "histograms": 0,
                                                                      "tensors": 0})
    acc.Reload()
    return acc


def loader(run):
    acc = plugin_event_accumulator.EventAccumulator(str(run), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_the_same_runs_as_tensorboardx(logdirs):
    ours, theirs = logdirs
    assert runs(ours) == runs(theirs) == [".", "metrics/all/eval", "metrics/all/train"]


def test_scalars_read_the_same(logdirs):
    ours, theirs = logdirs
    for run in runs(theirs):
        a, b = legacy(ours / run), legacy(theirs / run)
        assert sorted(a.Tags()["scalars"]) == sorted(b.Tags()["scalars"])
        for tag in b.Tags()["scalars"]:
            assert scalars(a, tag) == scalars(b, tag), (run, tag)
    assert scalars(legacy(ours), "no_step") == [(0, 2.5)]
    assert scalars(legacy(ours / "metrics/all/train"), "metrics/all") == [(s, 0.5 + s) for s in STEPS]


def test_the_data_loader_reads_scalars_as_scalar_tensors(logdirs):
    ours, _ = logdirs
    acc = loader(ours)
    assert acc.SummaryMetadata("loss").plugin_data.plugin_name == "scalars"
    got = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors("loss")]
    assert got == [(s, float(np.float32(1.0 / (s + 1)))) for s in STEPS]


def test_text_reads_the_same(logdirs):
    ours, theirs = logdirs
    a, b = loader(ours), loader(theirs)
    assert a.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"
    (ea,), (eb,) = a.Tensors("notes/text_summary"), b.Tensors("notes/text_summary")
    assert ea.step == eb.step == 3
    # tensorboardX writes a [1] string tensor, tfcompat a scalar one, as tf.summary.text.
    assert (tensor_util.make_ndarray(ea.tensor_proto).reshape(-1).tolist() ==
            tensor_util.make_ndarray(eb.tensor_proto).reshape(-1).tolist() == [b"**hello** from a writer"])


def test_numpy_bins_histograms_equal_tensorboardx(logdirs):
    ours, theirs = logdirs
    a, b = legacy(ours), legacy(theirs)
    for tag in ["weights_auto", "weights_10"]:
        got, want = a.Histograms(tag), b.Histograms(tag)
        assert [e.step for e in got] == [e.step for e in want] == list(STEPS)
        for g, w in zip(got, want):
            g, w = g.histogram_value, w.histogram_value
            assert (g.min, g.max, g.num) == (w.min, w.max, w.num)
            assert g.sum == pytest.approx(w.sum, rel=1e-12)
            assert g.sum_squares == pytest.approx(w.sum_squares, rel=1e-12)
            assert list(g.bucket_limit) == list(w.bucket_limit)
            assert list(g.bucket) == list(w.bucket)


def test_tensorflow_bins_histograms_hold_every_value(logdirs):
    ours, _ = logdirs
    acc = legacy(ours)
    for event in acc.Histograms("weights"):
        h, data = event.histogram_value, weights(event.step)
        assert (h.min, h.max, h.num) == (data.min(), data.max(), data.size)
        assert sum(h.bucket) == data.size
        limits = np.array(h.bucket_limit)
        counts = np.bincount(np.searchsorted(limits, data, side="right"), minlength=len(limits))
        np.testing.assert_array_equal(counts, np.array(h.bucket))


def test_the_data_loader_converts_histograms(logdirs):
    ours, _ = logdirs
    acc = loader(ours)
    assert acc.SummaryMetadata("weights").plugin_data.plugin_name == "histograms"
    for event in acc.Tensors("weights"):
        buckets = tensor_util.make_ndarray(event.tensor_proto)
        assert buckets[:, 2].sum() == weights(event.step).size


def restart(make_writer, logdir):
    """Steps 0-9, then a writer restarting at step 5 logs steps 5-7."""
    writer = make_writer(logdir, filename_suffix=".1")
    for step in range(10):
        writer.add_scalar("loss", float(step), step)
    writer.close()
    writer = make_writer(logdir, purge_step=5, filename_suffix=".2")
    for step in range(5, 8):
        writer.add_scalar("loss", 100.0 + step, step)
    writer.close()


def test_purge_step_reads_as_tensorboardxs(tfcompat, tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    restart(tfcompat.SummaryWriter, ours)
    restart(lambda logdir, **kw: tensorboardX.SummaryWriter(str(logdir), **kw), theirs)
    # EventAccumulator drops the first file's steps >= 5 at the START.
    want = [(s, float(s)) for s in range(5)] + [(s, 100.0 + s) for s in range(5, 8)]
    assert scalars(legacy(ours), "loss") == scalars(legacy(theirs), "loss") == want

    # TensorBoard's data loader takes a run's first START for no restart,
    # for tensorboardX's files as for ours.
    def loaded(logdir):
        return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in loader(logdir).Tensors("loss")]

    assert loaded(ours) == loaded(theirs)


def decoded_images(acc, tag):
    """The (step, pixels) of TAG's images, as TensorBoard's loader serves them."""
    out = []
    for event in acc.Tensors(tag):
        width, height, png = tensor_util.make_ndarray(event.tensor_proto)[:3]
        pixels = np.array(Image.open(io.BytesIO(png)).convert("RGBA"))
        assert pixels.shape[:2] == (int(height), int(width))
        out.append((event.step, pixels))
    return out


def test_images_decode_to_tensorboardxs_pixels(logdirs):
    ours, theirs = logdirs
    a, b = loader(ours), loader(theirs)
    for tag in [t for t, _, _ in images()] + ["batch"]:
        assert a.SummaryMetadata(tag).plugin_data.plugin_name == "images"
        got, want = decoded_images(a, tag), decoded_images(b, tag)
        assert [s for s, _ in got] == [s for s, _ in want] == [5 if tag == "batch" else 4]
        np.testing.assert_array_equal(got[0][1], want[0][1], err_msg=tag)


def test_audio_reads_as_tensorboard_serves_it(tfcompat, tmp_path):
    import wave
    clip = np.sin(np.arange(400) / 7.0).astype(np.float32)
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_audio("tone", clip, 3, sample_rate=8000)
    acc = loader(tmp_path)
    assert acc.SummaryMetadata("tone").plugin_data.plugin_name == "audio"
    (event,) = acc.Tensors("tone")
    (wav,) = tensor_util.make_ndarray(event.tensor_proto).reshape(-1)[:1]
    with wave.open(io.BytesIO(wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    np.testing.assert_array_equal(samples, np.round(clip * 32767))


def test_pr_curve_equals_tensorboardxs(tfcompat, tmp_path):
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, 200)
    predictions = rng.random(200).astype(np.float32)
    with tfcompat.SummaryWriter(tmp_path / "ours") as writer:
        writer.add_pr_curve("pr", labels, predictions, 3, num_thresholds=21)
    with tensorboardX.SummaryWriter(str(tmp_path / "theirs")) as writer:
        writer.add_pr_curve("pr", labels, predictions, 3, num_thresholds=21)
    a, b = loader(tmp_path / "ours"), loader(tmp_path / "theirs")
    assert a.SummaryMetadata("pr").plugin_data.plugin_name == "pr_curves"
    (ea,), (eb,) = a.Tensors("pr"), b.Tensors("pr")
    assert ea.step == eb.step == 3
    np.testing.assert_allclose(tensor_util.make_ndarray(ea.tensor_proto), tensor_util.make_ndarray(eb.tensor_proto),
                               rtol=1e-6)


def test_custom_scalars_layout_equals_tensorboardxs(tfcompat, tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2
    layout = {"losses": {"all": ["Multiline", ["loss.*", "val_loss"]]}, "metrics": {"acc": ["Multiline", ["acc"]]}}
    with tfcompat.SummaryWriter(tmp_path / "ours") as writer:
        writer.add_custom_scalars(layout)
    with tensorboardX.SummaryWriter(str(tmp_path / "theirs")) as writer:
        writer.add_custom_scalars(layout)

    def read(run):
        acc = loader(run)
        (event,) = acc.Tensors("custom_scalars__config__")
        assert acc.SummaryMetadata("custom_scalars__config__").plugin_data.plugin_name == "custom_scalars"
        return layout_pb2.Layout.FromString(tensor_util.make_ndarray(event.tensor_proto).item())

    assert read(tmp_path / "ours") == read(tmp_path / "theirs")


def test_hparams_read_as_tensorboards_hparams_plugin_data(tfcompat, tmp_path):
    from tensorboard.plugins.hparams import metadata as hparams_metadata
    hparams = {"lr": 0.1, "optimizer": "adam", "bn": True, "layers": 3}
    with tfcompat.SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalar("accuracy", 0.5 + 0.1 * step, step)
        writer.add_hparams(hparams, {"accuracy": 0.8}, hparam_domain_discrete={"optimizer": ["adam", "sgd"]},
                           global_step=3)
    acc = loader(tmp_path)
    content = {tag: acc.SummaryMetadata(tag).plugin_data.content for tag in acc.Tags()["tensors"]
               if tag.startswith("_hparams_/")}
    experiment = hparams_metadata.parse_experiment_plugin_data(content["_hparams_/experiment"])
    infos = {h.name: h for h in experiment.hparam_infos}
    assert set(infos) == set(hparams)
    assert [v.string_value for v in infos["optimizer"].domain_discrete.values] == ["adam", "sgd"]
    assert [m.name.tag for m in experiment.metric_infos] == ["accuracy"]
    start = hparams_metadata.parse_session_start_info_plugin_data(content["_hparams_/session_start_info"])
    assert start.hparams["lr"].number_value == 0.1
    assert start.hparams["layers"].number_value == 3
    assert start.hparams["optimizer"].string_value == "adam"
    assert start.hparams["bn"].bool_value is True
    end = hparams_metadata.parse_session_end_info_plugin_data(content["_hparams_/session_end_info"])
    assert end.status == 1  # STATUS_SUCCESS
    # The metric is this run's scalar: the values logged, then the final one.
    got = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors("accuracy")]
    assert got == [(s, float(np.float32(0.5 + 0.1 * s))) for s in range(3)] + [(3, float(np.float32(0.8)))]


def test_the_projector_reads_the_embedding(tfcompat, tmp_path):
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2
    mat = np.random.default_rng(5).standard_normal((4, 3)).astype(np.float32)
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_embedding(mat, metadata=["a", "b", "c", "d"], global_step=2, tag="vecs")
    config = text_format.Parse((tmp_path / "projector_config.pbtxt").read_text(),
                               projector_config_pb2.ProjectorConfig())
    (embedding,) = config.embeddings
    assert list(embedding.tensor_shape) == [4, 3]
    np.testing.assert_array_equal(np.loadtxt(tmp_path / embedding.tensor_path, delimiter="\t", dtype=np.float32),
                                  mat)
    assert (tmp_path / embedding.metadata_path).read_text().splitlines() == ["a", "b", "c", "d"]


def test_walltime_reads_as_tensorboardxs(tfcompat, tmp_path):
    for name, make in [("ours", tfcompat.SummaryWriter), ("theirs", lambda d: tensorboardX.SummaryWriter(str(d)))]:
        writer = make(tmp_path / name)
        writer.add_scalar("loss", 0.5, 1, walltime=1700000000.25)
        writer.add_scalars("m", {"a": 1.0}, 2, walltime=1700000001.5)
        writer.close()
    for run, tag in [(".", "loss"), ("m/a", "m")]:
        got = [(e.step, e.wall_time) for e in legacy(tmp_path / "ours" / run).Scalars(tag)]
        assert got == [(e.step, e.wall_time) for e in legacy(tmp_path / "theirs" / run).Scalars(tag)]
        assert got[0][1] in (1700000000.25, 1700000001.5)
