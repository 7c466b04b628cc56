"""DVDS Right to Know: a professional refers information that someone may be
at risk from a partner, so that police can decide whether to disclose."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.force import current_force

from . import common, subject
from .engine import Page, Scheme, Stop, answer
from .fields import (
    ChoiceAnswer,
    EmailAnswer,
    MultiChoiceAnswer,
    PhoneAnswer,
    PostcodeAnswer,
    TextAreaAnswer,
    TextField,
)
from .forms import QuestionForm
from .subject import previous_addresses


class RoleForm(QuestionForm):
    reveals = {"role": {"other": ("other_role",)}}

    role = ChoiceAnswer(
        _l("What kind of professional are you?"),
        short=_l("Profession"),
        choices=[
            ("idva", _l("Independent domestic violence adviser (IDVA)")),
            ("social_worker", _l("Social worker")),
            ("health", _l("Health, for example a GP, nurse or midwife")),
            ("housing", _l("Housing")),
            ("probation", _l("Probation")),
            ("education", _l("Education, for example a teacher or safeguarding lead")),
            ("other", _l("Other")),
        ],
        required=_l("Select what kind of professional you are"),
    )
    other_role = TextField(
        _l("What is your profession?"),
        short=_l("Your profession"),
        required=_l("Enter your profession"),
        max_length=100,
    )


class ReferrerForm(QuestionForm):
    full_name = TextField(
        _l("Full name"),
        short=_l("Your name"),
        required=_l("Enter your full name"),
        max_length=100,
        params={"autocomplete": "name", "spellcheck": False},
    )
    organisation = TextField(
        _l("Organisation"),
        short=_l("Organisation"),
        required=_l("Enter the name of your organisation"),
        max_length=150,
        params={"autocomplete": "organization"},
    )
    job_title = TextField(
        _l("Job title"),
        short=_l("Job title"),
        required=_l("Enter your job title"),
        max_length=100,
        params={"autocomplete": "organization-title"},
    )
    email = EmailAnswer(
        _l("Work email address"),
        short=_l("Work email address"),
        required=_l("Enter your work email address"),
        hint=_l("We will only use this to contact you about this referral."),
    )
    phone = PhoneAnswer(
        _l("Work phone number"),
        short=_l("Work phone number"),
        required=_l("Enter your work phone number"),
    )


class PersonAtRiskNameForm(QuestionForm):
    full_name = TextField(
        _l("What is the full name of the person at risk?"),
        short=_l("Name of the person at risk"),
        required=_l("Enter the full name of the person at risk"),
        max_length=100,
        params={"spellcheck": False},
    )


class PersonAtRiskAddressForm(QuestionForm):
    address = TextAreaAnswer(
        _l("What is the address of the person at risk?"),
        short=_l("Address of the person at risk"),
        required=_l("Enter the address of the person at risk"),
        max_length=300,
        hint=_l("As much as you know."),
        params={"rows": 3},
    )
    postcode = PostcodeAnswer(_l("Postcode (optional)"), short=_l("Their postcode"))


class AwareForm(QuestionForm):
    aware = ChoiceAnswer(
        _l("Does the person at risk know about this referral?"),
        short=_l("The person at risk knows about the referral"),
        choices=common.YES_NO_NOT_SURE,
        required=_l("Select yes if the person at risk knows about this referral"),
    )


class AtRiskContactForm(QuestionForm):
    safe_contact = TextAreaAnswer(
        _l("How can we contact the person at risk safely? (optional)"),
        short=_l("Safe contact for the person at risk"),
        max_length=1000,
        hint=_l(
            "Tell us the ways and times that are safe, and any that are not. "
            "Leave this empty if you do not know."
        ),
        params={"rows": 4},
    )


RISK_INFORMATION = [
    ("convictions", _l("Convictions or cautions for violence or abuse")),
    ("police_reports", _l("Police call-outs or reports of domestic abuse")),
    ("previous_partners", _l("Abuse of previous partners")),
    ("agency_records", _l("Records held by my organisation")),
    ("disclosed_by_person", _l("Something the person at risk told us")),
    (
        "current_behaviour",
        _l("What the person you are worried about is doing now, such as threats or control"),
    ),
    ("other", _l("Something else")),
]


class RiskInformationForm(QuestionForm):
    categories = MultiChoiceAnswer(
        _l("What kind of information do you have?"),
        short=_l("Kind of information"),
        choices=RISK_INFORMATION,
        hint=_l("Select all that apply."),
        required=_l("Select the kind of information you have"),
    )


class RiskDetailsForm(QuestionForm):
    details = TextAreaAnswer(
        _l("Describe the information"),
        short=_l("The information"),
        required=_l("Describe the information"),
        max_length=5000,
        hint=_l("Include any dates, places and reference numbers you have."),
        params={"rows": 8},
    )


SOURCES = [
    ("my_organisation", _l("My organisation's records")),
    ("police", _l("The police")),
    ("probation", _l("Probation or prison")),
    ("social_care", _l("Children's or adults' social care")),
    ("health", _l("Health services")),
    ("person_at_risk", _l("The person at risk")),
    ("family_or_friends", _l("Family, friends or neighbours")),
    ("other", _l("Somewhere else")),
]


class SourceForm(QuestionForm):
    reveals = {"source": {"other": ("other_source",)}}

    source = ChoiceAnswer(
        _l("Where did the information come from?"),
        short=_l("Source of the information"),
        choices=SOURCES,
        required=_l("Select where the information came from"),
    )
    other_source = TextField(
        _l("Where did it come from?"),
        short=_l("Other source"),
        required=_l("Enter where the information came from"),
        max_length=150,
    )


class RiskLevelForm(QuestionForm):
    risk_level = ChoiceAnswer(
        _l("What is the current level of risk?"),
        short=_l("Risk level"),
        choices=[
            ("high", _l("High")),
            ("medium", _l("Medium")),
            ("standard", _l("Standard")),
            ("not_assessed", _l("Not assessed")),
        ],
        hint=_l("For example, from a DASH risk assessment."),
        required=_l("Select the current level of risk"),
    )


class MaracForm(QuestionForm):
    marac = ChoiceAnswer(
        _l("Has the case been referred to a MARAC?"),
        short=_l("Referred to a MARAC"),
        choices=common.YES_NO_NOT_SURE,
        hint=_l("A multi-agency risk assessment conference."),
        required=_l("Select yes if the case has been referred to a MARAC"),
    )


class UrgencyForm(QuestionForm):
    urgency = ChoiceAnswer(
        _l("How urgent is this referral?"),
        short=_l("Urgency"),
        choices=[
            ("urgent", _l("Urgent: the person may be seriously harmed in the next few days")),
            ("routine", _l("Not urgent")),
        ],
        hint=_l("If anyone is in immediate danger, call 999 now."),
        required=_l("Select how urgent this referral is"),
    )


class LawfulBasisForm(QuestionForm):
    reveals = {"basis": {"other": ("other_basis",)}}

    basis = ChoiceAnswer(
        _l("What is your lawful basis for sharing this information?"),
        short=_l("Lawful basis for sharing"),
        choices=[
            (
                "safeguarding",
                _l("Safeguarding individuals at risk (Data Protection Act 2018, Schedule 8)"),
            ),
            ("crime_prevention", _l("Preventing crime (Crime and Disorder Act 1998, section 115)")),
            ("consent", _l("The person at risk has agreed to the referral")),
            ("other", _l("Another lawful basis")),
        ],
        required=_l("Select your lawful basis for sharing this information"),
    )
    other_basis = TextField(
        _l("What is the lawful basis?"),
        short=_l("Other lawful basis"),
        required=_l("Enter your lawful basis"),
        max_length=200,
    )


def context(answers) -> dict:
    force = current_force()
    return {
        "at_risk": _l("the person at risk"),
        "where_question": _l("Where does the person at risk live?"),
        "where_at_risk_lives": _l("Where the person at risk lives"),
        "where_error": _l("Select where the person at risk lives"),
        "force": force.name,
        "area": force.area_name,
    }


def columns(answers) -> dict:
    area = answer(answers, "area", "area")
    return {
        "local_authority": current_force().area_slugs.get(area),
        "subject_relationship": answer(answers, "relationship", "relationship"),
        "concern_types": answer(answers, "risk-information", "categories") or [],
        "children_involved": answer(answers, "children", "children"),
        "risk_level": answer(answers, "risk-level", "risk_level"),
        "urgency": answer(answers, "urgency", "urgency"),
    }


TITLE = _l("Referral")
REFERRER = _l("About you")
AT_RISK = _l("The person at risk")
SUBJECT = _l("The person you are worried about")
AT_RISK_CONTACT = common.AT_RISK_CONTACT
RISK = _l("The information")
SHARING = _l("Sharing")

SCHEME = Scheme(
    slug="right-to-know",
    code="dvds",
    route="right_to_know",
    name=_l("Clare's Law: refer information as a professional"),
    deadline_days=28,
    first="immediate-danger",
    start_template="public/right_to_know/start.html",
    confirmation_template="public/right_to_know/confirmation.html",
    declaration_template="public/right_to_know/declaration.html",
    context=context,
    applicant_type=lambda answers: "professional",
    columns=columns,
    pages=(
        Page(
            "immediate-danger",
            TITLE,
            common.ImmediateDangerForm,
            common.danger_branch("role"),
            REFERRER,
        ),
        Page("role", TITLE, RoleForm, "referrer", REFERRER),
        Page(
            "referrer", TITLE, ReferrerForm, "person-at-risk", REFERRER, heading=_l("Your details")
        ),
        Page(
            "person-at-risk", TITLE, PersonAtRiskNameForm, "person-at-risk-date-of-birth", AT_RISK
        ),
        Page("person-at-risk-date-of-birth", TITLE, subject.SubjectBirthForm, "area", AT_RISK),
        Page("area", TITLE, common.AreaForm, common.area_branch("person-at-risk-address"), AT_RISK),
        Page("person-at-risk-address", TITLE, PersonAtRiskAddressForm, "aware", AT_RISK),
        Page("aware", TITLE, AwareForm, "person-at-risk-contact", AT_RISK_CONTACT),
        Page("person-at-risk-contact", TITLE, AtRiskContactForm, "subject-name", AT_RISK_CONTACT),
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
        previous_addresses("relationship", SUBJECT),
        Page("relationship", TITLE, subject.RelationshipForm, "risk-information", SUBJECT),
        Page("risk-information", TITLE, RiskInformationForm, "risk-details", RISK),
        Page("risk-details", TITLE, RiskDetailsForm, "source", RISK),
        Page("source", TITLE, SourceForm, "risk-level", RISK),
        Page("risk-level", TITLE, RiskLevelForm, "children", RISK),
        Page("children", TITLE, common.ChildrenForm, "marac", RISK),
        Page("marac", TITLE, MaracForm, "urgency", RISK),
        Page("urgency", TITLE, UrgencyForm, "lawful-basis", SHARING),
        Page("lawful-basis", TITLE, LawfulBasisForm, common.to_support("domestic_abuse"), SHARING),
        common.support_page(AT_RISK, common.ReferrerSupportForm),
        Stop("emergency", _l("Get help now"), "public/stop/emergency.html"),
        Stop("other-force", _l("Refer to another police force"), "public/stop/other_force.html"),
    ),
)
