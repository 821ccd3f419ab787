"""A library open in this process keeps its SQLite locks when the library is opened again (POSIX drops every lock
a process holds on a file when any of its descriptors of that file is closed)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.importer import import_paths
from desktop.core.library import FILE_NAME, Library
from tests.conftest import post, write_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.name == "nt", reason="POSIX advisory locks")
def test_opening_the_library_again_keeps_this_process_locks(tmp_path):
    lib = tmp_path / "lib"
    with Library.open(lib) as library:
        list(import_paths(library, [write_json(tmp_path / "p.json", [post(n) for n in range(1, 4)])]))
    window = Library.open(lib)  # the window's connection, open all along
    try:
        assert window.count_posts() == 3
        wal = lib / (FILE_NAME + "-wal")
        assert wal.exists()
        Library.open(lib).close()  # a job's own connection, as imports and exports open
        # Another process uses the library and exits: if this process's locks were lost, it believes itself the
        # last user and deletes the WAL and shared-memory files under the open connection.
        done = subprocess.run([sys.executable, "-m", "desktop", "stats", "--library", str(lib)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert wal.exists() and (lib / (FILE_NAME + "-shm")).exists(), "another process removed the WAL in use"
        assert window.count_posts() == 3
    finally:
        window.close()
