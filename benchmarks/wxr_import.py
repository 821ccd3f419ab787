"""Importing a WordPress export (WXR) against importing the same posts as REST JSON.

    python benchmarks/wxr_import.py [--posts 30000] [--runs 3] [--data DIR] [--keep]

1. Generates (once, cached under --data) 30,000 posts of one site with benchmarks/corpus.py's generator
   (block-editor content of about 2 KB, categories with parents, tags, seven authors, a featured image each)
   and writes them twice: as one WXR 1.2 file (about 150 MB: channel authors and terms, one item per post,
   one attachment item per featured image) and as REST JSON pages of 100 posts with ``_embed`` plus the
   site's categories, tags and users.
2. Imports each with ``article-browser import`` in a fresh process and a fresh library, --runs times,
   alternating, and prints each time, the median and spread, the ratio WXR/JSON (the target is at most 1.5)
   and the peak RSS of the WXR import's processes (the target is at most 300 MB), read from /proc. It also
   prints the CPU seconds of each import (its process and the reading process together) and their ratio, a
   figure that other work on a shared machine disturbs far less than wall time.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SITES, _terms, make_post  # noqa: E402

SITE = SITES[0]
CONTENT_SIZE = 1800  # characters of content per post: 30,000 posts make a WXR file of about 150 MB
PER_FILE = 100
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench News</title>
<link>https://{site}</link>
<description>Generated for a benchmark</description>
<language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://{site}</wp:base_site_url>
<wp:base_blog_url>https://{site}</wp:base_blog_url>
"""


def cdata(text: str) -> str:
    """Text as one or more CDATA sections (a ``]]>`` inside is split, as WordPress's exporter does)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _posts(count: int) -> Iterable[dict[str, Any]]:
    rng = random.Random(930)
    for n in range(count):
        # Multiples of three all fall on SITES[0]: one site, as in one export.
        yield make_post(rng, 3 * n, embedded=True, content_size=CONTENT_SIZE)


def _channel(out: TextIO) -> None:
    out.write(HEAD.format(site=SITE))
    for author in range(1, 8):
        out.write(f"<wp:author><wp:author_id>{author}</wp:author_id><wp:author_login>{cdata(f'writer-{author}')}"
                  f"</wp:author_login><wp:author_email>{cdata(f'w{author}@{SITE}')}</wp:author_email>"
                  f"<wp:author_display_name>{cdata(f'Writer Number {author}')}</wp:author_display_name>"
                  "</wp:author>\n")
    categories, tags = _terms(0)
    slugs = {c["id"]: c["slug"] for c in categories}
    for c in categories:
        parent = slugs.get(c["parent"], "")
        out.write(f"<wp:category><wp:term_id>{c['id']}</wp:term_id><wp:category_nicename>{cdata(c['slug'])}"
                  f"</wp:category_nicename><wp:category_parent>{cdata(parent)}</wp:category_parent>"
                  f"<wp:cat_name>{cdata(html.unescape(c['name']))}</wp:cat_name></wp:category>\n")
    for t in tags:
        out.write(f"<wp:tag><wp:term_id>{t['id']}</wp:term_id><wp:tag_slug>{cdata(t['slug'])}</wp:tag_slug>"
                  f"<wp:tag_name>{cdata(t['name'])}</wp:tag_name></wp:tag>\n")


def _item(post: dict[str, Any]) -> str:
    embedded = post["_embedded"]
    terms = "".join(f'<category domain="{"category" if t["taxonomy"] == "category" else "post_tag"}" '
                    f'nicename="{t["slug"]}">{cdata(html.unescape(t["name"]))}</category>\n'
                    for group in embedded["wp:term"] for t in group)
    date, gmt = post["date"].replace("T", " "), post["date_gmt"].replace("T", " ")
    return f"""<item>
