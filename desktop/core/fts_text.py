"""What the search index is given, and what a query asks it: words from anywhere in CJK and Thai text.

FTS5's ``unicode61`` tokenizer splits only at separators, so a Japanese or Chinese sentence is one token
and a word inside it is never found. Text written without spaces between words (Han, kana, Hangul, Thai)
is therefore handed to the index as overlapping pairs of characters: 東京都庁 → ``東京 京都 都庁 庁``. A query
asks for the same pairs as a phrase (コーポレート → ``"コー ーポ ポレ レー ート"``), which matches exactly the
places where those characters stand together. The last character of each run is also given alone, so a
one-character query and a phrase that continues past a run (``東京 iPhone``) find their text too.

Text with East Asian characters is NFKC-normalized first (full-width ``ＡＢＣ`` reads as ``ABC``, half-width
ｶﾀｶﾅ as カタカナ); other text passes through untouched, and the tokenizer folds case and diacritics as before
(``cafe`` finds ``café``).
"""

from __future__ import annotations

import operator
import re
import unicodedata

# Scripts written without spaces between words. Half-width kana and compatibility ideographs are not listed:
# NFKC turns them into the characters below first.
_SEGMENTED = (
    "\u0e01-\u0e30\u0e32\u0e33\u0e40-\u0e46\u0e4f-\u0e5b"  # Thai letters, vowels and digits (marks are dropped)
    "\u1100-\u11ff"  # Hangul jamo
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u303b"  # 々 〆 〇, Hangzhou numerals, kana repeat marks
    "\u3041-\u3096\u309d-\u309f"  # hiragana
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana with ー (the middle dot ・ separates words)
    "\u3130-\u318f\u31f0-\u31ff"  # Hangul compatibility jamo, katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0003134f"  # CJK ideograph extensions B–G
)
_RUN = re.compile(f"[{_SEGMENTED}]+")
# Thai vowel and tone marks are combining characters, which unicode61 treats as separators: without them a
# Thai word stays whole, as diacritics are folded in Latin text.
_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_WORD = re.compile(r"\w")
# Text with any of these (CJK, Thai, Hangul, full- and half-width forms) is normalized and split into pairs;
# other text is left exactly as it was always indexed.
_EAST_ASIAN = re.compile("[\u0e00-\u0e7f\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f"
                         "\uff00-\uffef\U00020000-\U0003134f]")
# The UTF-8 lead bytes of those characters (and of a few other scripts): a byte search rules most Latin text out
# three times faster than the pattern above (text with curly quotes and dashes has only E2 leads).
_LEADS = tuple(bytes([lead]) for lead in (0xE0, 0xE1, *range(0xE3, 0xEE), 0xEF, 0xF0))


def _east_asian(text: str) -> bool:
    if text.isascii():
        return False
    data = text.encode("utf-8", "surrogatepass")
    return any(lead in data for lead in _LEADS) and _EAST_ASIAN.search(text) is not None


def _normal(text: str) -> str:
    return _THAI_MARKS.sub("", unicodedata.normalize("NFKC", text))


def _pairs(run: str) -> list[str]:
    return list(map(operator.add, run, run[1:]))


def _index_run(match: re.Match[str]) -> str:
    run = match.group()
    return " " + " ".join(map(operator.add, run, run[1:])) + " " + run[-1] + " "


def for_index(text: str) -> str:
    """The text to give the index for ``text``: CJK and Thai runs as overlapping pairs, the rest as it is."""
    if not _east_asian(text):
        return text
    return _RUN.sub(_index_run, _normal(text))


def for_query(words: str) -> tuple[str, bool]:
    """The tokens to ask the index for ``words`` (a word or a phrase), and whether the last is a prefix.

    A CJK run becomes its pairs; a run that ends the query and is one character long becomes a prefix (any pair
    starting with it, or the character alone at the end of a run). A run followed by more of the phrase adds its
    last character alone, as the index does, so the phrase stays contiguous.
    """
    if not _east_asian(words):
        return words, False
    words = _normal(words)
    parts: list[str] = []
    position = 0
    prefix = False
    for match in _RUN.finditer(words):
        parts.append(words[position:match.start()])
        run = match.group()
        position = match.end()
        more = _WORD.search(words, position) is not None
        tokens = _pairs(run)
        if more or len(run) == 1:
            tokens.append(run[-1])
        prefix = not more and len(run) == 1
        parts.append(" " + " ".join(tokens) + " ")
    parts.append(words[position:])
    return " ".join("".join(parts).split()), prefix
