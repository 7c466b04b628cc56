"""`Cache-Control: no-store` on every page that can show an answer, found by
walking them: every page of every scheme's journey (paths from the
definitions, as tests/test_every_path.py finds them), each change link and list
item from check your answers, the confirmation, and every staff page as a role
that may open it. Every response on the way is read as the browser gets it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException

from portal.journeys.registry import SCHEMES

from .staff_walk import back_office, staff_rules
from .support import PUBLIC_PAGES, Applicant, page_url
from .test_every_path import steps, take, walk


class Recorder:
    """WSGI middleware that keeps every response's method, path, status and
    headers, as they leave the app."""

    def __init__(self, app):
        self.app, self.wsgi_app, self.seen = app, app.wsgi_app, []
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            request = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
            self.seen.append((*request, int(status[:3]), Headers(headers)))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)

    def endpoints(self, method: str = "GET") -> set[str]:
        adapter = self.app.url_map.bind("localhost")
        found = set()
        for seen_method, path, _status, _headers in self.seen:
            try:
                endpoint, _args = adapter.match(path, method=seen_method)
            except HTTPException:
                continue
            if seen_method == method:
                found.add(endpoint)
        return found

    def assert_no_store(self) -> None:
        cached = [
            (method, path, status)
            for method, path, status, headers in self.seen
            if not path.startswith("/static/") and headers.get("Cache-Control") != "no-store"
        ]
        assert not cached, f"may be kept in the browser's cache: {cached}"


def covering_paths(scheme) -> list[tuple[tuple[str, ...], dict]]:
    """Few paths that between them reach every page of the scheme."""
    paths, chosen, reached = walk(scheme), [], set()
    while reached != set(scheme.by_slug):
        slugs = max(paths, key=lambda path: len(set(path) - reached))
        chosen.append((slugs, paths.pop(slugs)))
        reached |= set(slugs)
    return chosen


def links_under(html: str, prefix: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    hrefs = {a["href"] for a in soup.select("a[href]")}
    return {href for href in hrefs if urlsplit(href).path.startswith(prefix)}


def revisit(applicant: Applicant, scheme_slug: str) -> None:
    """From check your answers, every page it leads back to (change links,
    list items, removing one), each also posted without its token (the page
    shown again with the answers), then send and see the confirmation."""
    check = page_url("check-your-answers", scheme_slug)
    prefix = page_url("", scheme_slug)
    queue, seen = [check], {check}
    while queue:
        html = applicant.client.get(queue.pop()).get_data(as_text=True)
        for url in links_under(html, prefix) - seen:
            seen.add(url)
            queue.append(url)
    for url in sorted(seen - {check}):
        applicant.client.post(url, data={})
    applicant.get(check)
    applicant.post(check)
    assert applicant.path == page_url("confirmation", scheme_slug)


@pytest.mark.parametrize("scheme_slug", sorted(SCHEMES))
def test_every_journey_page_is_kept_out_of_the_cache(make_app, scheme_slug):
    app = make_app()
    recorder = Recorder(app)
    scheme = SCHEMES[scheme_slug]
    with app.test_request_context():
        paths = covering_paths(scheme)
        plans = [(slugs, answers, steps(scheme, slugs, answers)) for slugs, answers in paths]
    for slugs, answers, planned in plans:
        applicant = Applicant(app)
        applicant.get(page_url(scheme.first, scheme_slug))
        take(applicant, scheme, planned)
        if scheme.page(slugs[-1]).is_answered(answers):
            revisit(applicant, scheme_slug)
    for url in (*PUBLIC_PAGES, "/language/cy?next=/", "/exit"):
        app.test_client().get(url)
    recorder.assert_no_store()
    journey = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    journey = {e for e in journey if e.startswith("public.") and "GET" in _methods(app, e)}
    assert journey <= recorder.endpoints(), journey - recorder.endpoints()
    assert "public.check_answers" in recorder.endpoints("POST")


def _methods(app, endpoint: str) -> set[str]:
    return {m for rule in app.url_map.iter_rules(endpoint) for m in rule.methods}


def test_every_staff_page_is_kept_out_of_the_cache(make_app, clock):
    app = make_app()
    office = back_office(app, clock.now)
    recorder = Recorder(app)
    rules = staff_rules(app, "GET")
    for rule in rules:
        office.browser_for(rule.endpoint).client.get(office.url(rule))
    case_page = office.url(next(app.url_map.iter_rules("admin.case_view")))
    supervisor = office.browser_for("admin.case_assign")
    html = supervisor.client.get(case_page).get_data(as_text=True)
    for url in links_under(html, case_page):
        supervisor.client.get(url)  # each stage's form, with what was recorded
    recorder.assert_no_store()
    assert {rule.endpoint for rule in rules} <= recorder.endpoints()
    shown = [status for method, path, status, _h in recorder.seen if path == case_page]
    assert 200 in shown
