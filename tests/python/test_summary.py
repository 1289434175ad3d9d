# SPDX-License-Identifier: Apache-2.0
"""tfcompat.SummaryWriter: what each method writes, read back from the event
files in pure Python (event_files.py), with tensorboardX's defaults and file
layout. TensorBoard reading them: tests/interop/test_python_summary.py."""
import os

import numpy as np
import pytest

import tfcompat
from event_files import decode_png, event_file, events


def summary_events(logdir):
    """The events of LOGDIR's event file after its first (file_version) one."""
    got = events(event_file(logdir))
    assert got[0]["file_version"] == "brain.Event:2"
    return got[1:]


def test_add_scalar_writes_a_simple_value_at_its_step(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 0.25, 7)
        writer.add_scalar("loss", np.float32(0.5), global_step=np.int64(8))
    got = summary_events(tmp_path)
    assert [(e["step"], e["values"]) for e in got] == [(7, [{"tag": "loss", "simple_value": 0.25}]),
                                                     (8, [{"tag": "loss", "simple_value": 0.5}])]


def test_add_scalar_without_a_step_writes_step_zero_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 3.0)
    (event,) = summary_events(tmp_path)
    assert event["step"] == 0
    assert event["values"][0]["simple_value"] == 3.0


def test_events_carry_the_time_they_were_added(tmp_path):
    import time
    before = time.time()
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 1.0, 1)
    after = time.time()
    (event,) = summary_events(tmp_path)
    assert before <= event["wall_time"] <= after


