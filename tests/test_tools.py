"""The project's own tools pass: ruff (which also keeps Qt out of desktop.core) and mypy on desktop.core."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    done = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_bans_qt_in_core():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    probe = '"""Probe."""\n\nfrom PySide6.QtCore import QObject\n\n__all__ = ["QObject"]\n'
    # Checked from stdin under a core file's name: nothing is written into the source tree.
    done = subprocess.run([ruff, "check", "--stdin-filename", "desktop/core/formats/_probe_qt_ban.py", "-"],
                          cwd=ROOT, input=probe, capture_output=True, text=True)
    assert done.returncode == 1 and "TID251" in done.stdout


def test_mypy_is_clean():
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
