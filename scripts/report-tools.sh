#!/usr/bin/env bash
# Installs what the HTML report test needs: headless Chromium (Debian package `chromium`).
# Safe to run twice: does nothing when a Chromium is already on PATH.
set -euo pipefail

for exe in chromium chromium-browser; do
    if command -v "$exe" >/dev/null 2>&1; then
        echo "report-tools: $exe is installed ($(command -v "$exe"))"
        exit 0
    fi
done

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "report-tools: not root and no sudo: install the Debian package chromium by hand" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium
command -v chromium >/dev/null
echo "report-tools: installed $(chromium --version 2>/dev/null || echo chromium)"
