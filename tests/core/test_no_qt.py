import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "desktop" / "core"


def test_core_source_never_imports_qt():
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] in ("PySide6", "shiboken6") for n in names), path


def test_core_and_cli_load_without_qt():
    code = ("import sys, desktop.cli, desktop.core.importer, desktop.core.render, desktop.core.parsing; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=CORE.parents[1]).returncode == 0
