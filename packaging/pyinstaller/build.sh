#!/bin/sh
# Build the one-folder bundle into dist/article-browser/ and print its size.
#   sh packaging/pyinstaller/build.sh      (needs: pip install pyinstaller, and the app's dependencies)
set -eu
cd "$(dirname "$0")/../.."
dist="${DIST:-dist}"
python -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "${WORK:-build/pyinstaller}" packaging/pyinstaller/article-browser.spec
du -sh "$dist/article-browser"
