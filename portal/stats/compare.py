"""What a change to a form did: any two versions of a form compared on
completion, going on from each page, errors per question and time to
complete, each difference with a plain statement of whether it is larger
than chance (a two-proportion z-test at the 5% level on the published
counts; where many pages or questions are tested together, each at 5%
divided by their number), and "not enough data yet" below a stated minimum."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.journeys.registry import SCHEMES

from . import queries, words
from .queries import Scope
from .suppression import share_value

MINIMUM = 100  # journeys (or page visits) behind each version's share before it is tested
LEVEL = 0.05


def p_value(a_part: int, a_whole: int, b_part: int, b_whole: int) -> float:
    """Two-sided p-value of the difference between two proportions (pooled z-test)."""
    pooled = (a_part + b_part) / (a_whole + b_whole)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / a_whole + 1 / b_whole))
    if spread == 0:
        return 1.0
    z = (b_part / b_whole - a_part / a_whole) / spread
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass
class Difference:
    measure: str
    a_part: int
    a_whole: int
    b_part: int
    b_whole: int
    tests: int = 1  # how many differences are tested alongside this one

    @property
    def a_share(self) -> float | None:
        return share_value(self.a_part, self.a_whole)

    @property
    def b_share(self) -> float | None:
        return share_value(self.b_part, self.b_whole)

    @property
    def enough(self) -> bool:
        return min(self.a_whole, self.b_whole) >= MINIMUM

    @property
    def points(self) -> float | None:
        if self.a_share is None or self.b_share is None:
            return None
        return 100 * (self.b_share - self.a_share)

    @property
    def verdict(self) -> str:
        if not self.enough:
            return str(_l("Not enough data yet: each version needs at least %(n)s", n=MINIMUM))
        p = p_value(
            min(self.a_part, self.a_whole),
            self.a_whole,
            min(self.b_part, self.b_whole),
            self.b_whole,
        )
        # Many pages tested at once: each is held to a stricter level
        # (Bonferroni), so the page as a whole is wrong less than 1 time in 20.
        if p < LEVEL / self.tests:
            return str(
                _l(
                    "Larger than chance: a difference this big would happen by chance less "
                    "than 1 time in 20"
                )
            )
        return str(_l("Could be chance: a difference this big often happens by chance"))


@dataclass
class Comparison:
    completion: Difference
    pages: list[Difference]
    questions: list[Difference]
    a_minutes: int | None
    b_minutes: int | None


def compare(scheme: str, a: str, b: str) -> Comparison:
    """Version a (the earlier) against version b, over all their time."""
    scope_a, scope_b = Scope(None, scheme, a), Scope(None, scheme, b)
    totals_a, totals_b = queries.totals(scope_a), queries.totals(scope_b)
    completion = Difference(
        str(_l("Completion (sent ÷ started)")),
        totals_a.get("submitted", 0),
        totals_a.get("started", 0),
        totals_b.get("submitted", 0),
        totals_b.get("started", 0),
    )
    flow_a = queries.by_page(scope_a, ("reached", "answered"))
    flow_b = queries.by_page(scope_b, ("reached", "answered"))
    pages = []
    for page in words.pages(SCHEMES[scheme]):
        reached_a, reached_b = (
            flow_a.get(("reached", page.slug), 0),
            flow_b.get(("reached", page.slug), 0),
        )
        if not (reached_a or reached_b):
            continue
        pages.append(
            Difference(
                words.page_words(scheme, page.slug),
                flow_a.get(("answered", page.slug), 0),
                reached_a,
                flow_b.get(("answered", page.slug), 0),
                reached_b,
            )
        )
    problems_a = {(p.page, p.question): p for p in queries.problem_questions(scope_a)}
    problems_b = {(p.page, p.question): p for p in queries.problem_questions(scope_b)}
    questions = []
    for key in sorted(set(problems_a) | set(problems_b)):
        page, question = key
        questions.append(
            Difference(
                words.question_words(scheme, page, question),
                problems_a[key].journeys if key in problems_a else 0,
                flow_a.get(("reached", page), 0),
                problems_b[key].journeys if key in problems_b else 0,
                flow_b.get(("reached", page), 0),
            )
        )
    for group in (pages, questions):
        for difference in group:
            difference.tests = len(group)
    return Comparison(
        completion,
        pages,
        questions,
        minutes(scope_a),
        minutes(scope_b),
    )


def minutes(scope: Scope) -> int | None:
    counts = queries.value_counts(scope, "submitted")
    if sum(counts.values()) < MINIMUM:
        return None
    return queries.median_from_counts(counts)
