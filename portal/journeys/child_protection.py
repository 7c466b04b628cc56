"""The Child Sex Offender Disclosure Scheme ("Sarah's Law"): anyone can ask
whether a person who has contact with a child has convictions for child
sexual offences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.force import current_force

from . import common, subject
from .engine import Collection, Page, Scheme, Stop, answer
from .fields import ChoiceAnswer, TextAreaAnswer, TextField, WholeNumberAnswer
from .forms import QuestionForm

CARERS = {"parent", "step_parent", "carer"}


class ChildForm(QuestionForm):
    reveals = {"relationship": {"other": ("other_relationship",)}}

    name = TextField(
        _l("First name or initials"),
        short=_l("The child's first name or initials"),
        required=_l("Enter the child's first name or initials"),
        max_length=50,
        params={"classes": "govuk-!-width-one-half", "spellcheck": False},
    )
    age = WholeNumberAnswer(
        _l("Age"),
        short=_l("The child's age"),
        required=_l("Enter the child's age"),
        hint=_l("Enter 0 for a baby under 1."),
        minimum=0,
        maximum=17,
        number_message=_l("Enter the child's age as a number, like 7"),
        range_message=_l("The child must be 17 or under"),
    )
    relationship = ChoiceAnswer(
        _l("What is your relationship to the child?"),
        short=_l("Your relationship to the child"),
        choices=[
            ("parent", _l("Parent")),
            ("step_parent", _l("Step-parent")),
            ("carer", _l("Guardian or carer")),
            ("grandparent", _l("Grandparent")),
            ("relative", _l("Another relative")),
            ("other", _l("Something else, for example a neighbour or family friend")),
        ],
        required=_l("Select your relationship to the child"),
    )
    other_relationship = TextField(
        _l("What is your relationship?"),
        short=_l("Relationship"),
        required=_l("Enter your relationship to the child"),
        max_length=100,
    )


class MoreChildrenForm(QuestionForm):
    more = ChoiceAnswer(
        _l("Do you need to add another child?"),
        summary=False,
        choices=common.YES_NO,
        required=_l("Select yes if you need to add another child"),
    )


def describe_child(item: dict) -> str:
    relationship = dict(ChildForm.relationship.kwargs["choices"]).get(item.get("relationship"))
    if item.get("relationship") == "other":
        relationship = item.get("other_relationship")
    return str(
        _l(
            "%(name)s, aged %(age)s (you: %(relationship)s)",
            name=item.get("name"),
            age=item.get("age"),
            relationship=relationship,
        )
    )


class ChildAreaForm(common.AreaForm):
    area = ChoiceAnswer(
        _l("Where do the children live?"),
        short=_l("Where the children live"),
        choices=[],
        required=_l("Select where the children live"),
        hint=_l(
            "If the children live in different places, choose where the child most at risk lives."
        ),
    )


class ContactWithChildForm(QuestionForm):
    reveals = {"contact": {"other": ("other_contact",)}}

    contact = ChoiceAnswer(
        _l("How do they have contact with the children?"),
        short=_l("Their contact with the children"),
        choices=[
            ("lives_with", _l("They live with the children")),
            ("partner_of_parent", _l("They are the partner of a parent or carer")),
            ("family", _l("They are a family member")),
            ("friend_or_neighbour", _l("They are a family friend or neighbour")),
            ("work", _l("They work or volunteer with children")),
            ("online", _l("They are in contact with a child online")),
            ("other", _l("Another way")),
        ],
        required=_l("Select how they have contact with the children"),
    )
    other_contact = TextField(
        _l("How do they have contact?"),
        short=_l("Other contact"),
        required=_l("Enter how they have contact with the children"),
        max_length=200,
    )


class ConcernForm(QuestionForm):
    concern = TextAreaAnswer(
        _l("What has made you worried?"),
        short=_l("What has made you worried"),
        required=_l("Tell us what has made you worried"),
        max_length=5000,
        hint=_l(
            "Tell us what you have seen or heard, and when. You can write as much or as "
            "little as you feel able to."
        ),
        params={"rows": 8},
    )


def context(answers) -> dict:
    force = current_force()
    return {"at_risk": _l("the children"), "force": force.name, "area": force.area_name}


def applicant_type(answers) -> str:
    children = Collection.items(answers, "children")
    return (
        "parent_or_carer"
        if any(c.get("relationship") in CARERS for c in children)
        else ("third_party")
    )


def columns(answers) -> dict:
    area = answer(answers, "area", "area")
    return {
        "local_authority": current_force().area_slugs.get(area),
        "subject_relationship": answer(answers, "contact-with-child", "contact"),
        "children_involved": "yes",
        "contact_channels": answer(answers, "safe-contact", "channels") or [],
        "communication_needs": answer(answers, "communication", "needs") or [],
    }


TITLE = _l("Application")
CHILDREN = _l("The children")
ABOUT_YOU = _l("About you")
SUBJECT = _l("The person you are worried about")
CONCERN = _l("Your concern")
CONTACT = common.CONTACT

SUPPORT_KIND = "children"

SCHEME = Scheme(
    slug="child-protection",
    support_kind=SUPPORT_KIND,
    code="csods",
    route="right_to_ask",
    name=_l("Sarah's Law: ask about someone who has contact with a child"),
    deadline_days=45,
    first="immediate-danger",
    start_template="public/child_protection/start.html",
    confirmation_template="public/child_protection/confirmation.html",
    declaration_template="public/child_protection/declaration.html",
    context=context,
    applicant_type=applicant_type,
    columns=columns,
    pages=(
        Page(
            "immediate-danger",
            TITLE,
            common.ImmediateDangerForm,
            common.danger_branch("children"),
            CHILDREN,
        ),
        Collection(
            "children",
            TITLE,
            MoreChildrenForm,
            "area",
            CHILDREN,
            item_form=ChildForm,
            item_title=_l("Children"),
            item_heading=_l("About the child"),
            item_label=_l("Child %(number)s"),
            added_one=_l("You have told us about %(num)s child"),
            added_many=_l("You have told us about %(num)s children"),
            more_heading=_l("Do you need to add another child?"),
            min_items=1,
            describe=describe_child,
        ),
        Page("area", TITLE, ChildAreaForm, common.area_branch("your-name"), CHILDREN),
        Page("your-name", TITLE, common.ApplicantNameForm, "your-date-of-birth", ABOUT_YOU),
        Page(
            "your-date-of-birth", TITLE, common.ApplicantDateOfBirthForm, "your-address", ABOUT_YOU
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
        Page("subject-address", TITLE, subject.SubjectAddressForm, "subject-description", SUBJECT),
        Page(
            "subject-description",
            TITLE,
            subject.SubjectDescriptionForm,
            "contact-with-child",
            SUBJECT,
        ),
        Page("contact-with-child", TITLE, ContactWithChildForm, "concern", SUBJECT),
        Page("concern", TITLE, ConcernForm, "safe-contact", CONCERN),
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
            common.to_support(SUPPORT_KIND),
            CONTACT,
        ),
        common.support_page(CONTACT),
        Stop("emergency", _l("Get help now"), "public/stop/emergency.html"),
        Stop(
            "other-force", _l("Apply to another police force"), "public/stop/other_force_child.html"
        ),
    ),
)
