"""Questions about the person someone is worried about, asked the same way by
every scheme."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .common import YES_NO
from .engine import Collection
from .fields import (
    ChoiceAnswer,
    DateAnswer,
    PostcodeAnswer,
    TextAreaAnswer,
    TextField,
    WholeNumberAnswer,
)
from .forms import QuestionForm


class SubjectNameForm(QuestionForm):
    full_name = TextField(
        _l("Their full name"),
        short=_l("Their name"),
        required=_l("Enter the full name of the person you are worried about"),
        max_length=100,
        params={"spellcheck": False},
    )
    other_names = TextAreaAnswer(
        _l("Other names they use (optional)"),
        short=_l("Other names"),
        max_length=300,
        hint=_l("For example, a nickname or a previous surname."),
        params={"rows": 2},
    )


class SubjectBirthForm(QuestionForm):
    reveals = {"known": {"date": ("date_of_birth",), "age": ("approximate_age",)}}

    known = ChoiceAnswer(
        _l("Do you know their date of birth?"),
        short=_l("Date of birth known"),
        summary=False,
        choices=[
            ("date", _l("Yes")),
            ("age", _l("No, but I know roughly how old they are")),
            ("unknown", _l("No")),
        ],
        required=_l("Select yes if you know their date of birth"),
    )
    date_of_birth = DateAnswer(
        _l("Date of birth"),
        short=_l("Their date of birth"),
        required=_l("Enter their date of birth"),
        hint=_l("For example, 27 3 1985"),
    )
    approximate_age = WholeNumberAnswer(
        _l("Approximate age"),
        short=_l("Their approximate age"),
        required=_l("Enter their approximate age"),
        minimum=10,
        maximum=120,
        number_message=_l("Enter their approximate age as a number, like 35"),
        range_message=_l("Approximate age must be between 10 and 120"),
    )


class SubjectAddressForm(QuestionForm):
    reveals = {"known": {"yes": ("address", "postcode")}}

    known = ChoiceAnswer(
        _l("Do you know where they live now?"),
        short=_l("Address known"),
        choices=YES_NO,
        summary=False,
        required=_l("Select yes if you know where they live now"),
    )
    address = TextAreaAnswer(
        _l("Their address"),
        short=_l("Their current address"),
        required=_l("Enter their address"),
        max_length=300,
        hint=_l("As much as you know."),
        params={"rows": 3},
    )
    postcode = PostcodeAnswer(_l("Postcode (optional)"), short=_l("Their postcode"))


class MoreAddressesForm(QuestionForm):
    more = ChoiceAnswer(
        _l("Have they lived at any other address in the last 5 years?"),
        summary=False,
        choices=YES_NO,
        required=_l("Select yes if they have lived at another address"),
        hint=_l("Select no if you do not know."),
    )


class PreviousAddressForm(QuestionForm):
    address = TextAreaAnswer(
        _l("Address"),
        short=_l("Previous address"),
        required=_l("Enter the address"),
        max_length=300,
        hint=_l("As much as you know."),
        params={"rows": 3},
    )
    postcode = PostcodeAnswer(_l("Postcode (optional)"), short=_l("Postcode"))
    when = TextField(
        _l("When did they live there? (optional)"),
        short=_l("When"),
        hint=_l("For example, 2021 to 2023"),
        max_length=60,
    )


def describe_address(item: dict) -> str:
    lines = [item.get("address", ""), item.get("postcode", "")]
    if item.get("when"):
        lines.append(str(_l("Lived there: %(when)s", when=item["when"])))
    return "\n".join(line for line in lines if line)


class SubjectDescriptionForm(QuestionForm):
    description = TextAreaAnswer(
        _l("Describe the person you are worried about (optional)"),
        short=_l("Description"),
        max_length=2000,
        hint=_l("For example, what they look like, any vehicle they use, or where they work."),
    )


class RelationshipForm(QuestionForm):
    reveals = {"relationship": {"other": ("other_relationship",)}}

    relationship = ChoiceAnswer(
        _l("What is their relationship to %(at_risk)s?"),
        short=_l("Relationship"),
        choices=[
            ("partner", _l("Current partner")),
            ("ex_partner", _l("Ex-partner")),
            ("new_relationship", _l("A new relationship or dating")),
            ("other", _l("Something else")),
        ],
        required=_l("Select their relationship"),
    )
    other_relationship = TextField(
        _l("What is their relationship?"),
        short=_l("Their relationship"),
        required=_l("Enter their relationship"),
        max_length=100,
    )


def previous_addresses(next_slug: str, section) -> Collection:
    """The "add another" list of the addresses of the last 5 years."""
    return Collection(
        "previous-addresses",
        _l("Application"),
        MoreAddressesForm,
        next_slug,
        section,
        item_form=PreviousAddressForm,
        item_title=_l("Previous addresses"),
        item_heading=_l("Previous address"),
        item_label=_l("Address %(number)s"),
        added_one=_l("You have added %(num)s address"),
        added_many=_l("You have added %(num)s addresses"),
        first_heading=_l("Have they lived at any other address in the last 5 years?"),
        more_heading=_l("Do you need to add another address?"),
        empty_text=_l("None given"),
        describe=describe_address,
    )
