"""Every JSON and WXR file of ../shared/corpus imports or is reported with a precise reason."""

from desktop.core.importer import Summary, import_paths
from desktop.core.library import Library, PostFilter


def test_every_corpus_file_imports_or_says_why(tmp_path, corpus):
    with Library.open(tmp_path) as library:
        (summary,) = [e for e in import_paths(library, [corpus]) if isinstance(e, Summary)]
        files = sorted(corpus.rglob("*.json")) + sorted(corpus.rglob("*.xml"))
        assert len(summary.files) == len(files)
        # WordPress's importer keeps these as examples of broken exports: each is refused with where it breaks.
        broken = {"crazy-cdata.xml", "malformed-simple.xml", "malformed.xml", "namespace-edge-cases.xml"}
        assert {f.path.name for f in summary.failed} == broken
        for result in summary.failed:
            assert "invalid XML at line" in result.reason()
        for result in summary.files:
            if result.path.name in broken:
                continue
            assert result.status in ("imported", "unchanged", "skipped")
            assert (result.reason() and "nothing to import" not in result.reason()) or result.empty
        assert library.count_posts() > 150
        ja = library.list_posts(PostFilter(search="音楽"))
        assert ja, "Japanese text is searchable"
        kcua = library.find_terms("category", "blog", "kcuamusicology.local")
        assert kcua and library.count_posts(PostFilter(term_ids=tuple(t.id for t in kcua))) > 0
        again = next(e for e in import_paths(library, [corpus]) if isinstance(e, Summary))
        assert again.totals()["new"] == 0 and again.totals()["updated"] == 0
