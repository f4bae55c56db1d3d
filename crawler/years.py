"""Years asked for on the command line: '2021-2024', '2023', '2019-', '2021,2023'."""

from __future__ import annotations

import datetime as dt

# The 条例 took effect on 2008-05-01; the first reports cover 2008.
FIRST_REPORT_YEAR = 2008


def parse_years(spec: str | None, today: dt.date | None = None) -> list[int]:
    """The years a spec names, in order; None or '' means 2008 to this year.

    Parts are separated by commas; a part is a year or a range whose end may be left
    open ('2019-' runs to this year). ValueError names a spec that is not one.
    """
    last = (today or dt.date.today()).year
    if not spec or not spec.strip():
        return list(range(FIRST_REPORT_YEAR, last + 1))
    years: list[int] = []
    for part in spec.split(","):
        start, sep, end = part.strip().partition("-")
        try:
            first = int(start) if start else FIRST_REPORT_YEAR
            final = int(end) if end else (last if sep else first)
        except ValueError as err:
            raise ValueError(
                f"years must look like 2021-2024, 2023, 2019- or 2021,2023, got {spec!r}"
            ) from err
        if first > final:
            raise ValueError(f"years range is empty: {part.strip()!r} in {spec!r}")
        years.extend(y for y in range(first, final + 1) if y not in years)
    return years
