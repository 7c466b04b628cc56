"""Question forms that more than one scheme asks, and their shared choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.force import current_force

from .engine import CHECK, Page, answer, branch, when
from .fields import (
    ChoiceAnswer,
    DateAnswer,
    EmailAnswer,
    MultiChoiceAnswer,
    PhoneAnswer,
    PostcodeAnswer,
    TextAreaAnswer,
    TextField,
)
from .forms import QuestionForm

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
YES_NO_NOT_SURE = [("yes", _l("Yes")), ("no", _l("No")), ("not_sure", _l("Not sure"))]


class ApplicantNameForm(QuestionForm):
    full_name = TextField(
        _l("What is your full name?"),
        short=_l("Your full name"),
        required=_l("Enter your full name"),
        max_length=100,
        params={"autocomplete": "name", "spellcheck": False},
    )


class ApplicantDateOfBirthForm(QuestionForm):
    date_of_birth = DateAnswer(
        _l("What is your date of birth?"),
        short=_l("Your date of birth"),
        required=_l("Enter your date of birth"),
        hint=_l("For example, 27 3 1990"),
        bday=True,
    )


class AddressForm(QuestionForm):
    line_1 = TextField(
        _l("Address line 1"),
        short=_l("Address line 1"),
        required=_l("Enter address line 1, typically the building and street"),
        max_length=100,
        params={"autocomplete": "address-line1"},
    )
    line_2 = TextField(
        _l("Address line 2 (optional)"),
        short=_l("Address line 2"),
        max_length=100,
        params={"autocomplete": "address-line2"},
    )
    town = TextField(
        _l("Town or city"),
        short=_l("Town or city"),
        required=_l("Enter town or city"),
        max_length=60,
        params={"autocomplete": "address-level2", "classes": "govuk-!-width-two-thirds"},
    )
    postcode = PostcodeAnswer(_l("Postcode"), short=_l("Postcode"), required=_l("Enter postcode"))

    def summary(self, stored: dict) -> list[tuple]:
        lines = [stored.get(name) for name in ("line_1", "line_2", "town", "postcode")]
        return [(_l("Your address"), "\n".join(line for line in lines if line))]


CONTACT_CHANNELS = [
    ("phone", _l("Phone call")),
    ("text", _l("Text message")),
    ("email", _l("Email")),
    ("letter", _l("Letter")),
    ("support_worker", _l("Through a support worker")),
    ("in_person", _l("In person")),
]


class SafeContactForm(QuestionForm):
    reveals = {
        "channels": {
            "phone": ("phone",),
            "text": ("mobile",),
            "email": ("email",),
            "letter": ("letter_address",),
            "support_worker": ("support_worker",),
        }
    }

    channels = MultiChoiceAnswer(
        _l("How can we contact you safely?"),
        short=_l("Safe ways to contact you"),
        choices=CONTACT_CHANNELS,
        hint=_l(
            "Select all the ways that are safe. We will only contact you in the ways you choose."
        ),
        required=_l("Select at least one safe way to contact you"),
    )
    phone = PhoneAnswer(
        _l("Phone number we can call safely"),
        short=_l("Phone number"),
        required=_l("Enter a phone number we can call safely"),
    )
    mobile = PhoneAnswer(
        _l("Mobile number we can text safely"),
        short=_l("Mobile number"),
        required=_l("Enter a mobile number we can text safely"),
    )
    email = EmailAnswer(
        _l("Email address that is safe to use"),
        short=_l("Email address"),
        required=_l("Enter an email address that is safe to use"),
    )
    letter_address = TextAreaAnswer(
        _l("Address we can write to safely"),
        short=_l("Address for letters"),
        required=_l("Enter an address we can write to safely"),
        max_length=300,
        hint=_l("This can be your home address if letters there are safe."),
        params={"rows": 3, "autocomplete": "street-address"},
    )
    support_worker = TextAreaAnswer(
        _l("Your support worker's name, organisation, and phone number or email"),
        short=_l("Support worker"),
        max_length=500,
        params={"rows": 3},
        required=_l("Enter your support worker's name, and a phone number or email"),
    )


SAFE_DAYS = [
    ("monday", _l("Monday")),
    ("tuesday", _l("Tuesday")),
    ("wednesday", _l("Wednesday")),
    ("thursday", _l("Thursday")),
    ("friday", _l("Friday")),
    ("saturday", _l("Saturday")),
    ("sunday", _l("Sunday")),
]
SAFE_PERIODS = [
    ("morning", _l("Morning, 8am to midday")),
    ("afternoon", _l("Afternoon, midday to 5pm")),
    ("evening", _l("Evening, 5pm to 9pm")),
    ("night", _l("Night, 9pm to 8am")),
]
# The hours each period covers, from (inclusive) and to (exclusive), in London
# time; night runs past midnight. Officers' contact attempts are held against them.
PERIOD_HOURS = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 21), "night": (21, 8)}


SAFE_TIMES_HEADING = _l("When is it safe to contact you?")


class SafeTimesForm(QuestionForm):
    safe_days = MultiChoiceAnswer(
        _l("Which days are safe?"),
        short=_l("Safe days"),
        choices=SAFE_DAYS,
        hint=_l("Select all that apply."),
        required=_l("Select the days when it is safe to contact you"),
    )
    safe_periods = MultiChoiceAnswer(
        _l("Which times of day are safe?"),
        short=_l("Safe times of day"),
        choices=SAFE_PERIODS,
        hint=_l("Select all that apply."),
        required=_l("Select the times of day when it is safe to contact you"),
    )
    safe_times = TextAreaAnswer(
        _l("Is there anything else we should know about when it is safe? (optional)"),
        short=_l("More about safe times"),
        max_length=500,
        hint=_l("For example, not during school holidays, or only after 10am on Mondays."),
        params={"rows": 3},
    )


class VoicemailForm(QuestionForm):
    voicemail = ChoiceAnswer(
        _l("Can we leave you a voicemail or a text message?"),
        short=_l("Voicemail or messages"),
        choices=YES_NO,
        required=_l("Select yes if we can leave you a message"),
        hint=_l("Select no if someone else might hear or read it."),
    )


class SayPoliceForm(QuestionForm):
    say_police = ChoiceAnswer(
        _l("Can we say we are the police when we contact you?"),
        short=_l("Can we say we are the police"),
        choices=YES_NO,
        required=_l("Select yes if we can say we are the police"),
        hint=_l(
            "For example, if someone else answers the phone or sees a letter. "
            "If you select no, we will not say who we are."
        ),
    )


COMMUNICATION_NEEDS = [
    ("interpreter", _l("An interpreter for a spoken language")),
    ("bsl", _l("A British Sign Language (BSL) interpreter")),
    ("other", _l("Other help, for example large print or extra time")),
    ("none", _l("No, I do not need help")),
]


class CommunicationForm(QuestionForm):
    reveals = {"needs": {"interpreter": ("language",), "other": ("other_needs",)}}

    needs = MultiChoiceAnswer(
        _l("Do you need any help to communicate with us?"),
        short=_l("Help to communicate"),
        choices=COMMUNICATION_NEEDS,
        hint=_l("Select all that apply."),
        required=_l("Select the help you need, or select 'No, I do not need help'"),
        exclusive="none",
        exclusive_message=_l("Select the help you need, or select 'No, I do not need help'"),
    )
    language = TextField(
        _l("Which language?"),
        short=_l("Language"),
        required=_l("Enter the language you need an interpreter for"),
        max_length=60,
    )
    other_needs = TextAreaAnswer(
        _l("Tell us what would help"),
        short=_l("Other help"),
        required=_l("Tell us what help you need"),
        max_length=500,
        params={"rows": 3},
    )


# Support from a local specialist service, offered in every scheme (only when
# the force lists a service of the scheme's kind): the applicant's consent to
# be put in touch, never required. The officer records the referral (casework).
SUPPORT = "support"


class SupportForm(QuestionForm):
    consent = ChoiceAnswer(
        _l("Would you like us to put you in touch with one of these services? (optional)"),
        short=_l("Put in touch with a support service"),
        choices=[
            ("yes", _l("Yes, you can pass my contact details to the service")),
            ("no", _l("No, thank you")),
            ("already", _l("I already get support from a service")),
        ],
        hint=_l("Your answer does not change how we deal with your application."),
    )


class ReferrerSupportForm(QuestionForm):
    consent = ChoiceAnswer(
        _l(
            "Has the person at risk agreed to be put in touch with one of these services? "
            "(optional)"
        ),
        short=_l("Person at risk agreed to be put in touch with a support service"),
        choices=[
            ("yes", _l("Yes, they agreed")),
            ("no", _l("No, they did not want this")),
            ("already", _l("They already get support from a service")),
            ("not_asked", _l("I have not asked them")),
        ],
        hint=_l("Only say yes if they agreed: we will pass on their contact details."),
    )


def support_offered(kind: str) -> bool:
    return bool(current_force().services_for(kind))


def to_support(kind: str):
    """The support question comes last, before check answers, if the force
    lists a service of this kind."""

    @branch(SUPPORT, CHECK)
    def choose(answers) -> str:
        return SUPPORT if support_offered(kind) else CHECK

    return choose


def support_page(section, form=SupportForm) -> Page:
    return Page(
        SUPPORT,
        _l("Application"),
        form,
        CHECK,
        section,
        heading=_l("Support from a specialist service"),
        hint_html="public/hints/support.html",
    )


def support_consent(answers) -> str | None:
    """The consent as the case and the statistics keep it: "unanswered" when
    the question was asked and skipped; None when it was not asked."""
    if SUPPORT not in answers:
        return None
    return answer(answers, SUPPORT, "consent") or "unanswered"


# Asking how to reach the person at risk, when someone else applies for them:
# the same questions as the applicant's own safe contact, about them.


class ContactAtRiskForm(QuestionForm):
    contact = ChoiceAnswer(
        _l("Is it safe for us to contact the person at risk?"),
        short=_l("Can we contact the person at risk"),
        choices=[
            ("yes", _l("Yes, you can contact them directly")),
            ("through_applicant", _l("No, contact me and I will pass on a message")),
            ("not_sure", _l("I do not know")),
        ],
        hint=_l(
            "We may need to talk to them to keep them safe. Only say yes if contacting "
            "them would not put them in danger."
        ),
        required=_l("Select whether it is safe for us to contact the person at risk"),
    )


class AtRiskSafeContactForm(SafeContactForm):
    channels = MultiChoiceAnswer(
        _l("How can we contact the person at risk safely?"),
        short=_l("Safe ways to contact them"),
        choices=CONTACT_CHANNELS,
        hint=_l(
            "Select all the ways that are safe for them. We will only use the ways you choose."
        ),
        required=_l("Select at least one safe way to contact the person at risk"),
    )
    phone = PhoneAnswer(
        _l("Phone number we can call them on safely"),
        short=_l("Their phone number"),
        required=_l("Enter a phone number we can call them on safely"),
    )
    mobile = PhoneAnswer(
        _l("Mobile number we can text them on safely"),
        short=_l("Their mobile number"),
        required=_l("Enter a mobile number we can text them on safely"),
    )
    email = EmailAnswer(
        _l("Their email address that is safe to use"),
        short=_l("Their email address"),
        required=_l("Enter an email address that is safe to use for them"),
    )
    letter_address = TextAreaAnswer(
        _l("Address we can write to them at safely"),
        short=_l("Their address for letters"),
        required=_l("Enter an address we can write to them at safely"),
        max_length=300,
        params={"rows": 3},
    )
    support_worker = TextAreaAnswer(
        _l("Their support worker's name, organisation, and phone number or email"),
        short=_l("Their support worker"),
        max_length=500,
        params={"rows": 3},
        required=_l("Enter their support worker's name, and a phone number or email"),
    )


AT_RISK_TIMES_HEADING = _l("When is it safe to contact the person at risk?")


class AtRiskSafeTimesForm(SafeTimesForm):
    safe_days = MultiChoiceAnswer(
        _l("Which days are safe?"),
        short=_l("Safe days for them"),
        choices=SAFE_DAYS,
        hint=_l("Select all that apply."),
        required=_l("Select the days when it is safe to contact the person at risk"),
    )
    safe_periods = MultiChoiceAnswer(
        _l("Which times of day are safe?"),
        short=_l("Safe times of day for them"),
        choices=SAFE_PERIODS,
        hint=_l("Select all that apply."),
        required=_l("Select the times of day when it is safe to contact the person at risk"),
    )
    safe_times = TextAreaAnswer(
        _l("Is there anything else we should know about when it is safe for them? (optional)"),
        short=_l("More about safe times for them"),
        max_length=500,
        hint=_l("For example, only when their partner is at work."),
        params={"rows": 3},
    )


class AtRiskVoicemailForm(QuestionForm):
    voicemail = ChoiceAnswer(
        _l("Can we leave the person at risk a voicemail or a text message?"),
        short=_l("Voicemail or messages for them"),
        choices=YES_NO,
        required=_l("Select yes if we can leave them a message"),
        hint=_l("Select no if someone else might hear or read it."),
    )


class AtRiskSayPoliceForm(QuestionForm):
    say_police = ChoiceAnswer(
        _l("Can we say we are the police when we contact the person at risk?"),
        short=_l("Can we say we are the police to them"),
        choices=YES_NO,
        required=_l("Select yes if we can say we are the police to them"),
        hint=_l("If you select no, we will not say who we are."),
    )


class ImmediateDangerForm(QuestionForm):
    danger = ChoiceAnswer(
        _l("Is anyone in immediate danger right now?"),
        short=_l("Immediate danger"),
        choices=YES_NO,
        required=_l("Select yes if anyone is in immediate danger"),
        summary=False,
    )


class AreaForm(QuestionForm):
    area = ChoiceAnswer(
        _l("%(where_question)s"),
        short=_l("%(where_at_risk_lives)s"),
        choices=[],
        required=_l("%(where_error)s"),
        hint=_l("This tells us whether %(force)s is the right police force to ask."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = [(slug, label) for slug, label in current_force().area_slugs.items()]
        self.area.choices = [*areas, ("elsewhere", _l("Somewhere else"))]


class ChildrenForm(QuestionForm):
    reveals = {"children": {"yes": ("details",)}}

    children = ChoiceAnswer(
        _l(
            "Do any children under 18 live with or spend time with %(at_risk)s or the person "
            "you are worried about?"
        ),
        short=_l("Children"),
        choices=YES_NO_NOT_SURE,
        required=_l("Select yes if there are children"),
    )
    details = TextAreaAnswer(
        _l("Tell us about the children (optional)"),
        short=_l("About the children"),
        max_length=1000,
        hint=_l("For example, each child's age and who the child lives with."),
        params={"rows": 3},
    )


def danger_branch(next_slug: str):
    """Someone in immediate danger is told to call 999, not to fill in a form."""
    return when("immediate-danger", "danger", equals="yes", then="emergency", otherwise=next_slug)


def area_branch(next_slug: str):
    """Outside the force's area: the applicant is told which force to ask instead."""
    return when("area", "area", equals="elsewhere", then="other-force", otherwise=next_slug)


# Voicemail is asked only of someone who can be phoned or texted.
CONTACT_BRANCH = when(
    "safe-contact", "channels", includes=("phone", "text"), then="voicemail", otherwise="say-police"
)
AT_RISK_CONTACT_BRANCH = when(
    "at-risk-safe-contact",
    "channels",
    includes=("phone", "text"),
    then="at-risk-voicemail",
    otherwise="at-risk-say-police",
)

# The check answers sections officers are shown as "contact only in these ways".
CONTACT = _l("Contacting you safely")
AT_RISK_CONTACT = _l("Contacting the person at risk safely")
