"""The languages of the public pages (DESIGN.md section 9): each one's name in
its own language for the language toggle, its direction, and where its
catalogue is. English is the language of the code; the others are catalogues
translated from portal/translations/public.pot (docs/translations.md). Staff
pages stay in English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_babel import get_locale

TRANSLATIONS = Path(__file__).parent / "translations"
PUBLIC_TEMPLATE = TRANSLATIONS / "public.pot"
REVIEW_LINE = re.compile(r"^# Review status: (.+)$", re.M)


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47, as in lang="..." and the catalogue's directory
    name: str  # in the language itself, as the toggle shows it
    english: str  # for staff pages and the statistics
    direction: str = "ltr"
    # How a date is written (Babel): each language's own long form, but for
    # English the British one (Babel's "en" is American).
    date_format: str = "long"

    @property
    def catalogue(self) -> Path:
        return TRANSLATIONS / self.code / "LC_MESSAGES" / "messages.po"


DEFAULT = "en"
LANGUAGES = {
    language.code: language
    for language in (
        Language("en", "English", "English", date_format="d MMMM y"),
        Language("cy", "Cymraeg", "Welsh"),
        Language("pl", "Polski", "Polish"),
        Language("pa", "ਪੰਜਾਬੀ", "Punjabi"),
        Language("ur", "اردو", "Urdu", "rtl"),
    )
}
TRANSLATED = [code for code in LANGUAGES if code != DEFAULT]


@cache
def review_status(code: str) -> str:
    """What the catalogue's header says of its review ("needs review by a
    qualified translator" until a force records one)."""
    if code == DEFAULT:
        return "the language of the service"
    found = REVIEW_LINE.search(LANGUAGES[code].catalogue.read_text(encoding="utf-8"))
    return found[1].strip() if found else "not stated"


def select() -> str:
    """The locale of this request (Flask-Babel's locale selector): the public
    pages' language as the applicant chose it with the toggle, kept in a
    cookie holding only the language's code; staff pages in English."""
    if not has_request_context() or request.path.startswith("/admin"):
        return DEFAULT
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE_NAME"], DEFAULT)
    return chosen if chosen in LANGUAGES else DEFAULT


def current() -> Language:
    return LANGUAGES.get(str(get_locale()), LANGUAGES[DEFAULT])


def english_name(code: str | None) -> str:
    """An application's language as staff pages name it."""
    language = LANGUAGES.get(code or DEFAULT)
    return language.english if language else str(code)
