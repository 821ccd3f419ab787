"""Last touches that only QTextBrowser needs: what its HTML subset draws poorly, said in a way it draws well.

The core's cleaned HTML stays plain HTML (exports use it too); these changes are for the window alone.
"""

from __future__ import annotations

import re

_LIST_TAG = re.compile(r"<(/?)(ul|ol)\b", re.I)
_PRE = re.compile(r"<pre\b[^>]*>|</pre\s*>", re.I)
# Nested bullets mark their level, as browsers do: QTextDocument's CSS reaches only the second level.
_BULLETS = ("disc", "circle", "square")
# A <pre> is one block per line in QTextDocument, each with its own margins and background: in one table cell
# the lines stay together on one background, with room around them.
_CODE_OPEN = '<table class="code" width="100%" cellspacing="0" cellpadding="10"><tr><td class="code"><pre>'
_CODE_CLOSE = "</pre></td></tr></table>"


def for_qt(html: str) -> str:
    """``html`` with nested bullet lists marked by level and code blocks kept on one background."""
    return _PRE.sub(lambda m: _CODE_CLOSE if m.group(0)[1] == "/" else _CODE_OPEN, _mark_lists(html))


def _mark_lists(html: str) -> str:
    parts: list[str] = []
    depth = 0  # unordered lists open around this point
    stack: list[bool] = []  # for each open list: whether it is unordered
    last = 0
    for match in _LIST_TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        parts.append(html[last:match.end()])
        last = match.end()
        if closing:
            if stack and stack.pop():
                depth -= 1
            continue
        unordered = name == "ul"
        stack.append(unordered)
        if unordered:
            parts.append(f' type="{_BULLETS[min(depth, len(_BULLETS) - 1)]}"')
            depth += 1
    parts.append(html[last:])
    return "".join(parts)