def test_scalars_carry_the_walltime_given(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("loss", 1.0, 1, walltime=1700000000.5)
        writer.add_scalar("loss", 2.0, 2, 1700000001.0)
        writer.add_scalars("m", {"a": 1.0, "b": 2.0}, 3, walltime=1700000002.0)
    assert [(e["step"], e["wall_time"]) for e in summary_events(tmp_path)] == [(1, 1700000000.5),
                                                                                (2, 1700000001.0)]
    for run in ["a", "b"]:
        assert [e["wall_time"] for e in summary_events(tmp_path / "m" / run)] == [1700000002.0]


def test_add_scalars_stamps_every_run_with_one_time(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalars("m", {"a": 1.0, "b": 2.0}, 3)
    (a,), (b,) = summary_events(tmp_path / "m" / "a"), summary_events(tmp_path / "m" / "b")
    assert a["wall_time"] == b["wall_time"] > 0


def test_an_explicit_walltime_of_other_kinds_is_refused_not_dropped(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(tfcompat.UnimplementedError, match="walltime"):
            writer.add_text("note", "x", 1, walltime=1700000000.0)
        with pytest.raises(tfcompat.UnimplementedError, match="walltime"):
            writer.add_histogram("w", [1.0], 1, walltime=1700000000.0)
    assert summary_events(tmp_path) == []


def test_a_value_that_is_not_a_number_is_a_type_error(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(TypeError):
            writer.add_scalar("loss", "high", 1)


def test_add_scalars_writes_each_tag_to_its_own_run_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalars("loss/all", {"train": 1.0 + step, "eval": 2.0 + step}, step)
    assert sorted(p.name for p in (tmp_path / "loss" / "all").iterdir()) == ["eval", "train"]
    assert summary_events(tmp_path) == []
    for run, offset in [("loss/all/train", 1.0), ("loss/all/eval", 2.0)]:
        got = summary_events(tmp_path / run)
        assert [(e["step"], e["values"]) for e in got] == [
            (step, [{"tag": "loss/all", "simple_value": offset + step}]) for step in range(3)]


def test_add_text_writes_a_text_plugin_string_tagged_as_tensorboardx(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_text("notes", "**bold** café", 4)
    (event,) = summary_events(tmp_path)
    (value,) = event["values"]
    assert event["step"] == 4
    assert value["tag"] == "notes/text_summary"
    assert value["plugin_name"] == "text"
    assert value["string_val"] == ["**bold** café".encode()]


def test_add_histogram_tensorflow_bins_keeps_exact_statistics(tmp_path):
    values = np.array([[-1.5, 0.0], [2.0, 2.25]])
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_histogram("weights", values, 3)
    (event,) = summary_events(tmp_path)
    histo = event["values"][0]["histo"]
    assert event["step"] == 3
    assert (histo["min"], histo["max"], histo["num"]) == (-1.5, 2.25, 4.0)
    assert histo["sum"] == pytest.approx(2.75)
    assert histo["sum_squares"] == pytest.approx(1.5**2 + 2.0**2 + 2.25**2)
    assert sum(histo["bucket"]) == 4.0
    assert histo["bucket_limit"] == sorted(histo["bucket_limit"])
    # Every value lies in its bucket: previous limit <= v < limit, as TF's.
    for v in values.reshape(-1):
        i = next(i for i, limit in enumerate(histo["bucket_limit"]) if v < limit)
        assert histo["bucket"][i] > 0


def test_add_histogram_numpy_bins_drop_empty_end_buckets_as_tensorboardx(tmp_path):
    values = np.array([3.0, 3.5, 9.0])
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_histogram("h", values, 1, bins=np.arange(0.0, 12.0, 1.0))
    histo = summary_events(tmp_path)[0]["values"][0]["histo"]
    counts, limits = np.histogram(values, bins=np.arange(0.0, 12.0, 1.0))
    first, last = 3, 9  # the first and last non-empty buckets
    assert histo["bucket"] == counts[first - 1:last + 1].tolist()
    assert histo["bucket_limit"] == limits[first:last + 2].tolist()
    assert histo["bucket"][0] == 0 and histo["bucket"][-1] == 1


def test_add_histogram_refuses_empty_and_nonfinite_values(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="no element"):
            writer.add_histogram("h", [], 1)
        with pytest.raises(ValueError, match="NaN or Inf"):
            writer.add_histogram("h", [1.0, np.inf], 1, bins=10)
        with pytest.raises(tfcompat.InvalidArgumentError):
            writer.add_histogram("h", [1.0, np.nan], 1)


def test_purge_step_starts_the_run_again_at_that_step(tmp_path):
    with tfcompat.SummaryWriter(tmp_path, purge_step=5) as writer:
        writer.add_scalar("loss", 1.0, 5)
    got = summary_events(tmp_path)
    assert got[0]["step"] == 5
    assert got[0]["session_log_status"] == 1  # SessionLog.START
    assert got[1]["values"][0]["tag"] == "loss"


def test_filename_suffix_ends_the_file_name(tmp_path):
    with tfcompat.SummaryWriter(tmp_path, filename_suffix=".v2") as writer:
        assert writer.get_logdir() == str(tmp_path)
    assert event_file(tmp_path).name.endswith(".v2")


def test_flush_writes_queued_events_before_close(tmp_path):
    writer = tfcompat.SummaryWriter(tmp_path, max_queue=1000, flush_secs=3600)
    writer.add_scalar("loss", 1.0, 1)
    writer.add_scalars("m", {"a": 1.0}, 1)
    writer.flush()
    assert len(summary_events(tmp_path)) == 1
    assert len(summary_events(tmp_path / "m" / "a")) == 1
    writer.close()
    writer.close()


def test_a_closed_writer_refuses_events(tmp_path):
    writer = tfcompat.SummaryWriter(tmp_path)
    writer.close()
    with pytest.raises(tfcompat.FailedPreconditionError, match="closed"):
        writer.add_scalar("loss", 1.0, 1)


def test_bad_options_are_invalid_arguments(tmp_path):
    with pytest.raises(tfcompat.InvalidArgumentError, match="max_queue"):
        tfcompat.SummaryWriter(tmp_path, max_queue=0)
    with pytest.raises(tfcompat.InvalidArgumentError, match="flush_secs"):
        tfcompat.SummaryWriter(tmp_path, flush_secs=0)


def test_a_logdir_that_cannot_be_made_is_an_error_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(tfcompat.OpError, match=os.fspath(blocker)):
        tfcompat.SummaryWriter(blocker / "run")


def written_image(logdir):
    """The (step, tag, pixels) of LOGDIR's one image event."""
    (event,) = summary_events(logdir)
    (value,) = event["values"]
    assert value["plugin_name"] == "images"
    width, height, png = value["string_val"]
    pixels = decode_png(png)
    assert pixels.shape[:2] == (int(height), int(width))
    return event["step"], value["tag"], pixels


def test_add_image_chw_floats_are_scaled_and_truncated_as_tensorboardx(tmp_path):
    chw = np.random.default_rng(1).random((3, 4, 5)).astype(np.float32)
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_image("img", chw, 2)
    step, tag, pixels = written_image(tmp_path)
    assert (step, tag) == (2, "img")
    np.testing.assert_array_equal(pixels, (chw.transpose(1, 2, 0) * 255.0).astype(np.uint8))


def test_add_image_out_of_range_floats_saturate(tmp_path):
    hw = np.array([[-0.5, 1.5]], dtype=np.float64)
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_image("img", hw, 0, dataformats="HW")
    np.testing.assert_array_equal(written_image(tmp_path)[2], [[[0, 0, 0], [255, 255, 255]]])


@pytest.mark.parametrize("dataformats", ["HWC", "CHW", "WHC"])
def test_add_image_uint8_in_any_layout_is_written_as_it_is(tmp_path, dataformats):
    hwc = np.random.default_rng(2).integers(0, 256, (6, 7, 4), dtype=np.uint8)
    array = hwc.transpose(["HWC".index(c) for c in dataformats])
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_image("rgba", array, 1, dataformats=dataformats)
    np.testing.assert_array_equal(written_image(tmp_path)[2], hwc)


def test_add_image_one_channel_and_hw_are_drawn_as_gray_rgb(tmp_path):
    hw = np.arange(12, dtype=np.uint8).reshape(3, 4)
    with tfcompat.SummaryWriter(tmp_path / "hw") as writer:
        writer.add_image("gray", hw, 0, dataformats="HW")
    with tfcompat.SummaryWriter(tmp_path / "chw") as writer:
        writer.add_image("gray", hw[np.newaxis], 0)
    want = np.stack([hw] * 3, axis=2)
    np.testing.assert_array_equal(written_image(tmp_path / "hw")[2], want)
    np.testing.assert_array_equal(written_image(tmp_path / "chw")[2], want)


@pytest.mark.parametrize("count, grid", [(3, (1, 3)), (8, (1, 8)), (10, (2, 8))])
def test_add_images_draws_a_grid_of_eight_per_row(tmp_path, count, grid):
    nhwc = np.random.default_rng(count).integers(0, 256, (count, 2, 3, 3), dtype=np.uint8)
    with tfcompat.SummaryWriter(tmp_path / "nchw") as writer:
        writer.add_images("batch", nhwc.transpose(0, 3, 1, 2), 0)
    with tfcompat.SummaryWriter(tmp_path / "nhwc") as writer:
        writer.add_images("batch", nhwc, 0, dataformats="NHWC")
    for run in ["nchw", "nhwc"]:
        pixels = written_image(tmp_path / run)[2]
        assert pixels.shape == (2 * grid[0], 3 * grid[1], 3)
        for i in range(grid[0] * grid[1]):
            row, col = divmod(i, grid[1])
            cell = pixels[2 * row:2 * row + 2, 3 * col:3 * col + 3]
            np.testing.assert_array_equal(cell, nhwc[i] if i < count else 0)


def test_add_image_refuses_a_layout_that_does_not_fit(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="dataformats"):
            writer.add_image("img", np.zeros((4, 4)), 0)  # CHW
        with pytest.raises(ValueError, match="dataformats"):
            writer.add_image("img", np.zeros((4, 4, 3)), 0, dataformats="HHC")
        with pytest.raises(ValueError, match="no image"):
            writer.add_images("img", np.zeros((0, 3, 4, 4)), 0)


def wav_samples(data):
    """(channels, sample rate, int16 samples) of a PCM WAV file."""
    import io
    import wave
    with wave.open(io.BytesIO(data)) as w:
        assert w.getsampwidth() == 2
        return w.getnchannels(), w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_add_audio_writes_a_16_bit_wav_clip(tmp_path):
    mono = np.sin(np.arange(100) / 5.0) * 1.2  # some samples beyond [-1, 1]
    stereo = np.stack([mono * 0.5, -mono * 0.5], axis=1)
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_audio("mono", mono, 1, sample_rate=8000)
        writer.add_audio("stereo", stereo, 2)
    got = summary_events(tmp_path)
    assert [(e["step"], e["values"][0]["tag"], e["values"][0]["plugin_name"]) for e in got] == [
        (1, "mono", "audio"), (2, "stereo", "audio")]
    channels, rate, samples = wav_samples(got[0]["values"][0]["string_val"][0])
    assert (channels, rate) == (1, 8000)
    np.testing.assert_array_equal(samples, np.round(np.clip(mono.astype(np.float32), -1, 1) * 32767))
    channels, rate, samples = wav_samples(got[1]["values"][0]["string_val"][0])
    assert (channels, rate) == (2, 44100)
    np.testing.assert_array_equal(samples, np.round(stereo.astype(np.float32).reshape(-1) * 32767))


def test_add_audio_refuses_more_than_two_axes(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="frames"):
            writer.add_audio("a", np.zeros((1, 2, 3)), 0)


def plugins(logdir):
    """[(step, tag, plugin name)] of LOGDIR's summary values."""
    return [(e["step"], v["tag"], v.get("plugin_name")) for e in summary_events(logdir) for v in e.get("values", [])]


def test_add_pr_curve_writes_a_pr_curves_tensor(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_pr_curve("pr", np.array([1, 0, 1]), np.array([0.9, 0.2, 0.6]), 4, num_thresholds=11)
        with pytest.raises(NotImplementedError, match="weights"):
            writer.add_pr_curve("pr", [1], [0.5], 5, weights=[1.0])
        with pytest.raises(tfcompat.InvalidArgumentError, match="pr"):
            writer.add_pr_curve("pr", [1, 0], [0.5], 6)
    assert plugins(tmp_path) == [(4, "pr", "pr_curves")]


def test_add_embedding_writes_the_projectors_files_as_tensorboardx(tmp_path):
    mat = np.arange(6, dtype=np.float32).reshape(3, 2) / 4
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_embedding(mat, metadata=["a", "b", 3], global_step=7, tag="words")
        with pytest.raises(NotImplementedError, match="label_img"):
            writer.add_embedding(mat, label_img=np.zeros((3, 3, 2, 2)))
        with pytest.raises(tfcompat.InvalidArgumentError, match="labels"):
            writer.add_embedding(mat, metadata=["a"], tag="bad")
    run = tmp_path / "00007" / "words"
    rows = [[float(x) for x in line.split("\t")] for line in (run / "tensors.tsv").read_text().splitlines()]
    assert rows == mat.tolist()
    assert (run / "metadata.tsv").read_text().splitlines() == ["a", "b", "3"]
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "words"' in config
    assert 'tensor_path: "00007/words/tensors.tsv"' in config
    assert 'metadata_path: "00007/words/metadata.tsv"' in config


def test_add_custom_scalars_writes_the_layout_tag(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_custom_scalars({"losses": {"all": ["Multiline", ["loss.*"]]}})
        with pytest.raises(NotImplementedError, match="Margin"):
            writer.add_custom_scalars({"c": {"m": ["Margin", ["a", "b", "c"]]}})
    assert plugins(tmp_path) == [(0, "custom_scalars__config__", "custom_scalars")]


def test_add_hparams_writes_the_session_into_this_run(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_scalar("accuracy", 0.5, 1)
        writer.add_hparams({"lr": 0.1, "optimizer": "adam", "bn": True}, {"accuracy": 0.75},
                           hparam_domain_discrete={"optimizer": ["adam", "sgd"]}, global_step=2)
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == []
    assert plugins(tmp_path) == [(1, "accuracy", None), (0, "_hparams_/experiment", "hparams"),
                                 (0, "_hparams_/session_start_info", "hparams"), (2, "accuracy", None),
                                 (0, "_hparams_/session_end_info", "hparams")]


def test_add_hparams_with_a_run_name_writes_a_sub_run(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1}, {"loss": 0.5}, run_name="trial1")
    assert summary_events(tmp_path) == []
    assert [tag for _, tag, _ in plugins(tmp_path / "trial1")] == [
        "_hparams_/experiment", "_hparams_/session_start_info", "loss", "_hparams_/session_end_info"]


def test_add_hparams_refuses_values_it_cannot_write(tmp_path):
    with tfcompat.SummaryWriter(tmp_path) as writer:
        with pytest.raises(tfcompat.InvalidArgumentError, match="hparam layers"):
            writer.add_hparams({"layers": [1, 2]}, {"loss": 0.5})
        with pytest.raises(ValueError, match="unknown hparams"):
            writer.add_hparams({"lr": 0.1}, {"loss": 0.5}, hparam_domain_discrete={"momentum": [0.9]})
        with pytest.raises(TypeError):
            writer.add_hparams([("lr", 0.1)], {"loss": 0.5})
