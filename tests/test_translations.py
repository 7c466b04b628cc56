"""The catalogues of the public pages, checked as CI checks them: the public
template is up to date with the code; each language translates every string
of it (none empty or fuzzy, none left over); every placeholder of a message is
in its translation; each says how it was made and its review status; the
compiled catalogues are built, never committed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.languages import LANGUAGES, PUBLIC_TEMPLATE, TRANSLATED, TRANSLATIONS, review_status

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def catalogue(path: Path, locale=None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(messages) -> list[str]:
    return [message.id for message in messages if message.id]


def test_the_public_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "public.pot"
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--no-location",
            "--add-comments=Translators:",
            "-F",
            "babel-public.cfg",
            "-k",
            "_l",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    kept, made = catalogue(PUBLIC_TEMPLATE), catalogue(fresh)
    assert ids(kept) == ids(made), "run `make messages` and translate the new strings"
    comments = {m.id: m.auto_comments for m in made if m.id}
    assert {m.id: m.auto_comments for m in kept if m.id} == comments


def test_every_catalogue_is_a_declared_language():
    found = {path.name for path in TRANSLATIONS.iterdir() if path.is_dir()}
    assert found == set(TRANSLATED)


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalogue_translates_every_public_string(code):
    language = LANGUAGES[code]
    translated = catalogue(language.catalogue, locale=code)
    template = ids(catalogue(PUBLIC_TEMPLATE))
    assert sorted(ids(translated)) == sorted(template), "run `make messages`"
    untranslated = [m.id for m in translated if m.id and not all(_strings(m.string))]
    assert untranslated == [], f"{len(untranslated)} untranslated in {code}"
    fuzzy = [m.id for m in translated if m.id and m.fuzzy]
    assert fuzzy == []
    assert not translated.obsolete


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_placeholder_of_a_message_is_in_its_translation(code):
    translated = catalogue(LANGUAGES[code].catalogue, locale=code)
    wrong = {}
    for message in translated:
        if not message.id:
            continue
        wanted = Counter(PLACEHOLDER.findall(_strings(message.id)[0]))
        for string in _strings(message.string):
            if Counter(PLACEHOLDER.findall(string)) != wanted:
                wrong[message.id] = string
    assert wrong == {}


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_catalogue_says_how_it_was_made_and_its_review(code):
    text = LANGUAGES[code].catalogue.read_text(encoding="utf-8")
    assert "# How it was made:" in text
    status = review_status(code)
    assert status == "needs review by a qualified translator" or re.fullmatch(
        r"reviewed by .+ for .+ on \d{4}-\d{2}-\d{2}", status
    ), status


def test_compiled_catalogues_are_built_not_committed():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(  # noqa: S603
        [git, "ls-files", "*.mo"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    assert tracked == ""
    for code in TRANSLATED:
        assert LANGUAGES[code].catalogue.with_suffix(".mo").exists(), "run `make setup`"


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]
