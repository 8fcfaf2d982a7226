"""Moments as people read them: UK local time (Europe/London) with the zone named.

Everything inside caseguard is naive UTC (the bundle contract reads a timestamp
without an offset as Europe/London and stores it as UTC); every page a person
reads shows it back in Europe/London, with GMT or BST after it.
"""

from __future__ import annotations

import datetime as dt

from caseguard.bundle.values import LONDON

ZONE_NOTE = "Times are UK local time (Europe/London: GMT in winter, BST in summer)."


def local(moment: dt.datetime) -> dt.datetime:
    """A naive-UTC (or aware) moment as an aware Europe/London one."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(LONDON)


def when_text(moment: dt.datetime) -> str:
    """``5 Mar 2024 14:20 GMT``: the way every page shows a moment."""
    there = local(moment)
    return f"{there:%-d %b %Y %H:%M} {there.tzname()}"
