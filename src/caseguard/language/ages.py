"""Ages in whole years, as the language screen and the standards engine need them."""

from __future__ import annotations

from datetime import date, datetime


def age_at(date_of_birth: date, when: datetime | date) -> int:
    """Age in completed years on the day of ``when`` (a birthday counts on the day itself).

    A child born on 29 February turns a year older on 1 March in non-leap years.
    """
    day = when.date() if isinstance(when, datetime) else when
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
