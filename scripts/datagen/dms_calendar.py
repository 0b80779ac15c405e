"""Day and month arithmetic of the DMS simulation.

Everything inside the simulation counts integer days from the first day of the window (day 0 =
``config.start``); days before the window are negative (the vehicle history that fills a store's
customer base before the data begin). Integers keep the vectorised code fast; conversion to
dates and timestamps happens once, when the tables are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

#: Years of vehicle history simulated before the window so that mature stores start in a steady
#: state (older vehicles have mostly left the authorised network).
HISTORY_YEARS: int = 6

#: Chinese New Year's day (Spring Festival) by year: the workshop closes for a few days around
#: it and visits move to the weeks after (the January/February dip of every 4S store).
CHINESE_NEW_YEAR: dict[int, str] = {
    2012: "2012-01-23",
    2013: "2013-02-10",
    2014: "2014-01-31",
    2015: "2015-02-19",
    2016: "2016-02-08",
    2017: "2017-01-28",
    2018: "2018-02-16",
    2019: "2019-02-05",
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
    2031: "2031-01-23",
    2032: "2032-02-11",
    2033: "2033-01-31",
    2034: "2034-02-19",
    2035: "2035-02-08",
}


@dataclass(frozen=True)
class Calendar:
    """The window and the history before it, in days and months relative to ``start``."""

    start: np.datetime64  # datetime64[D], day 0
    months: int  # months in the window
    history_months: int  # months simulated before the window

    @property
    def end_day(self) -> int:
        """First day after the window (exclusive bound)."""
        return int(self.month_start_day(self.months))

    @property
    def history_start_day(self) -> int:
        return int(self.month_start_day(-self.history_months))

    def month_start_day(self, month: int | np.ndarray) -> np.ndarray:
        """Day number of the first day of window month ``month`` (0 = first window month)."""
        start_month = self.start.astype("datetime64[M]")
        first = (start_month + np.asarray(month)).astype("datetime64[D]")
        return (first - self.start).astype(np.int64)

    @cached_property
    def _table_start(self) -> int:
        """First day covered by the lookup tables (history plus a margin)."""
        return self.history_start_day - 4000

    @cached_property
    def _month_table(self) -> np.ndarray:
        days = np.arange(self._table_start, self.end_day + 800)
        months = (self.start + days).astype("datetime64[M]")
        return (months - self.start.astype("datetime64[M]")).astype(np.int64)

    @cached_property
    def _calendar_month_table(self) -> np.ndarray:
        days = np.arange(self._table_start, self.end_day + 800)
        return (self.start + days).astype("datetime64[M]").view(np.int64) % 12 + 1

    def _lookup(self, table: np.ndarray, day: np.ndarray) -> np.ndarray | None:
        """Table value of each day, or None when a day falls outside the table."""
        index = np.asarray(day, dtype=np.int64) - self._table_start
        if index.size and (index.min() < 0 or index.max() >= len(table)):
            return None
        return table[index]

    def month_of_day(self, day: np.ndarray) -> np.ndarray:
        """Window month index of each day (negative before the window)."""
        found = self._lookup(self._month_table, day)
        if found is not None:
            return found
        months = (self.start + np.asarray(day, dtype=np.int64)).astype("datetime64[M]")
        return (months - self.start.astype("datetime64[M]")).astype(np.int64)

    def days_in_month(self, month: np.ndarray) -> np.ndarray:
        month = np.asarray(month)
        return self.month_start_day(month + 1) - self.month_start_day(month)

    def weekday(self, day: np.ndarray) -> np.ndarray:
        """0 = Monday … 6 = Sunday."""
        first = int((self.start.astype("datetime64[D]").view(np.int64) + 3) % 7)
        return (np.asarray(day, dtype=np.int64) + first) % 7

    def calendar_month(self, day: np.ndarray) -> np.ndarray:
        """1..12 calendar month of each day."""
        found = self._lookup(self._calendar_month_table, day)
        if found is not None:
            return found
        months = (self.start + np.asarray(day, dtype=np.int64)).astype("datetime64[M]")
        return months.view(np.int64) % 12 + 1

    def to_datetime64(self, day: np.ndarray) -> np.ndarray:
        """Midnight of each day as datetime64[s] (the tables' date representation)."""
        return (self.start + np.asarray(day, dtype=np.int64)).astype("datetime64[s]")

    def month_label(self, month: int) -> str:
        """'YYYY-MM-01' of window month ``month``."""
        return str((self.start.astype("datetime64[M]") + month).astype("datetime64[D]"))

    def day_of(self, value: date | str) -> int:
        return int((np.datetime64(value, "D") - self.start).astype(np.int64))

    def spring_festival_days(self) -> np.ndarray:
        """Day numbers of Chinese New Year's day for every year touching the simulated span."""
        days = [self.day_of(value) for value in CHINESE_NEW_YEAR.values()]
        span = (self.history_start_day - 400, self.end_day + 400)
        return np.array([d for d in days if span[0] <= d <= span[1]], dtype=np.int64)


def make_calendar(start: date, months: int) -> Calendar:
    return Calendar(np.datetime64(start, "D"), months, HISTORY_YEARS * 12)


def add_years(days: np.ndarray, calendar: Calendar, years: int) -> np.ndarray:
    """Same calendar day ``years`` later (29 February → 28 February), as day numbers."""
    dates = calendar.start + np.asarray(days, dtype=np.int64)
    month = dates.astype("datetime64[M]")
    day_in_month = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target_month = month + 12 * years
    month_length = (
        (target_month + 1).astype("datetime64[D]") - target_month.astype("datetime64[D]")
    ).astype(np.int64)
    target = target_month.astype("datetime64[D]") + np.minimum(day_in_month, month_length - 1)
    return (target - calendar.start).astype(np.int64)
