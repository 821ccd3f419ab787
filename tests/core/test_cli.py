import json
import subprocess
import sys

from desktop import cli
from tests.conftest import post, write_json


def run(*args):
    out, err = _Capture(), _Capture()
    code = cli.run(list(args), out, err)
    return code, out.text, err.text


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def isatty(self):
        return False

    def flush(self):
        pass


def test_import_list_show_search_stats(tmp_path, seed):
    lib = str(tmp_path / "lib")
    code, out, _ = run("--library", lib, "import", str(seed))
    assert code == 0 and "post-924.json: 1 new" in out and out.strip().endswith("Imported 1 file: 1 new")
    code, out, _ = run("list", "--json", "--library", lib, "--category", "Politics")
    (obj,) = json.loads(out)
    assert obj == {"id": 1, "site": "www.viewworld.org", "type": "post", "wp_id": 924,
                   "title": "Russia suspends its mission at NATO, shuts alliance’s office",
                   "date_utc": "2021-10-18T16:25:55Z", "date_local": "2021-10-18T12:25:55",
                   "categories": ["Politics"], "tags": [], "author": None,
                   "link": "https://www.viewworld.org/?p=924",
                   "excerpt": "MOSCOW (AP) — Russia on Monday suspended its mission at […]",
                   "status": "publish", "sticky": False}
    assert json.loads(run("search", "nato*", "--json", "--library", lib)[1])[0]["wp_id"] == 924
    assert json.loads(run("search", '"Russian Embassy in Belgium"', "--json", "--library", lib)[1])[0]["id"] == 1
    assert json.loads(run("search", "sputnik", "--json", "--library", lib)[1]) == []
    assert run("list", "--library", lib, "--since", "2021-10-19")[1] == ""
    assert "Russia suspends" in run("list", "--library", lib, "--until", "2021-10-18")[1]
    code, out, _ = run("show", "1", "--raw", "--library", lib)
    assert out == seed.read_text(encoding="utf-8").strip() + "\n"  # the object exactly as imported
    assert "Lavrov" in run("show", "1", "--library", lib)[1]
    stats = json.loads(run("stats", "--json", "--library", lib)[1])
    assert stats["posts"] == 1 and stats["sites"] == {"www.viewworld.org": 1}


def test_exit_codes(tmp_path):
    lib = str(tmp_path / "lib")
    good = write_json(tmp_path / "good.json", [post(1)])
    bad = tmp_path / "bad.json"
    bad.write_text("[{]")
    code, out, _ = run("--library", lib, "import", str(good), str(bad))
    assert code == 1 and "bad.json: invalid JSON at line 1, column 3" in out
    assert run("--library", lib, "show", "99")[0] == 1
    assert run("--library", lib, "list", "--category", "nope")[0] == 1
    assert run("--library", str(tmp_path / "none"), "list")[0] == 1
    usage = subprocess.run([sys.executable, "-m", "desktop", "list", "--limit", "0"], capture_output=True, text=True)
    assert usage.returncode == 2 and "not a positive whole number" in usage.stderr


def test_library_from_environment(tmp_path, seed):
    env = {"ARTICLE_BROWSER_HOME": str(tmp_path / "home"), "PATH": ""}
    done = subprocess.run([sys.executable, "-m", "desktop", "import", str(seed)], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "home" / "library.sqlite3").exists()


def test_two_processes_importing_into_one_library_at_once(tmp_path):
    lib = str(tmp_path / "lib")
    batches = []
    for n in range(2):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for f in range(6):
            write_json(folder / f"p{f}.json", [post(n * 1000 + f * 100 + i) for i in range(100)])
        batches.append(folder)
    launches = [subprocess.Popen([sys.executable, "-m", "desktop", "--library", lib, "import", str(b)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for b in batches]
    for launch in launches:
        out, err = launch.communicate(timeout=120)
        assert launch.returncode == 0, out + err
        assert "Imported 6 files: 600 new" in out
    code, out, _ = run("--library", lib, "stats", "--json")
    assert code == 0 and json.loads(out)["posts"] == 1200
