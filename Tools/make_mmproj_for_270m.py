#!/usr/bin/env python3
"""A tiny random mmproj whose projector writes 640-wide rows, the text width of the real
gemma-3-270m default model, so `medgemma ask --image` can run end to end on the default
model in tests (the 270M model has no vision part of its own; the answer is meaningless,
the pipeline is real). Made from Tests/Fixtures/tiny_gemma_vision/mmproj-f32.gguf (see
Tools/make_tiny_gemma_vision.py): same SigLIP tower, a new random input projection, and
clip.vision.projection_dim = 640. Writes Tests/Fixtures/tiny_gemma_vision/mmproj-270m.gguf.

Run by hand: python3 Tools/make_mmproj_for_270m.py   (needs the gguf package)
"""
import os
import numpy as np
import gguf

here = os.path.dirname(os.path.abspath(__file__))
folder = os.path.join(os.path.dirname(here), "Tests/Fixtures/tiny_gemma_vision")
reader = gguf.GGUFReader(os.path.join(folder, "mmproj-f32.gguf"))
writer = gguf.GGUFWriter(os.path.join(folder, "mmproj-270m.gguf"), "clip")
TEXT_WIDTH = 640
rng = np.random.default_rng(640)

for field in reader.fields.values():
    name = field.name
    if name.startswith("GGUF.") or name == "general.architecture":
        continue
    value = field.contents()
    if name == "clip.vision.projection_dim":
        value = TEXT_WIDTH
    vtype = field.types[0]
    if vtype == gguf.GGUFValueType.ARRAY:
        writer.add_key_value(name, value, vtype, sub_type=field.types[-1])
    else:
        writer.add_key_value(name, value, vtype)

for t in reader.tensors:
    data = np.array(t.data)
    if t.name == "mm.input_projection.weight":
        hidden = data.shape[0]
        # Stored F16, as the converter writes this tensor.
        data = (rng.standard_normal((hidden, TEXT_WIDTH)) * 0.05).astype(np.float16)
    writer.add_tensor(t.name, data, raw_dtype=t.tensor_type)

writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
print("wrote", os.path.join(folder, "mmproj-270m.gguf"))
