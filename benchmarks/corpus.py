"""Generate a realistic WordPress REST corpus for the benchmarks (deterministic, no network).

    python benchmarks/corpus.py OUT_DIR [--posts 20000] [--per-file 100] [--single FILE]

Writes ``posts-NNN.json`` pages of ``--per-file`` posts each (a third of the pages with ``_embedded``),
plus ``categories.json``, ``tags.json`` and ``users.json``. Each post carries about 7 KB of Gutenberg HTML:
paragraphs, headings, lists, figures, quotes, tables and embeds, in the shape ``/wp/v2/posts`` returns.
Words follow a Zipfian distribution over 25,000 words, so a search hits as many posts as it would in real text.
With ``--single FILE`` all posts go into one JSON array instead (the large-file benchmark).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SITES = ["news.example.org", "www.example-blog.com", "magazine.example.net"]
WORDS = (
    "the of and to in is was for on that with as by at from his her an were are which this be or has had "
    "government minister election policy market energy climate research university hospital court police "
    "council budget report analysis security trade economy festival museum concert library science "
    "technology software network football season coach players village river mountain harbour weather "
    "summer winter spring autumn journey history century ancient modern culture language community "
    "residents officials spokesperson announced according reported percent million billion said told "
    "café naïve résumé Zürich São Paulo Kraków Dvořák Ångström smörgåsbord jalapeño façade coöperate "
    "nato alliance diplomats embassy brussels moscow ukraine europe africa asia america pacific atlantic"
).split()
FUNCTION_WORDS = set("the of and to in is was for on that with as by at from his her an were are which this be or has "
                     "had".split())
VOCABULARY_SIZE = 25_000


def _vocabulary() -> tuple[list[str], list[float]]:
    """Words with Zipfian frequencies, as in real text: function words on top, then real content words spread
    through the first few thousand ranks, then made-up words (from syllables) for the long tail."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "bri", "dan", "el", "for", "gu", "hal", "is",
                 "jor", "ken", "lam", "mor", "nor", "ost", "pel", "qui", "ros", "sten", "tur", "ul", "ver", "wen"]
    made_up = [a + b for a in syllables for b in syllables] + [a + b + c for a in syllables for b in syllables
                                                              for c in syllables]
    random.Random(7).shuffle(made_up)
    words = [w for w in WORDS if w in FUNCTION_WORDS]
    content = [w for w in WORDS if w not in FUNCTION_WORDS]
    tail = iter(made_up)
    spacing = 30
    while content or len(words) < VOCABULARY_SIZE:
        if content and len(words) % spacing == 0:
            words.append(content.pop(0))
        else:
            words.append(next(tail))
    total = 0.0
    cumulative = []
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative


VOCABULARY, CUMULATIVE = _vocabulary()
CATEGORY_NAMES = ["World", "Politics", "Business", "Science", "Culture", "Sport", "Technology", "Health",
                  "Opinion", "Travel"]
SUBCATEGORY_NAMES = ["Europe", "Asia", "Africa", "Americas", "Markets", "Space", "Books", "Film", "Football",
                     "Tennis"]


def _sentence(rng: random.Random, low: int = 8, high: int = 24) -> str:
    words = rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=rng.randint(low, high))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))
    text = text.replace(" said ", " said &#8220;yes&#8221; ", 1).replace(" and ", " &amp; ", 1)
    return f'<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->'


