"""Every JSON file of ../shared/corpus imports or is reported with a precise reason."""

from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, PostFilter


def test_every_corpus_file_imports_or_says_why(tmp_path, corpus):
    with Library.open(tmp_path) as library:
        (summary,) = [e for e in import_paths(library, [corpus]) if isinstance(e, Summary)]
        files = sorted(corpus.rglob("*.json"))
        assert len(summary.files) == len(files)
        assert summary.ok, [f.describe() for f in summary.failed]
        for result in summary.files:
            assert result.status in ("imported", "unchanged", "skipped")
            assert (result.reason() and "nothing to import" not in result.reason()) or result.empty
        assert library.count_posts() > 150
        ja = library.list_posts(PostFilter(search="音楽"))
        assert ja, "Japanese text is searchable"
        kcua = library.find_terms("category", "blog", "kcuamusicology.local")
        assert kcua and library.count_posts(PostFilter(term_ids=tuple(t.id for t in kcua))) > 0
        again = next(e for e in import_paths(library, [corpus]) if isinstance(e, Summary))
        assert again.totals()["new"] == 0 and again.totals()["updated"] == 0
