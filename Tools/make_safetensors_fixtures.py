#!/usr/bin/env python3
"""Write Tests/Fixtures/safetensors/small.safetensors with the `safetensors` package, and the
values a reader must find in it, for SafeTensorsTests.

Run by hand from the repository root (needs torch and safetensors; the Swift code never uses them):

    python3 Tools/make_safetensors_fixtures.py

The file holds seeded tensors in F32, F16 and BF16 (a 2-D, a 1-D with values that need
F16's subnormals and infinities, a 3-D, and an empty one) plus `__metadata__`. The JSON
gives, per tensor, dtype, shape and the values as float32 after the exact widening a
reader must do (numpy/torch's own conversion), and the header length.
"""
import json
import os
import struct

import torch
from safetensors.torch import save_file

OUT = "Tests/Fixtures/safetensors"


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20261204)
    tensors = {
        "weights.f32": torch.randn(3, 5, generator=g, dtype=torch.float32),
        "bias.f16": torch.cat([torch.randn(6, generator=g), torch.tensor([6.0e-8, -1.0e-5, 65504.0, float("inf"), -0.0])]).to(torch.float16),
        "cube.bf16": (torch.randn(2, 3, 4, generator=g) * 100).to(torch.bfloat16),
        "empty.f32": torch.zeros(0, 4, dtype=torch.float32),
    }
    path = os.path.join(OUT, "small.safetensors")
    save_file(tensors, path, metadata={"format": "pt", "note": "made by Tools/make_safetensors_fixtures.py"})
    with open(path, "rb") as f:
        header_length = struct.unpack("<Q", f.read(8))[0]
    expected = {
        "header_length": header_length,
        "metadata": {"format": "pt", "note": "made by Tools/make_safetensors_fixtures.py"},
        "tensors": {
            name: {
                "dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype],
                "shape": list(t.shape),
                # inf is written as a string: JSON has no infinity.
                "values": [v if abs(v) != float("inf") else ("inf" if v > 0 else "-inf")
                           for v in t.to(torch.float32).flatten().tolist()],
            }
            for name, t in tensors.items()
        },
    }
    with open(os.path.join(OUT, "small.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
