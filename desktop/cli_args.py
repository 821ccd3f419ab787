"""Argument types the subcommands share."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime


def date_arg(text: str) -> datetime:
    """A ``YYYY-MM-DD`` (or ISO 8601) argument as an aware datetime, UTC when no offset is given."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
