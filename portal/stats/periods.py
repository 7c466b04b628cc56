"""The periods people ask about: this and last month, quarter and financial
year (April to March), the last 12 complete months, and custom months. Each is
a run of whole calendar months (the current one so far) and knows the period
before it, so every figure can stand beside the same figure then. Months are
the grain because suppression rounds monthly cells (see suppression.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

KINDS = {
    "this-month": _l("This month so far"),
    "last-month": _l("Last month"),
    "this-quarter": _l("This quarter so far"),
    "last-quarter": _l("Last quarter"),
    "this-year": _l("This financial year so far"),
    "last-year": _l("Last financial year"),
    "12-months": _l("Last 12 complete months"),
    "custom": _l("Custom months"),
}
DEFAULT = "12-months"
# How far back the period before a kind lies, in months.
STEPS = {
    "this-month": 1,
    "last-month": 1,
    "this-quarter": 3,
    "last-quarter": 3,
    "this-year": 12,
    "last-year": 12,
    "year": 12,
}
FIRST_MONTH_OF_YEAR = 4  # the financial year runs April to March


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def financial_year_of(day: date) -> int:
    """The year a financial year starts in: 2026 for April 2026 to March 2027."""
    return day.year if day.month >= FIRST_MONTH_OF_YEAR else day.year - 1


def financial_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


@dataclass(frozen=True)
class Period:
    first: date  # the first day of its first month
    last: date  # the first day of its last month
    kind: str = "custom"
    to_date: bool = False  # the last month is the current one, so far

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)

    def previous(self) -> Period:
        """The same stretch of the period before: the month, quarter or
        financial year before (so far, for one so far: this year's April to
        February against last year's), or the same number of months before."""
        step = STEPS.get(self.kind, self.months)
        return Period(add_months(self.first, -step), add_months(self.last, -step), kind=self.kind)

    def label(self) -> str:
        first, last = self.first.strftime("%B %Y"), self.last.strftime("%B %Y")
        text = first if first == last else f"{first} to {last}"
        return f"{text} (so far)" if self.to_date else text


def financial_year(start_year: int) -> Period:
    first = date(start_year, FIRST_MONTH_OF_YEAR, 1)
    return Period(first, add_months(first, 11), kind="year")


def of_kind(kind: str, today: date) -> Period:
    this = month_start(today)
    if kind == "this-month":
        return Period(this, this, kind, to_date=True)
    if kind == "last-month":
        last = add_months(this, -1)
        return Period(last, last, kind)
    quarter = add_months(this, -((this.month - 1) % 3))
    if kind == "this-quarter":
        return Period(quarter, this, kind, to_date=True)
    if kind == "last-quarter":
        return Period(add_months(quarter, -3), add_months(quarter, -1), kind)
    year = financial_year(financial_year_of(today))
    if kind == "this-year":
        return Period(year.first, this, kind, to_date=True)
    if kind == "last-year":
        last = financial_year(financial_year_of(today) - 1)
        return Period(last.first, last.last, kind)
    return Period(add_months(this, -12), add_months(this, -1), "12-months")


def parse_month(text: str | None) -> date | None:
    """A month as typed: 2026-04, 4 2026, 04/2026 (or a whole date in it)."""
    cleaned = (text or "").strip().replace("/", " ").replace("-", " ").replace(".", " ")
    parts = cleaned.split()
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return None
    if len(numbers) == 2:
        year, month = (numbers[0], numbers[1]) if numbers[0] > 12 else (numbers[1], numbers[0])
    elif len(numbers) == 3 and numbers[0] > 31:
        year, month = numbers[0], numbers[1]
    else:
        return None
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return date(year, month, 1)


def chosen(args, today: date) -> tuple[Period, str | None]:
    """The period a query string asks for, and an error message for custom
    months that cannot be read (the default period is shown meanwhile)."""
    kind = args.get("period", DEFAULT)
    if kind not in KINDS:
        kind = DEFAULT
    if kind != "custom":
        return of_kind(kind, today), None
    first, last = parse_month(args.get("from")), parse_month(args.get("to"))
    if first is None or last is None:
        return of_kind(DEFAULT, today), str(
            _l("Enter the first and last months as a month and year, for example 4 2026")
        )
    if first > last:
        return of_kind(DEFAULT, today), str(_l("The first month must be before the last month"))
    this = month_start(today)
    if first > this:
        return of_kind(DEFAULT, today), str(_l("The first month must be this month or earlier"))
    last = min(last, this)
    return Period(first, last, "custom", to_date=last == this), None
