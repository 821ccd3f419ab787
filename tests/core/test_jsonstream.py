import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.formats.jsonstream import JsonFileError, read_json


def items(path: Path, chunk: int = 1 << 20):
    document = read_json(path, chunk)
    return document.is_array, [(i.value, i.text) for i in document.items]


def test_array_elements_keep_their_exact_text(tmp_path):
    text = '[ {"a": 1,  "é": "\\u00e9"} ,\n{"b": [1, 2]}, 12345678 ]'
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    for chunk in (3, 7, 1 << 20):
        is_array, got = items(path, chunk)
        assert is_array
        assert got == [({"a": 1, "é": "é"}, '{"a": 1,  "é": "\\u00e9"}'), ({"b": [1, 2]}, '{"b": [1, 2]}'),
                       (12345678, "12345678")]


def test_single_object_with_bom(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b'\xef\xbb\xbf{"id": 1}\n')
    assert items(path) == (False, [({"id": 1}, '{"id": 1}')])


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"   \n", "the file is empty"),
    (b'[{"a": 1}\n, {"b": 2} {"c": 3}]', "invalid JSON at line 2, column 12: expected ',' or ']'"),
    (b'[{"a": 1},]', "invalid JSON at line 1, column 11: expected a value"),
    (b'[{"a": 1 "b": 2}]', "invalid JSON at line 1, column 10: expected ','"),
    (b'[{"a": 1}', "the file ends inside the array"),
    (b'{"a": 1} x', "invalid JSON at line 1, column 10: extra data after the JSON value"),
    (b'\xff\xfe[\x00]\x00', "the file is UTF-16 text; only UTF-8 is supported"),
    (b'[{"a": "caf\xe9"}]', "not UTF-8 text: byte 0xe9 at offset 11 cannot be decoded"),
    (b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/">', "an XML file"),
    (b"<html><body>404</body></html>", "not JSON (it begins with '<'"),
    (b'"just a string"', "neither an object nor an array"),
])
def test_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(JsonFileError, match=None) as caught:
        items(path, 5)
    assert message in str(caught.value)


def test_error_position_is_counted_across_chunks(tmp_path):
    good = ",\n".join(json.dumps({"id": i, "text": "x" * 50}) for i in range(40))
    path = tmp_path / "bad.json"
    path.write_text("[" + good + ",\n{\"id\": 41 \"oops\": 1}]", encoding="utf-8")
    with pytest.raises(JsonFileError, match=r"line 41, column 11: expected ','"):
        items(path, 64)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(json_values, max_size=6), chunk=st.integers(min_value=1, max_value=64),
       indent=st.sampled_from([None, 1]), ascii_only=st.booleans())
def test_any_array_reads_like_json_loads(tmp_path_factory, values, chunk, indent, ascii_only):
    path = tmp_path_factory.mktemp("prop") / "x.json"
    text = json.dumps(values, indent=indent, ensure_ascii=ascii_only)
    path.write_text(text, encoding="utf-8")
    is_array, got = items(path, chunk)
    assert is_array
    assert [v for v, _ in got] == json.loads(text)
    assert all(json.loads(t) == v for v, t in got)
    assert all(t in text for _, t in got)
