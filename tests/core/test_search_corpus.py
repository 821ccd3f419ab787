"""CJK search over real Japanese sites: substrings from the middle of sentences find exactly their posts."""

import random
import re
import unicodedata

from desktop.core.formats.rest_json import search_text
from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, PostFilter

JAPANESE_SITES = ("kcua-musicology-ja", "ptom76-blog-ja")
# Kanji and kana, without the middle dot (・), which separates words
JAPANESE_RUN = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff]+")


def searchable_texts(library: Library) -> dict[int, str]:
    """Every post's title, content, excerpt, author and term names, as a reader sees them."""
    texts = {}
    for row in library.list_posts(limit=10_000):
        content = library.post_content(row.id)
        names = [name for _, _, name in library.post_terms(row.id)]
        fields = [row.title, search_text(content.html if content else ""), row.excerpt, row.author or "", *names]
        texts[row.id] = unicodedata.normalize("NFKC", "\n".join(fields))
    return texts


def test_substrings_of_japanese_sentences_find_exactly_the_posts_holding_them(corpus):
    with Library.in_memory() as library:
        summary = list(import_paths(library, [corpus / site for site in JAPANESE_SITES]))[-1]
        assert isinstance(summary, Summary) and summary.ok
        texts = searchable_texts(library)
        assert len(texts) >= 40
        rng = random.Random(2024)
        samples = []
        for post_id, text in sorted(texts.items()):
            runs = [run for run in JAPANESE_RUN.findall(text) if len(run) >= 8]
            for run in rng.sample(runs, min(4, len(runs))):
                size = rng.randint(2, 4)
                start = rng.randint(1, len(run) - size - 1)  # from the middle: neither end of the sentence
                samples.append((post_id, run[start:start + size]))
        assert len(samples) >= 120
        for post_id, query in samples:
            found = {row.id for row in library.list_posts(PostFilter(search=query), limit=10_000)}
            assert post_id in found, f"{query!r} does not find post {post_id}"  # recall
            holding = {other for other, text in texts.items() if query in text}
            assert found == holding, f"{query!r}: {sorted(found - holding)} returned without it"  # precision
            assert library.count_posts(PostFilter(search=query)) == len(holding)


def test_the_words_of_the_issue_are_found(corpus):
    with Library.in_memory() as library:
        list(import_paths(library, [corpus / site for site in JAPANESE_SITES]))
        titles = [row.title for row in library.list_posts(PostFilter(search="受賞"))]
        assert any("ポスター発表選奨受賞のお知らせ" in title for title in titles)
        assert library.list_posts(PostFilter(search="スクランブル交差点"))
        assert library.list_posts(PostFilter(search='"渋谷スカイ"'))
