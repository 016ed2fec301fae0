#!/usr/bin/env bash
# Installs the OpenAI-compatible test server that the remote-backend tests talk to:
# llama-cpp-python's server (`python -m llama_cpp.server`) in a cached virtual environment.
#
# Where
#   $MEDGEMMA_SERVER_VENV, default ${XDG_CACHE_HOME:-~/.cache}/medgemma/server-venv. The
#   tests (Tests/TestSupport/OpenAIServer.swift) look for bin/python there.
#
# Why a venv with --system-site-packages
#   llama-cpp-python compiles llama.cpp from source on install (about 10 minutes on the
#   project's 2-core machines). When the machine's python3 already has the pinned version
#   importable (the oracle fixtures were made with it), the venv sees it and pip only adds
#   the server extras (fastapi, uvicorn, sse-starlette, starlette-context,
#   pydantic-settings, PyYAML). Otherwise pip builds the pinned version into the venv once.
#
# A second run with everything in place does nothing. `--check` installs nothing: exit
# status 0 when the environment is ready, 1 when not.
set -euo pipefail

VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
VENV="${MEDGEMMA_SERVER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/medgemma/server-venv}"
CHECK="import llama_cpp, llama_cpp.server.app, fastapi, uvicorn, sse_starlette, starlette_context, pydantic_settings, yaml
assert llama_cpp.__version__ == '$VERSION', llama_cpp.__version__"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1; then
    exit 0
fi
# --check: only say (by the exit status) whether the server is installed and working.
[ "${1:-}" = "--check" ] && exit 1

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || { echo "error: $PYTHON not found; install python3" >&2; exit 1; }
if ! "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    else
        echo "error: $PYTHON cannot make virtual environments; install them with: sudo apt-get install -y python3-venv" >&2
        exit 1
    fi
fi

rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
if "$PYTHON" -c "import llama_cpp; assert llama_cpp.__version__ == '$VERSION'" >/dev/null 2>&1; then
    echo "Creating $VENV on the installed llama-cpp-python $VERSION (adding the server extras)"
    "$PYTHON" -m venv --system-site-packages "$VENV"
else
    echo "Creating $VENV and building llama-cpp-python $VERSION from source (about 10 minutes on 2 cores)"
    "$PYTHON" -m venv "$VENV"
    export CMAKE_BUILD_PARALLEL_LEVEL="${JOBS:-2}"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "llama-cpp-python[server]==$VERSION"

if ! "$VENV/bin/python" -c "$CHECK"; then
    echo "error: the server venv at $VENV cannot import llama_cpp.server" >&2
    exit 1
fi
echo "Test server ready: $VENV/bin/python -m llama_cpp.server"
