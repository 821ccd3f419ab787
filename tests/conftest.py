import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "post-924.json"
CORPUS = SHARED / "corpus"


@pytest.fixture
def seed() -> Path:
    if not SEED.exists():
        pytest.skip(f"the seed post is not at {SEED}")
    return SEED


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


def post(wp_id: int = 1, site: str = "example.com", **fields) -> dict:
    """A small /wp/v2/posts object."""
    obj = {
        "id": wp_id,
        "date": "2024-03-01T10:00:00",
        "date_gmt": "2024-03-01T09:00:00",
        "modified": "2024-03-01T10:00:00",
        "modified_gmt": "2024-03-01T09:00:00",
        "slug": f"post-{wp_id}",
        "status": "publish",
        "type": "post",
        "link": f"https://{site}/post-{wp_id}/",
        "title": {"rendered": f"Post number {wp_id}"},
        "content": {"rendered": f"<p>Body of post {wp_id}.</p>", "protected": False},
        "excerpt": {"rendered": f"<p>Excerpt {wp_id}</p>", "protected": False},
        "author": 1,
        "categories": [],
        "tags": [],
    }
    obj.update(fields)
    return obj


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def serve():
    """Start stand-in WordPress sites on 127.0.0.1 (``tests/core/wpserver.py``); stopped after the test."""
    from tests.core.wpserver import WordPressSite

    servers = []

    def start(*args, tls=None, **kwargs):
        site = WordPressSite(*args, **kwargs)
        server, _ = site.serve(tls)
        servers.append(server)
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
