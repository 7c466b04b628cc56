"""DVDS Right to Ask: a member of the public asks whether someone has a
history of abuse, for themselves or for someone else."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from portal.force import current_force

from . import common, subject
from .engine import Page, Scheme, Stop, answer, branch, when
from .fields import (
    ChoiceAnswer,
    MultiChoiceAnswer,
    TextAreaAnswer,
    TextField,
    WholeNumberAnswer,
    age_in_years,
    london_today,
)
from .forms import QuestionForm
from .subject import previous_addresses

MINIMUM_AGE = 16


def for_self(answers) -> bool:
    return answer(answers, "who-for", "who") == "myself"


# Forms, in the order the applicant meets them.


class WhoForForm(QuestionForm):
    who = ChoiceAnswer(
        _l("Who is this application for?"),
        short=_l("Applying for"),
        choices=[
            ("myself", _l("Me: I think my partner or ex-partner may harm me")),
            (
                "someone_else",
                _l("Someone else: I think another person may be harmed by a partner or ex-partner"),
            ),
        ],
        required=_l("Select who this application is for"),
    )


class PersonAtRiskForm(QuestionForm):
    full_name = TextField(
        _l("Their full name"),
        short=_l("Name of the person at risk"),
        required=_l("Enter the full name of the person at risk"),
        max_length=100,
        params={"spellcheck": False},
    )
    age = WholeNumberAnswer(
        _l("Their age (optional)"),
        short=_l("Age of the person at risk"),
        hint=_l("Give an approximate age if you are not sure."),
        minimum=1,
        maximum=120,
        number_message=_l("Enter their age as a number, like 35"),
        range_message=_l("Age must be between 1 and 120"),
    )


class RelationshipToPersonForm(QuestionForm):
    reveals = {"relationship": {"other": ("other_relationship",)}}

    relationship = ChoiceAnswer(
        _l("How do you know the person at risk?"),
        short=_l("How you know them"),
        choices=[
            ("parent", _l("I am their parent")),
            ("relative", _l("I am a relative")),
            ("friend", _l("I am a friend")),
            ("neighbour", _l("I am a neighbour")),
            ("colleague", _l("I am a colleague")),
            ("professional", _l("I know them through my work")),
            ("other", _l("Another way")),
        ],
        required=_l("Select how you know the person at risk"),
    )
    other_relationship = TextField(
        _l("How do you know them?"),
        short=_l("How you know them"),
        required=_l("Enter how you know the person at risk"),
        max_length=100,
    )


class PersonKnowsForm(QuestionForm):
    knows = ChoiceAnswer(
        _l("Does the person at risk know you are applying?"),
        short=_l("The person at risk knows about this application"),
        choices=common.YES_NO_NOT_SURE,
        required=_l("Select yes if the person at risk knows you are applying"),
    )


class LivingForm(QuestionForm):
    living = ChoiceAnswer(
        _l("Do they live with %(at_risk)s?"),
        short=_l("Living together or in contact"),
        choices=[
            ("together", _l("Yes, they live together")),
            ("in_contact", _l("No, but they are in contact")),
            ("no_contact", _l("No, and they are not in contact")),
            ("not_sure", _l("Not sure")),
        ],
        required=_l("Select whether they live with %(at_risk)s or are in contact"),
    )


CONCERNS = [
    ("physical_violence", _l("Physical violence")),
    ("threats", _l("Threats")),
    ("controlling_behaviour", _l("Controlling or coercive behaviour")),
    ("economic_abuse", _l("Control of money or belongings (economic abuse)")),
    ("stalking_harassment", _l("Stalking or harassment")),
    ("sexual_abuse", _l("Sexual abuse")),
    (
        "past_relationships",
        _l("Something said about the past relationships of the person you are worried about"),
    ),
    ("other", _l("Something else")),
]


class ConcernsForm(QuestionForm):
    concerns = MultiChoiceAnswer(
        _l("What has made you worried?"),
        short=_l("What has made you worried"),
        choices=CONCERNS,
        hint=_l("Select all that apply."),
        required=_l("Select what has made you worried"),
    )


class ConcernDetailsForm(QuestionForm):
    details = TextAreaAnswer(
        _l("Tell us what has happened"),
        short=_l("What has happened"),
        required=_l("Tell us what has happened"),
        max_length=5000,
        hint=_l(
            "Include any dates and places you know. You can write as much or as "
            "little as you feel safe to."
        ),
        params={"rows": 8},
    )


# Branching.


@branch("other-force", "your-name", "person-knows")
def after_area(answers):
    """Outside the force's area: another force. Inside it, someone applying
    for another person says next how that person can be reached."""
    if answer(answers, "area", "area") == "elsewhere":
        return "other-force"
    return "your-name" if for_self(answers) else "person-knows"


@branch("under-16", "your-address")
def after_date_of_birth(answers):
    born = date.fromisoformat(answer(answers, "your-date-of-birth", "date_of_birth"))
    return "under-16" if age_in_years(born, london_today()) < MINIMUM_AGE else "your-address"


def context(answers) -> dict:
    force = current_force()
    return {
        "at_risk": _l("you") if for_self(answers) else _l("the person at risk"),
        "where_question": _l("Where do you live?")
        if for_self(answers)
        else _l("Where does the person at risk live?"),
        "where_at_risk_lives": _l("Where you live")
        if for_self(answers)
        else _l("Where the person at risk lives"),
        "where_error": _l("Select where you live")
        if for_self(answers)
        else _l("Select where the person at risk lives"),
        "force": force.name,
        "area": force.area_name,
    }


def applicant_type(answers) -> str:
    return "self" if for_self(answers) else "third_party"


def columns(answers) -> dict:
    area = answer(answers, "area", "area")
    return {
        "local_authority": current_force().area_slugs.get(area),
        "subject_relationship": answer(answers, "relationship", "relationship"),
        "living_arrangement": answer(answers, "living", "living"),
        "concern_types": answer(answers, "concerns", "concerns") or [],
        "children_involved": answer(answers, "children", "children"),
        "contact_channels": answer(answers, "safe-contact", "channels") or [],
        "communication_needs": answer(answers, "communication", "needs") or [],
    }


APPLICATION = _l("Your application")
ABOUT_YOU = _l("About you")
AT_RISK = _l("The person at risk")
SUBJECT = _l("The person you are worried about")
CONCERN = _l("Your concerns")
CONTACT = common.CONTACT
AT_RISK_CONTACT = common.AT_RISK_CONTACT
TITLE = _l("Application")


def about_at_risk(answers):
    return ABOUT_YOU if for_self(answers) else AT_RISK


SCHEME = Scheme(
    slug="right-to-ask",
    code="dvds",
    route="right_to_ask",
    name=_l("Clare's Law: ask about a partner's past"),
    deadline_days=28,
    first="immediate-danger",
    start_template="public/right_to_ask/start.html",
    confirmation_template="public/right_to_ask/confirmation.html",
    context=context,
    applicant_type=applicant_type,
    columns=columns,
    pages=(
        Page(
            "immediate-danger",
            TITLE,
            common.ImmediateDangerForm,
            common.danger_branch("who-for"),
            APPLICATION,
        ),
        Page(
            "who-for",
            TITLE,
            WhoForForm,
            when("who-for", "who", equals="myself", then="area", otherwise="person-at-risk"),
            APPLICATION,
        ),
        Page(
            "person-at-risk",
            TITLE,
            PersonAtRiskForm,
            "relationship-to-person",
            AT_RISK,
            heading=_l("What is their name and age?"),
        ),
        Page("relationship-to-person", TITLE, RelationshipToPersonForm, "area", AT_RISK),
        Page("area", TITLE, common.AreaForm, after_area, about_at_risk),
        Page("person-knows", TITLE, PersonKnowsForm, "contact-at-risk", AT_RISK_CONTACT),
        Page(
            "contact-at-risk",
            TITLE,
            common.ContactAtRiskForm,
            when(
                "contact-at-risk",
                "contact",
                equals="yes",
                then="at-risk-safe-contact",
                otherwise="your-name",
            ),
            AT_RISK_CONTACT,
        ),
        Page(
            "at-risk-safe-contact",
            TITLE,
            common.AtRiskSafeContactForm,
            "at-risk-safe-times",
            AT_RISK_CONTACT,
        ),
        Page(
            "at-risk-safe-times",
            TITLE,
            common.AtRiskSafeTimesForm,
            common.AT_RISK_CONTACT_BRANCH,
            AT_RISK_CONTACT,
            heading=common.AT_RISK_TIMES_HEADING,
        ),
        Page(
            "at-risk-voicemail",
            TITLE,
            common.AtRiskVoicemailForm,
            "at-risk-say-police",
            AT_RISK_CONTACT,
        ),
        Page("at-risk-say-police", TITLE, common.AtRiskSayPoliceForm, "your-name", AT_RISK_CONTACT),
        Page("your-name", TITLE, common.ApplicantNameForm, "your-date-of-birth", ABOUT_YOU),
        Page(
            "your-date-of-birth",
            TITLE,
            common.ApplicantDateOfBirthForm,
            after_date_of_birth,
            ABOUT_YOU,
        ),
        Page(
            "your-address",
            TITLE,
            common.AddressForm,
            "subject-name",
            ABOUT_YOU,
            heading=_l("What is your address?"),
        ),
        Page(
            "subject-name",
            TITLE,
            subject.SubjectNameForm,
            "subject-date-of-birth",
            SUBJECT,
            heading=_l("Who are you worried about?"),
        ),
        Page("subject-date-of-birth", TITLE, subject.SubjectBirthForm, "subject-address", SUBJECT),
        Page("subject-address", TITLE, subject.SubjectAddressForm, "previous-addresses", SUBJECT),
        previous_addresses("subject-description", SUBJECT),
        Page("subject-description", TITLE, subject.SubjectDescriptionForm, "relationship", SUBJECT),
        Page("relationship", TITLE, subject.RelationshipForm, "living", SUBJECT),
        Page("living", TITLE, LivingForm, "concerns", SUBJECT),
        Page("concerns", TITLE, ConcernsForm, "concern-details", CONCERN),
        Page("concern-details", TITLE, ConcernDetailsForm, "children", CONCERN),
        Page("children", TITLE, common.ChildrenForm, "safe-contact", CONCERN),
        Page("safe-contact", TITLE, common.SafeContactForm, "safe-times", CONTACT),
        Page(
            "safe-times",
            TITLE,
            common.SafeTimesForm,
            common.CONTACT_BRANCH,
            CONTACT,
            heading=common.SAFE_TIMES_HEADING,
        ),
        Page("voicemail", TITLE, common.VoicemailForm, "say-police", CONTACT),
        Page("say-police", TITLE, common.SayPoliceForm, "communication", CONTACT),
        Page(
            "communication",
            TITLE,
            common.CommunicationForm,
            common.to_support("domestic_abuse"),
            CONTACT,
        ),
        common.support_page(CONTACT),
        Stop("emergency", _l("Get help now"), "public/stop/emergency.html"),
        Stop("other-force", _l("Apply to another police force"), "public/stop/other_force.html"),
        Stop("under-16", _l("Get help"), "public/stop/under_16.html"),
    ),
)
