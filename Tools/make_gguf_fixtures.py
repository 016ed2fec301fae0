#!/usr/bin/env python3
"""Write the small GGUF fixtures in Tests/Fixtures/gguf/ and their JSON manifest.

Run by hand from the repository root (needs numpy and the `gguf` PyPI package, 0.19.0):

    python3 Tools/make_gguf_fixtures.py

The files are written with gguf-py's own GGUFWriter, so they are an oracle for the Swift
reader that does not share any code with it. Every value the script hands to the writer is
also written to Tests/Fixtures/gguf/manifest.json, and the Swift tests (Tests/GGUFTests/
GGUFFixtureTests.swift) compare what GGUFFile reads with that manifest, value by value.

Files (each a few KB):

  metadata_all_types.gguf  v3, no tensors. One key per scalar type (with edge values: min/max
                           integers, -0.0, subnormals, inf, NaN, unicode/empty/NUL strings),
                           one array per element type, and nested arrays (arrays of arrays,
                           three levels, and inner arrays of different element types).
  tensors_align64.gguf     v3, general.alignment = 64 (uint32), tensors of types F32, F16,
                           BF16, Q4_0, Q5_0, Q8_0 (real gguf.quants quantization of known
                           values), Q4_K and Q6_K (deterministic raw block bytes), with 1 to 4
                           dimensions; sizes that are not multiples of 64 force padding.
  v2_small.gguf            GGUFWriter can only write version 3 (gguf.GGUF_VERSION); this file
                           is written as v3 and then the u32 version at byte 4 is PATCHED to 2
                           by this script. v2 and v3 share the same layout, so the rest of the
                           file is unchanged. Default alignment (32), two tensors.

Manifest encoding (so that no value goes through a lossy JSON number):
  - integers are decimal strings; float32/float64 are the IEEE bit patterns as hex strings
    ("0x3f800000"); bools are JSON booleans; strings are JSON strings.
  - an array is {"type": "array", "elem": <type>, "value": [...]}; the elements of a nested
    array are themselves {"elem": ..., "value": [...]} objects.
  - tensors list name, shape (ggml order, fastest dimension first), ggml type id and name,
    relative offset, absolute file offset, byte count and the data bytes as hex.
  - data_offset and file_size are computed here from the layout (and cross-checked with
    gguf.GGUFReader before the manifest is written).
"""

import json
import os
import struct
import sys

import numpy as np
import gguf
from gguf import GGUFWriter, GGUFValueType, GGMLQuantizationType as Q
from gguf.quants import quantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "gguf")

TYPE_NAMES = {
    GGUFValueType.UINT8: "uint8", GGUFValueType.INT8: "int8", GGUFValueType.UINT16: "uint16",
    GGUFValueType.INT16: "int16", GGUFValueType.UINT32: "uint32", GGUFValueType.INT32: "int32",
    GGUFValueType.FLOAT32: "float32", GGUFValueType.BOOL: "bool", GGUFValueType.STRING: "string",
    GGUFValueType.ARRAY: "array", GGUFValueType.UINT64: "uint64", GGUFValueType.INT64: "int64",
    GGUFValueType.FLOAT64: "float64",
}


def enc_scalar(t, v):
    """One scalar as the manifest stores it (see the module docstring)."""
    if t == GGUFValueType.FLOAT32:
        return "0x%08x" % struct.unpack("<I", struct.pack("<f", v))[0]
    if t == GGUFValueType.FLOAT64:
        return "0x%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    if t == GGUFValueType.BOOL:
        return bool(v)
    if t == GGUFValueType.STRING:
        return v
    return str(int(v))


def enc_array(elem, values):
    """An array: element type plus encoded elements; nested lists infer their type like GGUFWriter."""
    if elem == GGUFValueType.ARRAY:
        return {"elem": "array", "value": [enc_array(GGUFValueType.get_type(inner[0]), inner) for inner in values]}
    return {"elem": TYPE_NAMES[elem], "value": [enc_scalar(elem, v) for v in values]}