<title>{cdata(html.unescape(post["title"]["rendered"]))}</title>
<link>{post["link"]}</link>
<pubDate>{gmt}</pubDate>
<dc:creator>{cdata(f"writer-{post['author']}")}</dc:creator>
<guid isPermaLink="false">{post["guid"]["rendered"]}</guid>
<description></description>
<content:encoded>{cdata(post["content"]["rendered"])}</content:encoded>
<excerpt:encoded>{cdata(post["excerpt"]["rendered"])}</excerpt:encoded>
<wp:post_id>{post["id"]}</wp:post_id>
<wp:post_date>{cdata(date)}</wp:post_date>
<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>
<wp:post_modified>{cdata(date)}</wp:post_modified>
<wp:post_modified_gmt>{cdata(gmt)}</wp:post_modified_gmt>
<wp:comment_status>{cdata("open")}</wp:comment_status>
<wp:ping_status>{cdata("open")}</wp:ping_status>
<wp:post_name>{cdata(post["slug"])}</wp:post_name>
<wp:status>{cdata("publish")}</wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>{cdata("post")}</wp:post_type>
<wp:post_password>{cdata("")}</wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{terms}<wp:postmeta><wp:meta_key>{cdata("_thumbnail_id")}</wp:meta_key><wp:meta_value>{cdata(str(post["featured_media"]))}</wp:meta_value></wp:postmeta>
</item>
"""


def _attachment(post: dict[str, Any]) -> str:
    media = post["_embedded"]["wp:featuredmedia"][0]
    url = media["source_url"]
    metadata = 'a:2:{s:5:"width";i:1200;s:6:"height";i:800;}'
    return f"""<item>
<title>{cdata("feature " + str(post["id"]))}</title>
<link>https://{SITE}/?attachment_id={media["id"]}</link>
<dc:creator>{cdata("writer-1")}</dc:creator>
<guid isPermaLink="false">{url}</guid>
<content:encoded>{cdata("")}</content:encoded>
<excerpt:encoded>{cdata("")}</excerpt:encoded>
<wp:post_id>{media["id"]}</wp:post_id>
<wp:post_date>{cdata(post["date"].replace("T", " "))}</wp:post_date>
<wp:post_date_gmt>{cdata(post["date_gmt"].replace("T", " "))}</wp:post_date_gmt>
<wp:post_name>{cdata(f"feature-{post['id']}")}</wp:post_name>
<wp:status>{cdata("inherit")}</wp:status>
<wp:post_parent>{post["id"]}</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>{cdata("attachment")}</wp:post_type>
<wp:attachment_url>{cdata(url)}</wp:attachment_url>
<wp:postmeta><wp:meta_key>{cdata("_wp_attached_file")}</wp:meta_key><wp:meta_value>{cdata(url.rsplit("/", 1)[1])}</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>{cdata("_wp_attachment_metadata")}</wp:meta_key><wp:meta_value>{cdata(metadata)}</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>{cdata("_wp_attachment_image_alt")}</wp:meta_key><wp:meta_value>{cdata(media["alt_text"])}</wp:meta_value></wp:postmeta>
</item>
"""


def generate(folder: Path, count: int) -> tuple[Path, Path]:
    """Write the WXR file and the REST JSON folder of the same ``count`` posts; returns both paths."""
    wxr, rest = folder / "export.xml", folder / "rest"
    if wxr.exists() and (rest / "users.json").exists():
        return wxr, rest
    folder.mkdir(parents=True, exist_ok=True)
    rest.mkdir(exist_ok=True)
    page: list[dict[str, Any]] = []
    attachments: list[str] = []
    with wxr.open("w", encoding="utf-8") as out:
        _channel(out)
        for post in _posts(count):
            out.write(_item(post))
            attachments.append(_attachment(post))
            page.append(post)
            if len(page) == PER_FILE:
                _write_page(rest, page)
        if page:
            _write_page(rest, page)
        out.writelines(attachments)  # attachment ids are higher than the posts', so an export lists them last
        out.write("</channel>\n</rss>\n")
    categories, tags = _terms(0)
    users = [{"id": a, "name": f"Writer Number {a}", "slug": f"writer-{a}", "url": "", "description": "",
              "link": f"https://{SITE}/author/writer-{a}/", "avatar_urls": {}} for a in range(1, 8)]
    for name, items in (("categories.json", categories), ("tags.json", tags), ("users.json", users)):
        (rest / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return wxr, rest


def _write_page(rest: Path, page: list[dict[str, Any]]) -> None:
    number = len(list(rest.glob("posts-*.json"))) + 1
    (rest / f"posts-{number:04d}.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    page.clear()


def _tree(pid: int) -> list[int]:
    """A process and its descendants, from /proc."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # includes the reading process its parent waited for
    return usage.ru_utime + usage.ru_stime


