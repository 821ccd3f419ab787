"""The wheel carries the app and its resources, and works installed away from the source tree."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(ROOT)],
                           capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{build.stdout}\n{build.stderr}")
    (wheel,) = work.glob("article_browser-*.whl")
    site = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True)
    return site


def run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_installed_wheel_runs_headless(installed, tmp_path, seed):
    where = run(installed, "-c", "import desktop, desktop.paths as p; print(desktop.__file__); "
                "print(p.resource('icons/article-browser.svg'))", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    module, icon = where.stdout.split()
    assert module.startswith(str(installed)) and icon.startswith(str(installed))
    version = run(installed, "-m", "desktop", "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("article-browser ")
    imported = run(installed, "-m", "desktop", "--library", str(tmp_path / "lib"), "import", str(seed), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "post-924.json: 1 new" in imported.stdout
