"""Reading a big WordPress export: speed and peak memory of ``read_wxr`` over a generated file.

    python benchmarks/wxr_read.py [--posts 30000] [--out /tmp/wxr-bench.xml] [--json]

Writes a WXR 1.2 file of --posts classic-editor posts (about 5 KB of paragraphs, a [caption] now and then,
categories and tags, comments) plus one attachment per ten posts, then reads it with ``read_wxr`` in this
process and prints posts/s and the peak RSS. With --json it also writes the same posts as REST JSON (one
array) and reads that with the REST reader, for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from desktop.core.formats.jsonstream import read_json  # noqa: E402
from desktop.core.formats.rest_json import classify  # noqa: E402
from desktop.core.formats.wxr import read_wxr  # noqa: E402
from desktop.core.records import Post  # noqa: E402

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip").split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench</title><link>https://bench.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[admin]]></wp:author_login>
<wp:author_display_name><![CDATA[Admin]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
"""


def _text(rng: random.Random) -> str:
    paragraphs = []
    while sum(len(p) for p in paragraphs) < 5000:
        lines = [" ".join(rng.choices(WORDS, k=rng.randint(8, 20))) for _ in range(rng.randint(1, 3))]
        paragraphs.append("\n".join(lines))
    if rng.random() < 0.2:
        paragraphs.insert(1, '[caption id="attachment_1" align="alignnone" width="300"]<img src="https://bench.'
                             'example/a.jpg" alt="A" /> A caption[/caption]')
    return "\n\n".join(paragraphs)


def write(path: Path, posts: int, json_path: Path | None) -> None:
    rng = random.Random(1)
    objects = []
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(1, posts + 1):
            body = _text(rng)
            date = f"2020-01-{1 + n % 28:02d} 10:{n % 60:02d}:00"
            gmt = f"2020-01-{1 + n % 28:02d} 09:{n % 60:02d}:00"
            out.write(f"""<item><title>Post {n}</title><link>https://bench.example/?p={n}</link>
<dc:creator><![CDATA[admin]]></dc:creator><guid isPermaLink="false">https://bench.example/?p={n}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>
<wp:post_modified>{date}</wp:post_modified><wp:post_modified_gmt>{gmt}</wp:post_modified_gmt>
<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="news"><![CDATA[News]]></category>
<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_approved>1</wp:comment_approved>
<wp:comment_content><![CDATA[Nice.]]></wp:comment_content></wp:comment>
</item>
""")
            if json_path is not None:
                paragraphs = "".join(f"<p>{p}</p>\n" for p in body.split("\n\n"))
                objects.append({"id": n, "date": date.replace(" ", "T"), "date_gmt": gmt.replace(" ", "T"),
                                "modified_gmt": gmt.replace(" ", "T"), "slug": f"post-{n}", "status": "publish",
                                "type": "post", "link": f"https://bench.example/?p={n}",
                                "title": {"rendered": f"Post {n}"}, "content": {"rendered": paragraphs},
                                "excerpt": {"rendered": ""}, "author": 1, "categories": [1], "tags": []})
        out.write("</channel>\n</rss>\n")
    if json_path is not None:
        json_path.write_text(json.dumps(objects), encoding="utf-8")


def main() -> None:
    """Generate, read, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=30000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/wxr-bench.xml"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    json_path = args.out.with_suffix(".json") if args.json else None
    write(args.out, args.posts, json_path)
    print(f"WXR file: {args.out.stat().st_size / 1e6:.1f} MB, {args.posts} posts")
    start = time.perf_counter()
    count = sum(1 for record in read_wxr(args.out) if isinstance(record, Post))
    elapsed = time.perf_counter() - start
    print(f"read_wxr: {count} posts in {elapsed:.2f} s ({count / elapsed:.0f} posts/s)")
    if json_path is not None:
        start = time.perf_counter()
        count = sum(1 for item in read_json(json_path).items if isinstance(classify(item.value, item.text), Post))
        elapsed = time.perf_counter() - start
        print(f"REST JSON: {count} posts in {elapsed:.2f} s ({count / elapsed:.0f} posts/s)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
