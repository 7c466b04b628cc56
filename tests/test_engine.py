"""Journey definitions are checked when the app starts."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l

from portal.journeys.engine import CHECK, Page, Scheme, Stop, branch
from portal.journeys.fields import ChoiceAnswer
from portal.journeys.forms import QuestionForm
from portal.journeys.registry import SCHEMES
from portal.references import LETTERS, is_reference, new_reference


class YesNoForm(QuestionForm):
    answer = ChoiceAnswer(
        _l("Yes or no?"), choices=[("yes", "Yes"), ("no", "No")], required=_l("Select yes or no")
    )


class UnlabelledForm(QuestionForm):
    answer = ChoiceAnswer("", choices=[("yes", "Yes")])


def scheme(*pages, first="one"):
    return Scheme(
        slug="test",
        code="test",
        route="test",
        name="Test",
        deadline_days=28,
        first=first,
        pages=pages,
        start_template="",
        confirmation_template="",
    )


def test_a_valid_definition_passes():
    @branch("two", "stop")
    def after_one(answers):
        return "stop" if answers["one"]["answer"] == "yes" else "two"

    definition = scheme(
        Page("one", "T", YesNoForm, after_one, "S"),
        Page("two", "T", YesNoForm, CHECK, "S"),
        Stop("stop", "T", "x.html"),
    )
    definition.validate()
    assert [p.slug for p in definition.path({"one": {"answer": "no"}})] == ["one", "two"]
    assert definition.resume_slug({"one": {"answer": "no"}, "two": {"answer": "no"}}) == CHECK


def test_an_unknown_next_page_fails():
    with pytest.raises(ValueError, match="leads to 'three', which is not defined"):
        scheme(Page("one", "T", YesNoForm, "three", "S")).validate()


def test_an_unknown_branch_target_fails():
    @branch("nowhere")
    def after_one(answers):
        return "nowhere"

    with pytest.raises(ValueError, match="'nowhere'"):
        scheme(Page("one", "T", YesNoForm, after_one, "S")).validate()


def test_an_unreachable_page_fails():
    with pytest.raises(ValueError, match="orphan: no page leads to it"):
        scheme(
            Page("one", "T", YesNoForm, CHECK, "S"), Page("orphan", "T", YesNoForm, CHECK, "S")
        ).validate()


def test_a_question_without_a_label_fails():
    with pytest.raises(ValueError, match="field 'answer' has no label"):
        scheme(Page("one", "T", UnlabelledForm, CHECK, "S")).validate()


def test_a_loop_is_refused():
    definition = scheme(
        Page("one", "T", YesNoForm, "two", "S"), Page("two", "T", YesNoForm, "one", "S")
    )
    with pytest.raises(ValueError, match="loops"):
        definition.path({"one": {"answer": "yes"}, "two": {"answer": "yes"}})


def test_the_real_schemes_are_valid():
    for definition in SCHEMES.values():
        definition.validate()


def test_references_avoid_ambiguous_characters():
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000
    for reference in references:
        assert is_reference(reference)
        assert not set(reference) & set("IOQZ01")
        assert reference[2].isdigit() and reference[5].isdigit()
    assert set("".join(references)) - set("23456789") <= set(LETTERS)
