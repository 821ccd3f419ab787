"""The wheel carries the app and its resources: installed into a fresh venv, its command works."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = work.glob("article_browser-*.whl")
    env = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    install = subprocess.run([str(env / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    return env


def test_the_installed_command_runs_from_the_wheel(venv, tmp_path, seed):
    command = str(venv / "bin" / "article-browser")
    version = subprocess.run([command, "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("article-browser ")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import desktop, desktop.paths as p; "
                            "print(desktop.__file__); print(p.resource('icons/article-browser.svg'))"],
                           capture_output=True, text=True, cwd=tmp_path)
    module, icon = where.stdout.split()
    assert module.startswith(str(venv)) and icon.startswith(str(venv))  # not the source tree
    imported = subprocess.run([command, "--library", str(tmp_path / "lib"), "import", str(seed)],
                              capture_output=True, text=True, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "post-924.json: 1 new" in imported.stdout
