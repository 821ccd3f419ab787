"""The PyInstaller one-folder build starts and imports headless, like the installed command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_frozen_build_runs_version_and_a_headless_import(tmp_path, seed):
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install -e '.[test]')")
    env = dict(os.environ, DIST=str(tmp_path / "dist"), WORK=str(tmp_path / "work"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    build = subprocess.run(["sh", str(ROOT / "packaging/pyinstaller/build.sh")], env=env, capture_output=True,
                           text=True, timeout=900)
    assert build.returncode == 0, build.stdout + build.stderr
    binary = tmp_path / "dist" / "article-browser" / "article-browser"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("article-browser ")
    done = subprocess.run([str(binary), "--library", str(tmp_path / "lib"), "import", str(seed)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "post-924.json: 1 new" in done.stdout
    found = subprocess.run([str(binary), "--library", str(tmp_path / "lib"), "search", "Lavrov", "--json"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert '"wp_id": 924' in found.stdout
