import io
import subprocess
import sys

from desktop.cli import run
from tests.conftest import post, write_json


def cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_list_of_sources_without_a_site_says_when_more_exist(tmp_path):
    (tmp_path / "downloads").mkdir()
    loose = [post(i) for i in (7, 8)]
    for item in loose:
        for field in ("link", "guid", "_links"):
            item.pop(field, None)
    files = [write_json(tmp_path / "a.json", [post(i) for i in range(1, 6)]),
             write_json(tmp_path / "downloads" / "b.json", loose)]
    library = ["--library", str(tmp_path / "lib")]
    assert cli("import", *map(str, files), *library)[0] == 0
    code, out, err = cli("list", "--site", "", *library)
    assert code == 0
    assert [line.split()[2:5] for line in out.splitlines()] == [["Post", "number", "8"], ["Post", "number", "7"]]
    assert "(downloads (files))" in out and err == ""
    code, out, err = cli("list", "--limit", "3", *library)
    assert len(out.splitlines()) == 3 and "showing 3 of 7 posts" in err


def test_list_piped_into_head_ends_quietly(tmp_path):
    library = ["--library", str(tmp_path / "lib")]
    assert cli("import", str(write_json(tmp_path / "a.json", [post(i) for i in range(1, 400)])), *library)[0] == 0
    done = subprocess.run(f"{sys.executable} -m desktop list --limit 400 --library {tmp_path / 'lib'} | head -1",
                          shell=True, capture_output=True, text=True)
    assert len(done.stdout.splitlines()) == 1 and "Traceback" not in done.stderr