class Fixture:
    """Collects keys and tensors, hands them to GGUFWriter and records them for the manifest."""

    def __init__(self, name, arch="fixture"):
        self.name = name
        self.writer = GGUFWriter(os.path.join(OUT, name), arch)
        self.alignment = 32
        # GGUFWriter's constructor adds general.architecture first.
        self.kv = [{"key": "general.architecture", "type": "string", "value": arch}]
        self.tensors = []

    def scalar(self, key, t, v):
        self.writer.add_key_value(key, v, t)
        self.kv.append({"key": key, "type": TYPE_NAMES[t], "value": enc_scalar(t, v)})

    def array(self, key, elem, values):
        if elem == GGUFValueType.ARRAY:
            self.writer.add_key_value(key, values, GGUFValueType.ARRAY)   # element types inferred
        else:
            self.writer.add_key_value(key, values, GGUFValueType.ARRAY, sub_type=elem)
        entry = {"key": key, "type": "array"}
        entry.update(enc_array(elem, values))
        self.kv.append(entry)

    def align(self, a):
        self.writer.add_custom_alignment(a)
        self.alignment = a
        self.kv.append({"key": "general.alignment", "type": "uint32", "value": str(a)})

    def tensor(self, name, ne, qtype, raw):
        """`raw` is the exact data bytes (np.uint8); `ne` is the ggml shape, fastest first."""
        raw = np.ascontiguousarray(raw, dtype=np.uint8).reshape(-1)
        block, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
        n = int(np.prod(ne))
        assert ne[0] % block == 0 and len(raw) == n // block * block_bytes, name
        # GGUFWriter wants the numpy (reversed) byte shape for raw quantized data.
        byte_shape = list(reversed(ne))
        byte_shape[-1] = ne[0] // block * block_bytes
        self.writer.add_tensor(name, raw.reshape(byte_shape), raw_dtype=qtype)
        self.tensors.append({"name": name, "shape": list(ne), "type": int(qtype), "type_name": qtype.name,
                             "n_bytes": len(raw), "data": raw.tobytes().hex()})

    def write(self, patch_version=None):
        w = self.writer
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        path = os.path.join(OUT, self.name)
        if patch_version is not None:
            with open(path, "r+b") as f:
                f.seek(4)
                f.write(struct.pack("<I", patch_version))
        return self.manifest(path, patch_version or gguf.GGUF_VERSION)

    def manifest(self, path, version):
        pad = lambda x: (x + self.alignment - 1) // self.alignment * self.alignment
        # Layout, computed from what was written: header, kv pairs, tensor infos, padding, data.
        with open(path, "rb") as f:
            blob = f.read()
        # The writer pads after the tensor infos and after every tensor, so the data starts
        # where the padded tensors, counted back from the end, begin ...
        end_of_infos = len(blob) - sum(pad(t["n_bytes"]) for t in self.tensors)
        # ... which must equal the padded end of the header, metadata and tensor infos.
        info_bytes = sum(8 + len(t["name"].encode()) + 4 + 8 * len(t["shape"]) + 4 + 8 for t in self.tensors)
        kv_end = self._kv_end(blob)
        data_offset = pad(kv_end + info_bytes)
        assert data_offset == end_of_infos, (self.name, data_offset, end_of_infos)
        rel = 0
        for t in self.tensors:
            t["offset"] = rel
            t["file_offset"] = data_offset + rel
            assert blob[t["file_offset"]:t["file_offset"] + t["n_bytes"]].hex() == t["data"], t["name"]
            rel += pad(t["n_bytes"])
        # Cross-check with gguf-py's reader (an independent parse of the same bytes).
        if version == gguf.GGUF_VERSION:
            r = gguf.GGUFReader(path)
            assert r.data_offset == data_offset and r.alignment == self.alignment, self.name
            assert [t.name for t in r.tensors] == [t["name"] for t in self.tensors]
            for rt, t in zip(r.tensors, self.tensors):
                assert list(map(int, rt.shape)) == t["shape"] and int(rt.tensor_type) == t["type"]
                assert int(rt.data_offset) == t["file_offset"] and int(rt.n_bytes) == t["n_bytes"]
        return {"file": self.name, "version": version, "alignment": self.alignment,
                "data_offset": data_offset, "file_size": len(blob), "tensor_count": len(self.tensors),
                "kv_count": len(self.kv), "metadata": self.kv, "tensors": self.tensors}

    def _kv_end(self, blob):
        """Offset just after the last metadata pair, by re-encoding each recorded pair's length."""
        off = 24
        for kv in self.kv:
            off += 8 + len(kv["key"].encode()) + 4 + self._value_len(kv)
        return off

    def _value_len(self, v, t=None):
        t = t or v["type"]
        sizes = {"uint8": 1, "int8": 1, "bool": 1, "uint16": 2, "int16": 2, "uint32": 4, "int32": 4,
                 "float32": 4, "uint64": 8, "int64": 8, "float64": 8}
        if t in sizes:
            return sizes[t]
        if t == "string":
            return 8 + len(v["value"].encode())
        # array: u32 element type, u64 count, elements
        n = 12
        for e in v["value"]:
            if v["elem"] == "array":
                n += self._value_len(e, "array")
            elif v["elem"] == "string":
                n += 8 + len(e.encode())
            else:
                n += sizes[v["elem"]]
        return n


