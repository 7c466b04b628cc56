"""Public pages rendered once and kept in memory, for the pages that are the
same for everyone who opens them: the home page, start pages, information
pages, and a question page not yet answered (its words depend only on the
scheme and who the application is for). The CSRF token, the script nonce and
the seconds left are the only parts of such a page that differ between
requests: they are rendered as markers and put in at each request.

Nothing an applicant typed is ever rendered into a cached page: callers pass
only words, links and flags (the key says which), never answers. Each app has
its own cache (app.extensions), emptied when the app starts; a cached page is
keyed by its template, its language, the force's settings, its path and
the caller's key, so a new deployment, a changed setting or another language
renders afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .force import current_force
from .rendering import staff_keying_in
from .security import csp_nonce

# Private-use characters: never in the service's own words, and not escaped.
CSRF = "\ue000csrf\ue000"
NONCE = "\ue000nonce\ue000"
SECONDS = "\ue000seconds\ue000"
CSRF_MARK = Markup(CSRF)  # noqa: S704  # nosec B704
SECONDS_MARK = Markup(SECONDS)  # noqa: S704  # nosec B704
# More keys than the pages there are means a caller put something per-person
# in its key: stop caching rather than grow.
LIMIT = 5000


def store() -> dict:
    return current_app.extensions.setdefault("page_cache", {})


def render(template: str, key: tuple = (), seconds_left: int | None = None, **context: Any) -> str:
    """`template` rendered with `context`, from the cache when the same
    template, language and key were rendered before. `context` must be the
    same for every request with this key."""
    return render_lazily(template, key, lambda: context, seconds_left)


def render_lazily(
    template: str,
    key: tuple,
    context_of: Callable[[], dict],
    seconds_left: int | None = None,
) -> str:
    """As render(), with the context made only when the page is not kept yet
    (a question's form is then not built at all)."""
    if not current_app.config.get("PAGE_CACHE", True) or staff_keying_in():
        return render_template(template, seconds_left=seconds_left, **context_of())
    # The force's settings are part of every page (a test may swap them), and
    # its path (the language toggle's links come back to it).
    whole_key = (template, str(get_locale()), id(current_force()), request.path, key)
    cached = store().get(whole_key)
    if cached is None:
        cached = render_template(
            template,
            csrf_token=lambda: CSRF_MARK,
            csp_nonce=lambda: NONCE,
            seconds_left=None if seconds_left is None else SECONDS_MARK,
            **context_of(),
        )
        if len(store()) < LIMIT:
            store()[whole_key] = cached
    page = cached.replace(NONCE, csp_nonce())
    if CSRF in page:
        page = page.replace(CSRF, generate_csrf())
    if seconds_left is not None:
        page = page.replace(SECONDS, str(seconds_left))
    return page
