# SPDX-License-Identifier: Apache-2.0
"""Comparing our event reader (`event_tool dump --json`) with a Python
reader's tensorflow.Event protos, event by event."""
import json

from conftest import run


def expected_events(events, to_ndarray):
    """The fields of each Event that `event_tool dump --json` prints: wall
    time, step, which `what`, and per summary value its tag and, for
    scalars, the value. `to_ndarray` converts a TensorProto."""
    plugin_of_tag = {}
    out = []
    for e in events:
        record = {"wall_time": e.wall_time, "step": e.step, "kind": e.WhichOneof("what") or "empty"}
        if record["kind"] == "summary":
            values = []
            for v in e.summary.value:
                if v.HasField("metadata"):
                    plugin_of_tag.setdefault(v.tag, v.metadata.plugin_data.plugin_name)
                item = {"tag": v.tag}
                which = v.WhichOneof("value")
                if which == "simple_value":
                    item["value"] = v.simple_value
                elif which == "tensor" and plugin_of_tag.get(v.tag) == "scalars":
                    array = to_ndarray(v.tensor)
                    if array.shape == () and array.dtype.kind == "f":
                        item["value"] = float(array)
                values.append(item)
            record["values"] = values
        out.append(record)
    return out


def our_events(event_tool, path):
    """`event_tool dump --json` of one file, reduced to expected_events's fields."""
    lines = run([event_tool, "dump", "--json", path]).stdout.splitlines()
    out = []
    for line in lines:
        e = json.loads(line)
        record = {"wall_time": e["wall_time"], "step": e["step"], "kind": e["kind"]}
        if e["kind"] == "summary":
            record["values"] = [{k: v[k] for k in ("tag", "value") if k in v} for v in e["values"]]
        out.append(record)
    return out