def import_once(path: Path, library: Path) -> tuple[float, float, int, int]:
    """Seconds for ``article-browser import path`` in a fresh process, the CPU seconds it and its reading
    process used, the main process's peak RSS and the peak of the process tree together (KiB, sampled every
    20 ms)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "desktop", "--library", str(library), "import", str(path)],
                               cwd=HERE.parent, stdout=subprocess.DEVNULL)
    main_peak = tree_peak = 0
    while process.poll() is None:
        main_peak = max(main_peak, _status_kib(process.pid, "VmHWM"))
        tree_peak = max(tree_peak, sum(_status_kib(pid, "VmRSS") for pid in _tree(process.pid)))
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"import of {path} failed with exit status {process.returncode}")
    return elapsed, _children_cpu() - cpu, main_peak, tree_peak


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f}  (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    """Generate, import each format --runs times, report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--keep", action="store_true", help="keep the last libraries (printed)")
    args = parser.parse_args()
    wxr, rest = generate(args.data / f"wxr-import-{args.posts}", args.posts)
    json_bytes = sum(f.stat().st_size for f in rest.glob("*.json"))
    print(f"WXR: {wxr.stat().st_size / 1e6:.0f} MB in one file; REST JSON: {json_bytes / 1e6:.0f} MB in "
          f"{len(list(rest.glob('*.json')))} files; {args.posts} posts")
    work = Path(tempfile.mkdtemp(prefix="ab-wxr-bench-"))
    times: dict[str, list[float]] = {"json": [], "wxr": []}
    cpus: dict[str, list[float]] = {"json": [], "wxr": []}
    peaks: list[tuple[int, int]] = []
    try:
        for run in range(args.runs):
            for kind, path in (("json", rest), ("wxr", wxr)):
                library = work / f"{kind}-{run}"
                elapsed, cpu, main_peak, tree_peak = import_once(path, library)
                times[kind].append(elapsed)
                cpus[kind].append(cpu)
                if kind == "wxr":
                    peaks.append((main_peak, tree_peak))
                print(f"run {run + 1} {kind:4}: {elapsed:6.2f} s  ({args.posts / elapsed:,.0f} posts/s), "
                      f"CPU {cpu:5.1f} s  "
                      f"peak RSS {main_peak / 1024:.0f} MB (with the reading process {tree_peak / 1024:.0f} MB)",
                      flush=True)
        ratios = [w / j for w, j in zip(times["wxr"], times["json"], strict=True)]
        print(f"REST JSON import: {_spread(times['json'])} s")
        print(f"WXR import:       {_spread(times['wxr'])} s")
        print(f"ratio WXR/JSON:   {_spread(ratios)}  (target <= 1.5)")
        cpu_ratios = [w / j for w, j in zip(cpus["wxr"], cpus["json"], strict=True)]
        print(f"CPU seconds: JSON {_spread(cpus['json'])}, WXR {_spread(cpus['wxr'])}; ratio {_spread(cpu_ratios)}")
        print(f"WXR peak RSS:     import process max {max(p[0] for p in peaks) / 1024:.0f} MB, with the reading "
              f"process max {max(p[1] for p in peaks) / 1024:.0f} MB  (target <= 300 MB)")
    finally:
        if args.keep:
            print(f"libraries kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