def _block(rng: random.Random, index: int, site: str) -> str:
    kind = rng.random()
    if kind < 0.08:
        return f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{_sentence(rng, 3, 7)}</h2>\n<!-- /wp:heading -->'
    if kind < 0.14:
        items = "".join(f"<li>{_sentence(rng, 4, 10)}</li>" for _ in range(rng.randint(3, 6)))
        return f'<!-- wp:list -->\n<ul class="wp-block-list">{items}</ul>\n<!-- /wp:list -->'
    if kind < 0.20:
        src = f"https://{site}/wp-content/uploads/2023/0{index % 9 + 1}/photo-{index}.jpg"
        return (f'<!-- wp:image {{"id":{index},"sizeSlug":"large"}} -->\n<figure class="wp-block-image size-large">'
                f'<img decoding="async" loading="lazy" width="1024" height="683" src="{src}" alt="{_sentence(rng, 3, 6)}"'
                f' class="wp-image-{index}" srcset="{src} 1024w, {src[:-4]}-300x200.jpg 300w" sizes="(max-width: '
                f'1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">{_sentence(rng, 5, 12)}'
                "</figcaption></figure>\n<!-- /wp:image -->")
    if kind < 0.24:
        return (f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{_sentence(rng)}</p><cite>'
                f"{_sentence(rng, 2, 3)}</cite></blockquote>\n<!-- /wp:quote -->")
    if kind < 0.27:
        rows = "".join("<tr>" + "".join(f"<td>{rng.choice(WORDS)} {rng.randint(1, 999)}</td>" for _ in range(4))
                       + "</tr>" for _ in range(rng.randint(3, 6)))
        return (f'<!-- wp:table -->\n<figure class="wp-block-table"><table><tbody>{rows}</tbody></table>'
                "</figure>\n<!-- /wp:table -->")
    if kind < 0.29:
        video = f"https://www.youtube.com/watch?v=vid{index:06d}"
        return ('<!-- wp:embed {"providerNameSlug":"youtube","type":"video"} -->\n<figure class="wp-block-embed '
                'is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">\n'
                f'<iframe title="{_sentence(rng, 3, 6)}" width="640" height="360" src="https://www.youtube.com/embed/'
                f'vid{index:06d}?feature=oembed" frameborder="0" allowfullscreen></iframe>\n</div><figcaption>'
                f"{video}</figcaption></figure>\n<!-- /wp:embed -->")
    return _paragraph(rng)


def _content(rng: random.Random, site: str, target: int = 7000) -> str:
    blocks: list[str] = []
    size = 0
    while size < target:
        block = _block(rng, rng.randint(1, 99999), site)
        blocks.append(block)
        size += len(block) + 2
    return "\n\n".join(blocks) + "\n"


