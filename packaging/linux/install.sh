#!/bin/sh
# Install Article Browser's desktop entry, AppStream metainfo and icons for the current user, so that
# menus, "Open with" and software centres know it. The program itself comes from `pipx install .`
# (or pip) and must be on PATH as `article-browser`.
#   sh packaging/linux/install.sh [--uninstall]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
icons="$here/../../resources/icons"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
id=io.github.articlebrowser.ArticleBrowser
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$data/applications/$id.desktop" "$data/metainfo/$id.metainfo.xml" \
          "$data/icons/hicolor/scalable/apps/$id.svg"
    for size in 16 32 48 64 128 256 512; do rm -f "$data/icons/hicolor/${size}x${size}/apps/$id.png"; done
else
    install -Dm644 "$here/$id.desktop" "$data/applications/$id.desktop"
    install -Dm644 "$here/$id.metainfo.xml" "$data/metainfo/$id.metainfo.xml"
    install -Dm644 "$icons/article-browser.svg" "$data/icons/hicolor/scalable/apps/$id.svg"
    for size in 16 32 48 64 128 256 512; do
        install -Dm644 "$icons/hicolor/${size}x${size}/apps/$id.png" "$data/icons/hicolor/${size}x${size}/apps/$id.png"
    done
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "done: $data"
