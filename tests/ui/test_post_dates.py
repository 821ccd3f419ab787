from datetime import UTC, date, datetime

from desktop.core.library import PostRow
from desktop.ui.post_list import compact_date, group_label


def row(seconds: int) -> PostRow:
    return PostRow(id=1, site="a.example", type="post", wp_id=1, title="t", date_utc=seconds, date_local=None,
                   date_is_local=False, author=None, link=None, excerpt="", categories=(), tags=(), read=False,
                   starred=False)


def test_year_one_keeps_its_zeros_and_the_far_future_is_not_today():
    first = int(datetime(1, 1, 3, 12, tzinfo=UTC).timestamp())
    last = int(datetime(9999, 12, 30, tzinfo=UTC).timestamp())
    assert compact_date(row(first)).startswith("0001-01-0")
    today = date(2026, 11, 29)
    assert group_label(row(last), today) == "Upcoming"
    assert group_label(row(int(datetime(2026, 11, 29, 12, tzinfo=UTC).timestamp())), today) in ("Today", "Upcoming")
    assert group_label(row(first), today) == "January 1"
