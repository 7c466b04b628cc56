"""What each stage of a case records: one form a stage, fields that carry their
own messages (as on the public side), kept as structured JSON. Rules that need
the case as well as the form are the stages' own (see stages.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.journeys.common import CONTACT_CHANNELS, YES_NO
from portal.journeys.fields import (
    ChoiceAnswer,
    DateAnswer,
    TextAreaAnswer,
    TextField,
    TimeAnswer,
    WholeNumberAnswer,
)
from portal.journeys.forms import QuestionForm

from .outcomes import LATE_CATEGORIES, OUTCOMES, RISK_LEVELS

YES_PARTLY_NO = [("yes", _l("Yes")), ("partly", _l("Partly")), ("no", _l("No"))]


def reason(label, required, short=None):
    return TextAreaAnswer(
        label, short=short or _l("Reason"), required=required, max_length=2000, params={"rows": 3}
    )


def when(label, short, required):
    return DateAnswer(
        label,
        short=short,
        required=required,
        past=False,
        not_future=True,
        hint=_l("For example, 27 3 2026"),
    )


class LateForm(QuestionForm):
    """Forms whose stage has a statutory deadline: recording it late needs a
    justification (a departure from the guidance, which is reported). The
    field is asked only when the deadline has passed (see stages.LATE)."""

    late_category = ChoiceAnswer(
        _l("Which best describes why the deadline was missed?"),
        short=_l("Deadline missed because"),
        choices=LATE_CATEGORIES,
    )  # required when the deadline has passed: the rule (stages.LATE) says so
    late_reason = TextAreaAnswer(
        _l("Why was the deadline missed?"),
        short=_l("Why the deadline was missed"),
        max_length=2000,
        hint=_l("This is recorded as a departure from the statutory guidance."),
        params={"rows": 3},
    )


class TriageForm(LateForm):
    reveals = {
        "immediate_risk": {"yes": ("risk_action",)},
        "decision": {"duplicate": ("duplicate_reference",), "transferred": ("force",)},
    }

    immediate_risk = ChoiceAnswer(
        _l("Is anyone at immediate risk?"),
        short=_l("Immediate risk"),
        choices=YES_NO,
        required=_l("Select yes if anyone is at immediate risk"),
    )
    risk_action = TextAreaAnswer(
        _l("What action was taken?"),
        short=_l("Action taken"),
        required=_l("Enter the action taken"),
        max_length=2000,
        params={"rows": 3},
    )
    risk = ChoiceAnswer(
        _l("What is the risk to the person at risk now?"),
        short=_l("Risk"),
        choices=RISK_LEVELS,
        hint=_l("For example, from a DASH risk assessment. The queue shows it."),
        required=_l("Select the risk to the person at risk"),
    )
    in_scope = ChoiceAnswer(
        _l("Is it within the scope of the scheme?"),
        short=_l("In scope"),
        choices=YES_NO,
        required=_l("Select yes if it is within scope"),
    )
    identifies_subject = ChoiceAnswer(
        _l("Is there enough to identify the subject?"),
        short=_l("Enough to identify the subject"),
        choices=YES_PARTLY_NO,
        required=_l("Select whether there is enough to identify the subject"),
    )
    right_scheme = ChoiceAnswer(
        _l("Did the applicant choose the right scheme?"),
        short=_l("Right scheme"),
        choices=YES_NO,
        required=_l("Select yes if it is the right scheme"),
    )
    crime_report = ChoiceAnswer(
        _l("Should it have been reported as a crime?"),
        short=_l("Should have been a crime report"),
        choices=YES_NO,
        required=_l("Select yes if it should have been a crime report"),
    )
    decision = ChoiceAnswer(
        _l("Triage decision"),
        short=_l("Decision"),
        choices=[
            ("proceed", _l("Proceed")),
            ("duplicate", _l("Duplicate of another case")),
            ("transferred", _l("Transfer to another force")),
            ("not_in_scope", _l("Not in scope")),
            ("withdrawn", _l("Withdrawn by the applicant")),
            ("misuse", _l("Suspected misuse of the scheme")),
        ],
        required=_l("Select a triage decision"),
    )
    duplicate_reference = TextField(
        _l("Reference of the existing case"),
        short=_l("Duplicate of"),
        required=_l("Enter the reference of the existing case"),
        max_length=8,
        params={"classes": "govuk-input--width-10"},
    )
    force = TextField(
        _l("Which force?"),
        short=_l("Transferred to"),
        required=_l("Enter the force it is transferred to"),
        max_length=100,
    )
    reason = reason(_l("Reason (needed unless the decision is to proceed)"), None)

    def check(self, active: set[str]) -> bool:
        if self.decision.data not in (None, "proceed") and not self.reason.data:
            self.reason.errors.append(str(_l("Enter the reason for the decision")))
            return False
        return True


CONTACT_PURPOSES = [
    ("contact", _l("About the application")),
    ("update", _l("An update on how the application is going")),
]


CONTACT_PEOPLE = [
    ("applicant", _l("The applicant")),
    ("at_risk", _l("The person at risk")),
]


class ContactForm(LateForm):
    # Asked only where someone applied for the person at risk (stages.py).
    person = ChoiceAnswer(
        _l("Who did you try to contact?"),
        short=_l("Who"),
        choices=CONTACT_PEOPLE,
        hint=_l(
            "Only a contact that reaches the applicant counts as the first contact and "
            "restarts the update clock."
        ),
        required=_l("Select who you tried to contact"),
    )
    purpose = ChoiceAnswer(
        _l("What was the contact for?"),
        short=_l("Purpose"),
        choices=CONTACT_PURPOSES,
        hint=_l("An update that reaches the applicant restarts the update clock."),
        required=_l("Select what the contact was for"),
    )
    contacted_on = when(_l("Date of the attempt"), _l("Date"), _l("Enter the date of the attempt"))
    contacted_time = TimeAnswer(
        _l("Time of the attempt"),
        short=_l("Time"),
        required=_l("Enter the time of the attempt"),
        invalid=_l("Enter the time of the attempt like 9:30am or 14:30"),
        hint=_l("For example, 9:30am or 14:30"),
    )
    channel = ChoiceAnswer(
        _l("How did you try to contact them?"),
        short=_l("Channel"),
        choices=CONTACT_CHANNELS,
        required=_l("Select how you tried to contact them"),
    )
    result = ChoiceAnswer(
        _l("Result"),
        short=_l("Result"),
        choices=[
            ("reached", _l("Spoke to the applicant")),
            ("no_answer", _l("No answer")),
            ("unsafe", _l("Not safe to talk")),
            ("message_left", _l("Message left")),
        ],
        required=_l("Select the result"),
    )
    police_named = ChoiceAnswer(
        _l("Did you say it was the police?"),
        short=_l("Said it was the police"),
        choices=YES_NO,
        required=_l("Select yes if you said it was the police"),
    )
    new_information = ChoiceAnswer(
        _l("Did you learn anything new about the risk?"),
        short=_l("New information about the risk"),
        choices=YES_NO,
        hint=_l("If yes, a review of the risk is due now."),
    )
    override_reason = TextAreaAnswer(
        _l("If this went outside what the applicant said is safe, why?"),
        short=_l("Why it went outside what the applicant said is safe"),
        max_length=1000,
        hint=_l(
            "Only if you had to, for example because someone was at immediate risk. "
            "This is reported as a departure from the applicant's safe contact."
        ),
        params={"rows": 3},
    )


class IdentityForm(QuestionForm):
    document_1 = TextField(
        _l("First document seen"),
        short=_l("First document"),
        required=_l("Enter the first document seen"),
        max_length=100,
    )
    document_2 = TextField(
        _l("Second document seen"),
        short=_l("Second document"),
        required=_l("Enter the second document seen"),
        max_length=100,
    )
    photographic = ChoiceAnswer(
        _l("Was one of them photographic?"),
        short=_l("Photographic"),
        choices=YES_NO,
        required=_l("Select yes if one was photographic"),
    )
    verified_by = TextField(
        _l("Verified by"),
        short=_l("Verified by"),
        required=_l("Enter who verified the documents"),
        max_length=100,
    )
    met_on = when(
        _l("Date of the meeting"), _l("Meeting date"), _l("Enter the date of the meeting")
    )

    def check(self, active: set[str]) -> bool:
        if self.photographic.data == "no":
            self.photographic.errors.append(
                str(_l("Identity needs 2 documents, one with a photo: record this when it is seen"))
            )
            return False
        return True


SYSTEMS = [
    ("pnc", _l("Police National Computer (PNC)")),
    ("pnd", _l("Police National Database (PND)")),
    ("local", _l("Local police systems")),
    ("prison", _l("Prison service")),
    ("probation", _l("Probation")),
    ("childrens_social_care", _l("Children's social care")),
    ("adult_social_care", _l("Adult social care")),
]


class CheckForm(QuestionForm):
    system = ChoiceAnswer(
        _l("Which check?"), short=_l("Check"), choices=SYSTEMS, required=_l("Select which check")
    )
    result = ChoiceAnswer(
        _l("Result"),
        short=_l("Result"),
        choices=[
            ("relevant", _l("Relevant information held")),
            ("nothing", _l("Nothing relevant held")),
            ("awaiting", _l("Awaiting a reply")),
        ],
        required=_l("Select the result"),
    )
    findings = TextAreaAnswer(
        _l("Findings"), short=_l("Findings"), max_length=5000, params={"rows": 4}
    )


class DecisionForm(QuestionForm):
    reveals = {"disclose": {"yes": ("what", "to_whom", "delivered_by", "subject_told")}}

    forum_on = when(_l("Date of the forum"), _l("Forum date"), _l("Enter the date of the forum"))
    forum = ChoiceAnswer(
        _l("Forum"),
        short=_l("Forum"),
        choices=[("marac", _l("MARAC")), ("dvds_panel", _l("DVDS panel")), ("other", _l("Other"))],
        required=_l("Select the forum"),
    )
    agencies = TextAreaAnswer(
        _l("Agencies present"),
        short=_l("Agencies present"),
        required=_l("Enter the agencies present"),
        max_length=1000,
        params={"rows": 2},
    )
    disclose = ChoiceAnswer(
        _l("Disclose?"), short=_l("Disclose"), choices=YES_NO, required=_l("Select yes to disclose")
    )
    what = TextAreaAnswer(
        _l("What will be disclosed"),
        short=_l("What"),
        required=_l("Enter what will be disclosed"),
        max_length=5000,
        params={"rows": 4},
    )
    to_whom = TextField(
        _l("To whom"),
        short=_l("To whom"),
        required=_l("Enter who it will be disclosed to"),
        max_length=200,
    )
    delivered_by = TextField(
        _l("Who will deliver it"),
        short=_l("Delivered by"),
        required=_l("Enter who will deliver it"),
        max_length=200,
    )
    subject_told = ChoiceAnswer(
        _l("Will the subject be told?"),
        short=_l("Subject told"),
        choices=YES_NO,
        required=_l("Select yes if the subject will be told"),
    )
    safeguarding = TextAreaAnswer(
        _l("Extra safeguarding (optional)"),
        short=_l("Safeguarding"),
        max_length=2000,
        params={"rows": 3},
    )
    rationale = reason(
        _l("Rationale"), _l("Enter the rationale for the decision"), short=_l("Rationale")
    )
    checks_override_reason = TextAreaAnswer(
        _l("Some checks are still awaiting a reply: why decide now?"),
        short=_l("Why decided before every check replied"),
        max_length=2000,
        hint=_l("This is reported as a departure from the statutory guidance."),
        params={"rows": 3},
    )


class SignOffForm(QuestionForm):
    reveals = {"verdict": {"approve": ("comment",), "return": ("return_reason",)}}

    verdict = ChoiceAnswer(
        _l("Your decision"),
        short=_l("Sign-off"),
        choices=[("approve", _l("Approve")), ("return", _l("Return to the officer"))],
        required=_l("Select approve or return to the officer"),
    )
    comment = TextAreaAnswer(
        _l("Comment (optional)"), short=_l("Comment"), max_length=2000, params={"rows": 3}
    )
    return_reason = TextAreaAnswer(
        _l("What needs to change?"),
        short=_l("Returned because"),
        required=_l("Enter what needs to change before you can approve it"),
        max_length=2000,
        hint=_l("The officer sees this on the case and in their queue."),
        params={"rows": 3},
    )


class DisclosureForm(QuestionForm):
    reveals = {"safety_plan": {"yes": ("safety_plan_details",)}}

    disclosed_on = when(
        _l("Date of the disclosure"), _l("Date"), _l("Enter the date of the disclosure")
    )
    to_whom = TextField(
        _l("Disclosed to"),
        short=_l("To whom"),
        required=_l("Enter who it was disclosed to"),
        max_length=200,
    )
    by_whom = TextField(
        _l("Disclosed by"),
        short=_l("By whom"),
        required=_l("Enter who made the disclosure"),
        max_length=200,
    )
    in_person = ChoiceAnswer(
        _l("Was it made in person?"),
        short=_l("In person"),
        choices=YES_NO,
        required=_l("Select yes if it was made in person"),
    )
    undertaking = ChoiceAnswer(
        _l("Confidentiality undertaking"),
        short=_l("Undertaking"),
        choices=[("signed", _l("Signed")), ("refused", _l("Refused"))],
        required=_l("Select whether the undertaking was signed"),
    )
    safety_plan = ChoiceAnswer(
        _l("Is there a safety plan?"),
        short=_l("Safety plan"),
        choices=YES_NO,
        required=_l("Select yes if there is a safety plan"),
    )
    safety_plan_details = TextAreaAnswer(
        _l("Safety plan"),
        short=_l("Safety plan details"),
        required=_l("Enter the safety plan"),
        max_length=3000,
        params={"rows": 3},
    )
    referred_to_support = ChoiceAnswer(
        _l("Referred to support, for example an IDVA?"),
        short=_l("Referred to support"),
        choices=YES_NO,
        required=_l("Select yes if referred to support"),
    )

    def check(self, active: set[str]) -> bool:
        if self.in_person.data == "no":
            self.in_person.errors.append(
                str(_l("Disclosures are made in person: record it when it has been made in person"))
            )
            return False
        return True


class ClosureForm(LateForm):
    outcome = ChoiceAnswer(
        _l("Outcome"), short=_l("Outcome"), choices=OUTCOMES, required=_l("Select an outcome")
    )


class NoteForm(QuestionForm):
    note = TextAreaAnswer(
        _l("Note"),
        short=_l("Note"),
        required=_l("Enter a note"),
        max_length=5000,
        params={"rows": 4},
    )


class ReopenForm(QuestionForm):
    reason = reason(
        _l("Why is the case being reopened?"), _l("Enter why the case is being reopened")
    )


class ReviewForm(QuestionForm):
    """A review of the risk: its level now, and what it rests on."""

    risk = ChoiceAnswer(
        _l("What is the risk to the person at risk now?"),
        short=_l("Risk"),
        choices=RISK_LEVELS,
        hint=_l("For example, from a new DASH risk assessment. The queue shows it at once."),
        required=_l("Select the risk to the person at risk"),
    )
    basis = TextAreaAnswer(
        _l("What is this based on?"),
        short=_l("Based on"),
        hint=_l("What has changed since the last review, or why nothing has."),
        required=_l("Enter what the review is based on"),
        max_length=2000,
        params={"rows": 3},
    )


class MaracForm(QuestionForm):
    """A referral to the multi-agency risk assessment conference."""

    referred_on = when(
        _l("Date of the referral"), _l("Referred on"), _l("Enter the date of the referral")
    )
    marac_reference = TextField(
        _l("MARAC reference (if there is one)"), short=_l("MARAC reference"), max_length=40
    )


class PlanForm(QuestionForm):
    """The communication and safeguarding plan for a case that may miss its
    completion date (the IOPC's recommendation, 2025)."""

    told = TextAreaAnswer(
        _l("What is the applicant told, and how?"),
        short=_l("What the applicant is told"),
        hint=_l("For example, why it is taking longer and when they will hear next."),
        required=_l("Enter what the applicant is told"),
        max_length=2000,
        params={"rows": 3},
    )
    every_days = WholeNumberAnswer(
        _l("How often will they be updated, in days?"),
        short=_l("Updated every (days)"),
        hint=_l("The update clock follows this from the last contact."),
        required=_l("Enter how often they will be updated"),
        minimum=1,
        maximum=28,
        number_message=_l("How often must be a number of days, like 7"),
        range_message=_l("How often must be between 1 and 28 days"),
    )
    safeguarding = TextAreaAnswer(
        _l("What interim safeguarding is in place?"),
        short=_l("Interim safeguarding"),
        hint=_l("For example, a referral, a marker on the address, or a safety plan."),
        required=_l("Enter the interim safeguarding in place"),
        max_length=2000,
        params={"rows": 3},
    )


ENQUIRY_ACTIONS = [
    ("sent", _l("Enquiry sent")),
    ("chased", _l("Chased for a reply")),
    ("replied", _l("Reply received")),
    ("dismissed", _l("Not needed: dismiss the suggestion")),
]
# The date each action was taken on, by the field that holds it.
ENQUIRY_DATES = {"sent": "sent_on", "chased": "chased_on", "replied": "replied_on"}


class EnquiryForm(QuestionForm):
    """An enquiry to another force about the subject (see enquiries.py)."""

    reveals = {
        "action": {
            "sent": ("sent_on", "about"),
            "chased": ("chased_on",),
            "replied": ("replied_on", "result", "findings"),
            "dismissed": ("reason",),
        }
    }

    force = ChoiceAnswer(
        _l("Which force?"), short=_l("Force"), choices=[], required=_l("Select the force")
    )
    action = ChoiceAnswer(
        _l("What happened?"),
        short=_l("Enquiry"),
        choices=ENQUIRY_ACTIONS,
        required=_l("Select what happened"),
    )
    sent_on = when(_l("Date sent"), _l("Sent"), _l("Enter the date the enquiry was sent"))
    about = TextAreaAnswer(
        _l("What was asked, and about which address (optional)"),
        short=_l("Asked about"),
        max_length=2000,
        params={"rows": 3},
    )
    chased_on = when(_l("Date chased"), _l("Chased"), _l("Enter the date it was chased"))
    replied_on = when(
        _l("Date the reply came"), _l("Reply received"), _l("Enter the date the reply came")
    )
    result = ChoiceAnswer(
        _l("Result"),
        short=_l("Result"),
        choices=[
            ("relevant", _l("Relevant information held")),
            ("nothing", _l("Nothing relevant held")),
        ],
        hint=_l("Relevant information brings the review of the risk forward to now."),
        required=_l("Select the result"),
    )
    findings = TextAreaAnswer(
        _l("Findings"), short=_l("Findings"), max_length=5000, params={"rows": 4}
    )
    reason = reason(
        _l("Why is no enquiry needed?"),
        _l("Enter why no enquiry to this force is needed"),
        short=_l("Why not needed"),
    )

    def __init__(self, *args, **kwargs):
        from .enquiries import other_forces

        super().__init__(*args, **kwargs)
        self.force.choices = [(name, name) for name in other_forces()]


class SupportReferralForm(QuestionForm):
    """Putting the applicant (or the person at risk) in touch with a specialist
    service, with their consent."""

    reveals = {
        "outcome": {"referred": ("service", "referred_on", "consent"), "not_referred": ("reason",)}
    }

    outcome = ChoiceAnswer(
        _l("Referral to a support service"),
        short=_l("Referral"),
        choices=[("referred", _l("Referred")), ("not_referred", _l("Not referred"))],
        required=_l("Select whether a referral was made"),
    )
    service = ChoiceAnswer(
        _l("Which service?"), short=_l("Service"), choices=[], required=_l("Select the service")
    )
    referred_on = when(_l("Date referred"), _l("Referred"), _l("Enter the date of the referral"))
    consent = ChoiceAnswer(
        _l("How was consent given?"),
        short=_l("Consent"),
        choices=[
            ("application", _l("On the application")),
            ("officer", _l("To an officer since")),
        ],
        required=_l("Select how consent was given"),
    )
    reason = reason(
        _l("Why was no referral made?"),
        _l("Enter why no referral was made"),
        short=_l("Why not referred"),
    )

    def __init__(self, *args, **kwargs):
        from portal.force import current_force

        super().__init__(*args, **kwargs)
        self.service.choices = [(s.name, s.name) for s in current_force().support_services]