def _terms(site_index: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    site = SITES[site_index]
    categories: list[dict[str, Any]] = []
    for i, name in enumerate(CATEGORY_NAMES):
        categories.append({"id": 10 + i, "name": name, "slug": name.lower(), "parent": 0})
    for i, name in enumerate(SUBCATEGORY_NAMES):
        categories.append({"id": 30 + i, "name": name, "slug": name.lower(), "parent": 10 + i % 4})
    categories.append({"id": 50, "name": "Arts &amp; Letters", "slug": "arts-letters", "parent": 0})
    tags = [{"id": 100 + i, "name": f"{WORDS[40 + i % 60]} {i}", "slug": f"{WORDS[40 + i % 60]}-{i}"}
            for i in range(200)]
    for term in categories:
        term.update(taxonomy="category", link=f"https://{site}/category/{term['slug']}/", count=0, description="")
    for term in tags:
        term.update(taxonomy="post_tag", link=f"https://{site}/tag/{term['slug']}/", count=0, description="")
    return categories, tags


def make_post(rng: random.Random, number: int, embedded: bool, content_size: int = 7000) -> dict[str, Any]:
    """One post object as ``/wp/v2/posts`` returns it (``_embed`` when ``embedded``), of about ``content_size``
    characters of content."""
    site_index = number % len(SITES)
    site = SITES[site_index]
    categories, tags = _terms(site_index)
    wp_id = 1000 + number
    when = datetime(2015, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
    offset = timedelta(hours=-5 if site_index == 0 else 1 if site_index == 1 else 9)
    local = when + offset
    post_cats = rng.sample(categories, rng.choice([1, 1, 1, 2, 3]))
    post_tags = rng.sample(tags, rng.randint(0, 5))
    title = _sentence(rng, 4, 11)[:-1].replace(" s ", "&#8217;s ", 1)
    content = _content(rng, site, content_size)
    author = 1 + number % 7
    base = f"https://{site}/wp-json/wp/v2"
    post: dict[str, Any] = {
        "id": wp_id,
        "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "guid": {"rendered": f"https://{site}/?p={wp_id}"},
        "modified": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "modified_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": title.lower().replace(" ", "-")[:60],
        "status": "publish",
        "type": "post",
        "link": f"https://{site}/{local:%Y/%m/%d}/{wp_id}/",
        "title": {"rendered": title},
        "content": {"rendered": content, "protected": False},
        "excerpt": {"rendered": f"<p>{_sentence(rng, 20, 30)} [&hellip;]</p>\n", "protected": False},
        "author": author,
        "featured_media": 50000 + number,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": [c["id"] for c in post_cats],
        "tags": [t["id"] for t in post_tags],
        "class_list": [f"post-{wp_id}", "post", "type-post", "status-publish", "format-standard",
                       "has-post-thumbnail", "hentry", *[f"category-{c['slug']}" for c in post_cats],
                       *[f"tag-{t['slug']}" for t in post_tags]],
        "_links": {
            "self": [{"href": f"{base}/posts/{wp_id}", "targetHints": {"allow": ["GET"]}}],
            "collection": [{"href": f"{base}/posts"}],
            "author": [{"embeddable": True, "href": f"{base}/users/{author}"}],
            "wp:featuredmedia": [{"embeddable": True, "href": f"{base}/media/{50000 + number}"}],
            "wp:term": [{"taxonomy": "category", "embeddable": True, "href": f"{base}/categories?post={wp_id}"},
                        {"taxonomy": "post_tag", "embeddable": True, "href": f"{base}/tags?post={wp_id}"}],
            "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
        },
    }
    if embedded:
        post["_embedded"] = {
            "author": [{"id": author, "name": f"Writer Number {author}", "slug": f"writer-{author}",
                        "link": f"https://{site}/author/writer-{author}/"}],
            "wp:featuredmedia": [{"id": 50000 + number, "type": "attachment", "media_type": "image",
                                  "mime_type": "image/jpeg", "alt_text": _sentence(rng, 3, 6),
                                  "source_url": f"https://{site}/wp-content/uploads/feature-{wp_id}.jpg",
                                  "media_details": {"width": 1200, "height": 800}}],
            "wp:term": [[{k: c[k] for k in ("id", "link", "name", "slug", "taxonomy")} for c in post_cats],
                        [{k: t[k] for k in ("id", "link", "name", "slug", "taxonomy")} for t in post_tags]],
        }
    return post


def generate(out: Path, posts: int = 20_000, per_file: int = 100, single: Path | None = None,
             seed: int = 924) -> list[Path]:
    """Write the corpus; returns the files written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if single is not None:
        single.parent.mkdir(parents=True, exist_ok=True)
        with single.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for number in range(posts):
                if number:
                    handle.write(",")
                json.dump(make_post(rng, number, (number // per_file) % 3 == 0), handle, ensure_ascii=False)
            handle.write("]")
        return [single]
    for page in range(0, posts, per_file):
        items = [make_post(rng, number, (page // per_file) % 3 == 0) for number in range(page, min(posts, page + per_file))]
        path = out / f"posts-{page // per_file + 1:04d}.json"
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    categories = [t for i in range(len(SITES)) for t in _terms(i)[0]]
    tags = [t for i in range(len(SITES)) for t in _terms(i)[1]]
    users = [{"id": a, "name": f"Writer Number {a}", "slug": f"writer-{a}", "url": "", "description": "",
              "link": f"https://{site}/author/writer-{a}/", "avatar_urls": {}} for site in SITES for a in range(1, 8)]
    for name, items in (("categories.json", categories), ("tags.json", tags), ("users.json", users)):
        (out / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        written.append(out / name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--per-file", type=int, default=100)
    parser.add_argument("--single", type=Path)
    args = parser.parse_args()
    files = generate(args.out, args.posts, args.per_file, args.single)
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
