#!/usr/bin/env bash
# Builds llama.cpp's `llama-bench`, `llama-perplexity`, `llama-mtmd-cli` and `llama-quantize`
# from source, for the side-by-side comparisons (Tools/bench-llama-cpp.sh,
# Tools/bench-vs-llama-cpp.sh, Tools/make_perplexity_fixture.py, the vision encoder's time per
# image) and for quantizing the MedGemma-4B-shaped benchmark model
# (Tools/make_4b_shaped_model.py).
#
# Where the source comes from
#   The llama.cpp we compare against is the one inside the installed Python package
#   llama-cpp-python (the logit and tokenizer fixtures come from it). Its PyPI sdist carries
#   that exact llama.cpp as vendor/llama.cpp, so this script downloads the sdist of the
#   *installed* version with pip (`pip download --no-binary llama-cpp-python --no-deps`),
#   unpacks it and builds from vendor/llama.cpp. No third-party source enters the repository:
#   everything lives under $MEDGEMMA_LLAMA_CPP (default ~/.cache/medgemma/llama.cpp):
#
#     sdist/llama_cpp_python-VER.tar.gz       the downloaded sdist
#     llama_cpp_python-VER/vendor/llama.cpp   the llama.cpp source tree
#     build-VER/bin/llama-bench               the binaries (static, Release, GGML_NATIVE=ON)
#     build-VER/bin/llama-perplexity
#     build-VER/bin/llama-mtmd-cli
#     build-VER/bin/llama-quantize
#     bin -> build-VER/bin                    the current binaries, used by the other scripts
#
# Version check
#   The version downloaded is `pip show llama-cpp-python`'s: python3's own, else the test
#   server's venv (Tools/install-test-server.sh: $MEDGEMMA_SERVER_VENV, default
#   ~/.cache/medgemma/server-venv), where `make test` installs it on machines whose python3
#   lacks it. LLAMA_CPP_PYTHON_VERSION overrides (needed only when neither has the package).
#   After unpacking, the llama.cpp commit of the sdist's submodule is compared with
#   LLAMA_BUILD_COMMIT of the installed package's lib/cmake/llama/llama-config.cmake; a
#   mismatch is an error.
#
# Build
#   cmake (apt-get install -y cmake when missing), Release, GGML_NATIVE=ON, LLAMA_CURL=OFF
#   (deprecated and ignored in this llama.cpp; LLAMA_OPENSSL=OFF is what turns off HTTPS
#   downloads now), static libraries, only the targets llama-bench, llama-perplexity and
#   llama-mtmd-cli and llama-quantize,
#   `nice -n 19` and `-j2` (JOBS=N to change): the machine's 2 cores are shared.
#
# Idempotent: when the four binaries exist for the installed version nothing is downloaded or
# built; the script just prints where they are. FORCE=1 rebuilds.
#
# Usage: Tools/build-llama-cpp.sh            (prints the binary paths on its last lines)
set -euo pipefail

root=${MEDGEMMA_LLAMA_CPP:-${XDG_CACHE_HOME:-$HOME/.cache}/medgemma/llama.cpp}
jobs=${JOBS:-2}
pip=(python3 -m pip --disable-pip-version-check)
venv=${MEDGEMMA_SERVER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/medgemma/server-venv}

# Which pip knows the installed llama-cpp-python: python3's, else the test server venv's.
show=("${pip[@]}" show llama-cpp-python)
installed=$("${show[@]}" 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ -z "$installed" ] && [ -x "$venv/bin/python" ]; then
    show=("$venv/bin/python" -m pip --disable-pip-version-check show llama-cpp-python)
    installed=$("${show[@]}" 2>/dev/null | sed -n 's/^Version: //p' || true)
fi
version=${LLAMA_CPP_PYTHON_VERSION:-$installed}
if [ -z "$version" ]; then
    echo "llama-cpp-python is not installed and LLAMA_CPP_PYTHON_VERSION is not set." >&2
    exit 1
fi
if [ -n "$installed" ] && [ "$version" != "$installed" ]; then
    echo "warning: building llama-cpp-python $version's llama.cpp, but $installed is installed." >&2
fi

src_top=$root/llama_cpp_python-$version
src=$src_top/vendor/llama.cpp
build=$root/build-$version
bench=$build/bin/llama-bench
ppl=$build/bin/llama-perplexity
mtmd=$build/bin/llama-mtmd-cli
quantize=$build/bin/llama-quantize

report() {
    ln -sfn "build-$version/bin" "$root/bin"
    echo "llama-cpp-python $version, llama.cpp $(commit_of_source)"
    echo "llama-bench:      $bench"
    echo "llama-perplexity: $ppl"
    echo "llama-mtmd-cli:   $mtmd"
    echo "llama-quantize:   $quantize"
}

commit_of_source() {
    # The sdist keeps the submodule's git dir (shallow), so git can name the commit.
    git -C "$src" rev-parse HEAD 2>/dev/null || cat "$src_top/.git/modules/vendor/llama.cpp/HEAD"
}

if [ "${FORCE:-0}" != 1 ] && [ -x "$bench" ] && [ -x "$ppl" ] && [ -x "$mtmd" ] && [ -x "$quantize" ]; then
    report
    exit 0
fi

mkdir -p "$root/sdist"

# 1. Download the sdist (only llama-cpp-python from source; its build requirements as wheels,
#    which pip needs to prepare the metadata: `--no-binary :all:` would compile cmake itself).
tarball=$root/sdist/llama_cpp_python-$version.tar.gz
if [ ! -f "$tarball" ]; then
    echo "Downloading the llama-cpp-python $version sdist ..."
    "${pip[@]}" download --quiet --no-deps --no-binary llama-cpp-python \
        --dest "$root/sdist" "llama-cpp-python==$version"
fi
[ -f "$tarball" ] || { echo "pip did not produce $tarball" >&2; exit 1; }

# 2. Unpack it (whole: the submodule's git dir under .git/modules names the commit).
if [ ! -f "$src/CMakeLists.txt" ]; then
    echo "Unpacking into $src_top ..."
    rm -rf "$src_top"
    tar -xzf "$tarball" -C "$root"
fi

# 3. The llama.cpp commit must be the installed package's.
commit=$(commit_of_source)
if [ -n "$installed" ] && [ "$version" = "$installed" ]; then
    site=$("${show[@]}" | sed -n 's/^Location: //p')
    config=$site/lib/cmake/llama/llama-config.cmake
    if [ -f "$config" ]; then
        want=$(sed -n 's/^set(LLAMA_BUILD_COMMIT *\([0-9a-f]*\)).*/\1/p' "$config")
        case $commit in
            "$want"*) echo "llama.cpp $commit matches the installed llama-cpp-python $installed ($want)." ;;
            *) echo "llama.cpp in the sdist is $commit but the installed package was built from $want." >&2
               exit 1 ;;
        esac
    fi
fi

# 4. Build.
if ! command -v cmake >/dev/null; then
    echo "Installing cmake ..."
    apt-get install -y cmake || { apt-get update && apt-get install -y cmake; }
fi
echo "Configuring $build ..."
nice -n 19 cmake -S "$src" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF \
    -DLLAMA_OPENSSL=OFF \
    -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_SERVER=OFF \
    -DLLAMA_BUILD_APP=OFF \
    -DLLAMA_BUILD_TOOLS=ON
echo "Building llama-bench, llama-perplexity, llama-mtmd-cli and llama-quantize (nice -n 19, -j$jobs) ..."
nice -n 19 cmake --build "$build" --config Release -j "$jobs" \
    --target llama-bench llama-perplexity llama-mtmd-cli llama-quantize

report
