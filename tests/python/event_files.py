# SPDX-License-Identifier: Apache-2.0
"""Reads event files back in pure Python for the package's tests: the
TFRecord framing (length, masked CRC32C of the length, data, masked CRC32C
of the data; both checked) and the fields of tensorflow.Event the tests look
at, decoded from the protobuf wire format by hand (no protobuf package)."""
import struct
import zlib

import numpy as np


def _crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked_crc(data):
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """The records of a TFRecord file; AssertionError on a bad checksum."""
    data = path.read_bytes()
    pos, out = 0, []
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        assert length_crc == _masked_crc(header), f"{path}: bad length checksum at offset {pos}"
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        assert body_crc == _masked_crc(body), f"{path}: bad data checksum at offset {pos}"
        out.append(body)
        pos += 16 + length
    return out


def _varint(data, pos):
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def fields(data):
    """[(field number, value)] of a message: ints for varints, bytes for
    length-delimited fields, raw 4 or 8 bytes for fixed32/fixed64."""
    pos, out = 0, []
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise AssertionError(f"wire type {wire} of field {number}")
        out.append((number, value))
    return out


def _packed_doubles(chunks):
    values = []
    for chunk in chunks:
        values.extend(struct.unpack(f"<{len(chunk) // 8}d", chunk))
    return values


def _histogram(data):
    f = fields(data)
    stat = {n: struct.unpack("<d", v)[0] for n, v in f if n in (1, 2, 3, 4, 5)}
    return {
        "min": stat.get(1, 0.0), "max": stat.get(2, 0.0), "num": stat.get(3, 0.0), "sum": stat.get(4, 0.0),
        "sum_squares": stat.get(5, 0.0),
        "bucket_limit": _packed_doubles([v for n, v in f if n == 6]),
        "bucket": _packed_doubles([v for n, v in f if n == 7])
    }


def _value(data):
    """A Summary.Value as a dict: tag, and simple_value, histo, plugin_name
    and string_val (of its tensor) where present."""
    out = {}
    for number, value in fields(data):
        if number == 1:
            out["tag"] = value.decode()
        elif number == 2:
            out["simple_value"] = struct.unpack("<f", value)[0]
        elif number == 5:
            out["histo"] = _histogram(value)
        elif number == 8:
            out["string_val"] = [v for n, v in fields(value) if n == 8]
        elif number == 9:
            plugin = dict(fields(value)).get(1, b"")
            out["plugin_name"] = dict(fields(plugin)).get(1, b"").decode()
    return out


def events(path):
    """The events of an event file as dicts: wall_time, step, and
    file_version, values (Summary.Value dicts) or session_log_status where
    present."""
    out = []
    for record in records(path):
        event = {"wall_time": 0.0, "step": 0}
        for number, value in fields(record):
            if number == 1:
                event["wall_time"] = struct.unpack("<d", value)[0]
            elif number == 2:
                event["step"] = value
            elif number == 3:
                event["file_version"] = value.decode()
            elif number == 5:
                event["values"] = [_value(v) for n, v in fields(value) if n == 1]
            elif number == 7:
                event["session_log_status"] = dict(fields(value)).get(1, 0)
        out.append(event)
    return out


def event_file(logdir):
    """The one event file in LOGDIR."""
    files = sorted(logdir.glob("events.out.tfevents.*"))
    assert len(files) == 1, f"{logdir}: {files}"
    return files[0]


def decode_png(data):
    """The pixels of an 8-bit, non-interlaced PNG as a height x width x
    channels uint8 array (filters undone; no other PNG feature)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
            channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        prev = out[y - 1] if y > 0 else np.zeros(stride, dtype=np.int32)
        row = out[y]
        for x in range(stride):
            a = row[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 0:
                pred = 0
            elif kind == 1:
                pred = a
            elif kind == 2:
                pred = b
            elif kind == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            row[x] = (line[x] + pred) & 0xFF
    return out.astype(np.uint8).reshape(height, width, channels)