def metadata_all_types():
    fx = Fixture("metadata_all_types.gguf")
    T = GGUFValueType
    fx.scalar("test.uint8", T.UINT8, 255)
    fx.scalar("test.int8", T.INT8, -128)
    fx.scalar("test.uint16", T.UINT16, 65535)
    fx.scalar("test.int16", T.INT16, -32768)
    fx.scalar("test.uint32", T.UINT32, 4294967295)
    fx.scalar("test.int32", T.INT32, -2147483648)
    fx.scalar("test.float32", T.FLOAT32, 3.14159265)
    fx.scalar("test.bool_true", T.BOOL, True)
    fx.scalar("test.bool_false", T.BOOL, False)
    fx.scalar("test.string", T.STRING, "héllo, wörld — 世界 🩺")
    fx.scalar("test.string_empty", T.STRING, "")
    fx.scalar("test.string_controls", T.STRING, "line1\nline2\ttab\x00nul")
    fx.scalar("test.uint64", T.UINT64, 18446744073709551615)
    fx.scalar("test.int64", T.INT64, -9223372036854775808)
    fx.scalar("test.float64", T.FLOAT64, -2.718281828459045)
    fx.scalar("test.int_small_u8", T.UINT8, 7)
    fx.scalar("test.int_small_i64", T.INT64, 640)
    fx.array("test.arr.uint8", T.UINT8, [0, 1, 127, 128, 255])
    fx.array("test.arr.int8", T.INT8, [-128, -1, 0, 1, 127])
    fx.array("test.arr.uint16", T.UINT16, [0, 1, 65535])
    fx.array("test.arr.int16", T.INT16, [-32768, 0, 32767])
    fx.array("test.arr.uint32", T.UINT32, [0, 1, 4294967295])
    fx.array("test.arr.int32", T.INT32, [-2147483648, -1, 0, 2147483647])
    fx.array("test.arr.float32", T.FLOAT32, [0.0, -0.0, 1.0, -1.5, 1e-45, 3.4028234663852886e38,
                                             float("inf"), float("-inf"), float("nan")])
    fx.array("test.arr.bool", T.BOOL, [True, False, True, True])
    fx.array("test.arr.string", T.STRING, ["<pad>", "", "▁the", "🩺", "a\nb"])
    fx.array("test.arr.uint64", T.UINT64, [0, 1, 18446744073709551615])
    fx.array("test.arr.int64", T.INT64, [-9223372036854775808, 0, 9223372036854775807])
    fx.array("test.arr.float64", T.FLOAT64, [0.0, -0.0, 2.5, 5e-324, float("inf"), float("nan")])
    # Nested arrays: GGUFWriter infers inner element types (int -> int32, float -> float32).
    fx.array("test.nested.int32", T.ARRAY, [[1, 2, 3], [4], [5, 6]])
    fx.array("test.nested.mixed", T.ARRAY, [[1.5, -2.0], ["x", "yz"], [True]])
    fx.array("test.nested.deep", T.ARRAY, [[[1, 2], [3]], [[4]]])
    # Integer-valued keys the engine reads (int getters accept any width).
    fx.scalar("fixture.block_count", T.UINT32, 18)
    fx.array("fixture.feed_forward_length", T.INT32, [2048, 4096])
    return fx.write()


