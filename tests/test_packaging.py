"""The Linux desktop integration files install for a user and pass the freedesktop validators."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.articlebrowser.ArticleBrowser"


def test_install_script_puts_entry_metainfo_and_icons_in_place(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path))
    subprocess.run(["sh", str(LINUX / "install.sh")], check=True, env=env, capture_output=True)
    entry = tmp_path / "applications" / f"{APP_ID}.desktop"
    assert "Exec=article-browser %F" in entry.read_text() and "MimeType=application/json;" in entry.read_text()
    assert (tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml").exists()
    assert (tmp_path / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").exists()
    for size in (16, 32, 48, 64, 128, 256, 512):
        png = tmp_path / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    subprocess.run(["sh", str(LINUX / "install.sh"), "--uninstall"], check=True, env=env, capture_output=True)
    assert not entry.exists()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_entry_is_valid():
    subprocess.run(["desktop-file-validate", str(LINUX / f"{APP_ID}.desktop")], check=True)


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_metainfo_is_valid():
    subprocess.run(["appstreamcli", "validate", "--no-net", str(LINUX / f"{APP_ID}.metainfo.xml")], check=True,
                   capture_output=True)
