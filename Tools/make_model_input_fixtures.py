#!/usr/bin/env python3
"""Expected "what the model sees" for the sample CT slice (issue 4), from pydicom + numpy
+ Pillow, independent of the Swift code: the modality LUT, the three MedGemma CT windows
packed into R, G, B (Google-Health/medgemma notebooks/high_dimensional_ct_hugging_face.ipynb:
clip, subtract the lower bound, divide by the width, ×255, np.round, uint8), then Pillow's
bilinear resize to 896×896. Writes Tests/Fixtures/model_input/manifest.json.

Run by hand: python3 Tools/make_model_input_fixtures.py   (needs pydicom, numpy, Pillow)
"""
import hashlib, json, os
import numpy as np
import pydicom
from pydicom.pixels import apply_modality_lut
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared = os.path.join(os.path.dirname(root), "shared")
ct_rel = "sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm"
ds = pydicom.dcmread(os.path.join(shared, ct_rel))
hu = apply_modality_lut(ds.pixel_array, ds).astype(np.float32)
windows = [(-1024, 1024), (-135, 215), (0, 80)]
channels = []
for lo, hi in windows:
    c = np.clip(hu, lo, hi).astype(np.float32)
    c = (c - lo) / (hi - lo) * 255.0
    channels.append(np.round(c).astype(np.uint8))
rgb = np.stack(channels, axis=-1)
resized = np.asarray(Image.fromarray(rgb, "RGB").resize((896, 896), Image.BILINEAR))
# The tiny test mmproj (Tests/Fixtures/tiny_gemma_vision) takes 48×48 pictures.
resized48 = np.asarray(Image.fromarray(rgb, "RGB").resize((48, 48), Image.BILINEAR))
out = {
    "generator": "Tools/make_model_input_fixtures.py",
    "ct": {
        "path": ct_rel,
        "width": int(rgb.shape[1]), "height": int(rgb.shape[0]),
        "packed_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
        "resized896_sha256": hashlib.sha256(resized.tobytes()).hexdigest(),
        "resized48_sha256": hashlib.sha256(resized48.tobytes()).hexdigest(),
        "packed_center_pixel": [int(v) for v in rgb[256, 256]],
    },
}
os.makedirs(os.path.join(root, "Tests/Fixtures/model_input"), exist_ok=True)
with open(os.path.join(root, "Tests/Fixtures/model_input/manifest.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