def tensors_align64():
    fx = Fixture("tensors_align64.gguf")
    fx.align(64)
    fx.scalar("fixture.note", GGUFValueType.STRING, "tensors of several types")
    rng = np.random.default_rng(20240611)

    f32 = (np.arange(15, dtype=np.float32) * 0.25 - 1.0)            # ne = [5, 3]
    fx.tensor("f32.matrix", [5, 3], Q.F32, f32.view(np.uint8))
    f16 = np.array([0.0, 1.0, -2.0, 0.5, 65504.0, -0.0, 6.1035156e-05, 3.0] * 2, dtype=np.float16)
    fx.tensor("f16.matrix", [8, 2], Q.F16, f16.view(np.uint8))
    bf16 = (np.array([1.0, -1.0, 0.15625, 3.0e38, 2.0, 0.0], dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
    fx.tensor("bf16.vector", [6], Q.BF16, bf16.view(np.uint8))
    x = rng.standard_normal(64 * 2).astype(np.float32)
    fx.tensor("q8_0.matrix", [64, 2], Q.Q8_0, quantize(x.reshape(2, 64), Q.Q8_0))
    x = rng.standard_normal(32 * 3).astype(np.float32)
    fx.tensor("q5_0.matrix", [32, 3], Q.Q5_0, quantize(x.reshape(3, 32), Q.Q5_0))
    x = rng.standard_normal(32).astype(np.float32)
    fx.tensor("q4_0.vector", [32], Q.Q4_0, quantize(x.reshape(1, 32), Q.Q4_0))
    fx.tensor("q4_k.matrix", [256, 2], Q.Q4_K, (np.arange(2 * 144) * 7 + 3) % 256)
    fx.tensor("q6_k.cube", [256, 1, 2], Q.Q6_K, (np.arange(2 * 210) * 13 + 1) % 256)
    fx.tensor("f32.4d", [2, 1, 3, 2], Q.F32, (np.arange(12, dtype=np.float32) - 6.0).view(np.uint8))
    return fx.write()


def v2_small():
    fx = Fixture("v2_small.gguf")
    fx.scalar("fixture.version_note", GGUFValueType.STRING, "version patched from 3 to 2")
    fx.scalar("fixture.count", GGUFValueType.UINT32, 3)
    fx.tensor("v2.weight", [4, 2], Q.F32, np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=np.float32).view(np.uint8))
    fx.tensor("v2.bias", [3], Q.F16, np.array([0.5, -0.25, 8.0], dtype=np.float16).view(np.uint8))
    return fx.write(patch_version=2)


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {"generator": "Tools/make_gguf_fixtures.py with gguf-py %s" % getattr(gguf, "__version__", "0.19.0"),
                "files": [metadata_all_types(), tensors_align64(), v2_small()]}
    with open(os.path.join(OUT, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=True)
        f.write("\n")
    for entry in manifest["files"]:
        print("%-26s v%d  %5d bytes  %2d keys  %d tensors" % (entry["file"], entry["version"], entry["file_size"],
                                                              entry["kv_count"], entry["tensor_count"]))


if __name__ == "__main__":
    sys.exit(main())
