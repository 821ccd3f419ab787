#!/bin/sh
# Download the pure-Python wheels the Flatpak manifest installs (their sha256 are pinned there).
set -eu
cd "$(dirname "$0")"
python3 -m pip download --no-deps --only-binary=:all: -d wheels \
    beautifulsoup4==4.15.0 soupsieve==4.1.3 typing_extensions==4.16.0 platformdirs==4.14.8
sha256sum wheels/*.whl
