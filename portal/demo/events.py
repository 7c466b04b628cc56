"""The journey events behind the synthetic history, as the public forms record
them (starts, pages reached and answered, errors, drop-offs, satisfaction),
and the form versions they were shown: Right to Ask has an earlier wording
that lost more people on one page, the "change to a form" that the
comparison of versions shows."""

from __future__ import annotations

from datetime import timedelta

from portal import deadlines
from portal.journeys.engine import CHECK
from portal.journeys.registry import SCHEMES
from portal.stats import events as analytics
from portal.stats import versions, words

CHANGED_PAGE = "subject-name"
CHANGE_DAYS_AGO = 150


def pick(rng, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


class Pages:
    """Each form's question pages in journey order, and each page's first
    question with the message it shows when left empty: read once a seed,
    not once a journey (the messages are translated strings)."""

    def __init__(self):
        self.slugs, self.first_fields = {}, {}

    def of(self, scheme) -> tuple[list[str], dict]:
        if scheme.slug not in self.slugs:
            pages = words.pages(scheme)
            self.slugs[scheme.slug] = [page.slug for page in pages]
            self.first_fields[scheme.slug] = {page.slug: first_field(page) for page in pages}
        return self.slugs[scheme.slug], self.first_fields[scheme.slug]


def journey_events(
    rng, scheme, submitted_at, finished: bool, version: str, worse: str = "", pages=None
):
    """A journey's events, as the public forms record them: the first
    question opened, started, each page reached and answered (with some
    errors), then sent, or abandoned at a page."""
    slugs, first_fields = (pages or Pages()).of(scheme)
    start = submitted_at - timedelta(minutes=rng.uniform(6, 40))
    stop = None
    if not finished:
        stop = next(
            (slug for slug in slugs[1:] if rng.random() < (0.25 if slug == worse else 0.06)),
            slugs[-1],
        )
    events = [("opened", slugs[0], "", "", 0, start)]
    if not finished and rng.random() < 0.3:  # read the first question and left
        return rows_of(scheme, version, events)
    events.append(("started", slugs[0], "", "", 0, start))
    for slug in slugs:
        events.append(("reached", slug, "", "", 0, start))
        wrong = 0.3 if slug == worse else 0.05
        if rng.random() < wrong and first_fields[slug]:
            question, message = first_fields[slug]
            events.append(("met_error", slug, question, "", 0, start))
            for _try in range(rng.choice((1, 1, 2))):
                events.append(("error", slug, question, message, 0, start))
        if slug == stop:
            break
        events.append(("answered", slug, "", "", 0, start))
    if finished:
        events.append(("reached", CHECK, "", "", 0, submitted_at))
        if rng.random() < 0.1:
            events.append(("changed", rng.choice(slugs), "", "", 0, submitted_at))
        minutes = analytics.time_bucket(start, submitted_at)
        events.append(("submitted", "", "", "", minutes, submitted_at))
        if rng.random() < 0.3:
            score = pick(rng, [(5, 40), (4, 35), (3, 12), (2, 8), (1, 5)])
            events.append(("satisfaction", "", "", "", score, submitted_at))
    else:
        events.append((rng.choice(["exited", "expired"]), stop, "", "", 0, start))
    return rows_of(scheme, version, events)


def rows_of(scheme, version: str, events: list[tuple]) -> list[dict]:
    rows = []
    for kind, page, question, message, value, at in events:
        day = deadlines.local_date(at)
        rows.append(
            {
                "at": at,
                "day": day,
                "month": day.replace(day=1),
                "scheme": scheme.slug,
                "version": version,
                "kind": kind,
                "page": page,
                "question": question,
                "message": message,
                "value": value,
            }
        )
    return rows


def first_field(page) -> tuple[str, str] | None:
    """A page's first question and the message it shows when left empty."""
    fields = versions.fields_of(page.form)
    if not fields:
        return None
    name, unbound = fields[0]
    return name, str(unbound.kwargs.get("required") or "Enter an answer")


def demo_versions(now) -> dict[str, list[tuple]]:
    """Each form's versions for the demo: (version, first seen, label). Right
    to Ask has an earlier wording, changed CHANGE_DAYS_AGO days ago."""
    found = {}
    for slug in SCHEMES:
        current = versions.current(slug)
        found[slug] = [(current, now - timedelta(days=731), None)]
    earlier = versions.current("right-to-ask")[:6] + "e0"
    found["right-to-ask"] = [
        (earlier, now - timedelta(days=731), "Demo: the wording before the change"),
        (versions.current("right-to-ask"), now - timedelta(days=CHANGE_DAYS_AGO), None),
    ]
    return found


def register_versions(now) -> dict[str, list[tuple]]:
    known = demo_versions(now)
    for slug, entries in known.items():
        for version, seen, label in entries:
            versions.register(slug, version, seen, label=label)
    return known


def version_at(found: list[tuple], at) -> tuple[str, str]:
    """The version shown at a moment, and the page it made harder."""
    current = found[0]
    for entry in found:
        if entry[1] <= at:
            current = entry
    worse = CHANGED_PAGE if current[2] else ""
    return current[0], worse
