"""The invented people of the cases to work, and the answers they give: posted
page by page to each scheme's own forms, following its branches, as the
public journey stores them. Plainly fictional: names made from a short list
of made-up surnames, postcodes in the area "ZZ" (which no place has), phone
numbers from the range Ofcom keeps for drama (07700 900xxx) and e-mail at
example.com."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.force import current_force
from portal.journeys.engine import CHECK, Collection, Page
from portal.journeys.registry import SCHEMES

from .history import form_answers

FIRST_NAMES = (
    "Avery",
    "Blake",
    "Casey",
    "Dana",
    "Ellis",
    "Frankie",
    "Harper",
    "Jordan",
    "Kendall",
    "Logan",
    "Morgan",
    "Quinn",
    "Reese",
    "Rowan",
    "Sasha",
    "Taylor",
)
SURNAMES = (
    "Demoford",
    "Sampleton",
    "Mockridge",
    "Fableby",
    "Inventwell",
    "Storyfield",
    "Pretendale",
    "Madeupson",
    "Nonesuch",
    "Testwood",
    "Examplar",
)
LETTERS = "ABDEFGHJLNPQRSTUWXY"  # those a postcode's last two may be


@dataclass(frozen=True)
class Person:
    first: str
    surname: str
    born: date
    postcode: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"

    def born_posted(self, field: str = "date_of_birth") -> dict:
        return {
            f"{field}-day": str(self.born.day),
            f"{field}-month": str(self.born.month),
            f"{field}-year": str(self.born.year),
        }

    @property
    def email(self) -> str:
        return f"{self.first}.{self.surname}@example.com".lower()


def person(number: int) -> Person:
    """The same invented person for the same number."""
    return Person(
        first=FIRST_NAMES[number % len(FIRST_NAMES)],
        surname=SURNAMES[(number * 5 + number // len(FIRST_NAMES)) % len(SURNAMES)],
        born=date(1962 + (number * 7) % 38, 1 + (number * 5) % 12, 1 + (number * 11) % 28),
        postcode=f"ZZ{1 + number % 9} {number % 10}"
        f"{LETTERS[number % len(LETTERS)]}{LETTERS[(number // 3) % len(LETTERS)]}",
    )


@dataclass(frozen=True)
class Cast:
    """Who is in one case: the applicant (or the referrer), the person at
    risk (the applicant, when applying for themselves; a child, under Sarah's
    Law) and the subject."""

    number: int
    applicant: Person
    at_risk: Person
    subject: Person
    area: str  # one of the force's areas (its slug)

    @property
    def town(self) -> str:
        return current_force().area_slugs[self.area]

    def phone(self, who: int = 0) -> str:
        return f"07700 900{(self.number * 3 + who) % 1000:03d}"


def cast(number: int) -> Cast:
    areas = list(current_force().area_slugs)
    return Cast(
        number,
        person(3 * number),
        person(3 * number + 1),
        person(3 * number + 2),
        areas[number % len(areas)],
    )


def subject_pages(people: Cast) -> dict:
    subject = people.subject
    return {
        "subject-name": {"full_name": subject.name, "other_names": ""},
        "subject-date-of-birth": {"known": "date", **subject.born_posted()},
        "subject-address": {
            "known": "yes",
            "address": f"{10 + people.number} Example Road\n{people.town}",
            "postcode": subject.postcode,
        },
        "previous-addresses": {"items": [], "more": "no"},
        "subject-description": {"description": "Tall, short dark hair, drives a blue van."},
    }


def applicant_pages(people: Cast) -> dict:
    applicant = people.applicant
    return {
        "your-name": {"full_name": applicant.name},
        "your-date-of-birth": applicant.born_posted(),
        "your-address": {
            "line_1": f"{1 + people.number} Sample Street",
            "town": people.town,
            "postcode": applicant.postcode,
        },
    }


def safe_contact_pages(people: Cast, prefix: str = "") -> dict:
    """Safe to call on weekdays in the morning or afternoon, or to meet; no
    messages; the police may not be named."""
    return {
        f"{prefix}safe-contact": {"channels": ["phone", "in_person"], "phone": people.phone(1)},
        f"{prefix}safe-times": {
            "safe_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "safe_periods": ["morning", "afternoon"],
        },
        f"{prefix}voicemail": {"voicemail": "no"},
        f"{prefix}say-police": {"say_police": "no"},
    }


def concern_pages() -> dict:
    return {
        "relationship": {"relationship": "partner"},
        "living": {"living": "together"},
        "concerns": {"concerns": ["threats", "controlling_behaviour"]},
        "concern-details": {"details": "Checks my phone and who I talk to. Has made threats."},
        "children": {"children": "no"},
        "communication": {"needs": ["none"]},
        "support": {"consent": "yes"},
    }


def right_to_ask_self(people: Cast) -> dict:
    return {
        "immediate-danger": {"danger": "no"},
        "who-for": {"who": "myself"},
        "area": {"area": people.area},
        **applicant_pages(people),
        **subject_pages(people),
        **concern_pages(),
        **safe_contact_pages(people),
    }


def right_to_ask_other(people: Cast) -> dict:
    """A parent asking for their grown-up child, who may be contacted directly."""
    return {
        "immediate-danger": {"danger": "no"},
        "who-for": {"who": "someone_else"},
        "person-at-risk": {"full_name": people.at_risk.name, "age": "26"},
        "relationship-to-person": {"relationship": "parent"},
        "area": {"area": people.area},
        "person-knows": {"knows": "yes"},
        "contact-at-risk": {"contact": "yes"},
        **safe_contact_pages(people, prefix="at-risk-"),
        **applicant_pages(people),
        **subject_pages(people),
        **concern_pages(),
        "living": {"living": "in_contact"},
        "relationship": {"relationship": "ex_partner"},
        **safe_contact_pages(people),
    }


def right_to_know(people: Cast, risk: str) -> dict:
    """A referral by an independent domestic violence adviser."""
    at_risk = people.at_risk
    return {
        "immediate-danger": {"danger": "no"},
        "role": {"role": "idva"},
        "referrer": {
            "full_name": people.applicant.name,
            "organisation": "Example Domestic Abuse Service",
            "job_title": "IDVA",
            "email": people.applicant.email,
            "phone": people.phone(),
        },
        "person-at-risk": {"full_name": at_risk.name},
        "person-at-risk-date-of-birth": {"known": "date", **at_risk.born_posted()},
        "area": {"area": people.area},
        "person-at-risk-address": {
            "address": f"{20 + people.number} Placeholder Lane\n{people.town}",
            "postcode": at_risk.postcode,
        },
        "aware": {"aware": "yes"},
        "person-at-risk-contact": {"safe_contact": "Through me, on weekday mornings."},
        **subject_pages(people),
        "relationship": {"relationship": "partner"},
        "risk-information": {"categories": ["police_reports", "previous_partners"]},
        "risk-details": {"details": "Two call-outs this year; a previous partner was assaulted."},
        "source": {"source": "police"},
        "risk-level": {"risk_level": risk},
        "children": {"children": "no"},
        "marac": {"marac": "yes" if risk == "high" else "no"},
        "urgency": {"urgency": "urgent" if risk == "high" else "routine"},
        "lawful-basis": {"basis": "safeguarding"},
        "support": {"consent": "not_asked"},
    }


def sarahs_law(people: Cast) -> dict:
    """A parent asking about their new partner's contact with their child."""
    child = {"name": f"{people.at_risk.first} {people.applicant.surname}", "age": "7"}
    return {
        "immediate-danger": {"danger": "no"},
        "children": {"items": [child | {"relationship": "parent"}], "more": "no"},
        "area": {"area": people.area},
        **applicant_pages(people),
        **subject_pages(people),
        "contact-with-child": {"contact": "partner_of_parent"},
        "concern": {"concern": "Keeps offering to babysit and asks about bath times."},
        **safe_contact_pages(people),
        "communication": {"needs": ["none"]},
        "support": {"consent": "yes"},
    }


KINDS = ("right-to-ask", "right-to-know", "right-to-ask", "child-protection")


def application(number: int, risk: str) -> tuple:
    """The scheme and answers of the case with this number."""
    people = cast(number)
    slug = KINDS[number % len(KINDS)]
    if slug == "right-to-know":
        posted = right_to_know(people, risk)
    elif slug == "child-protection":
        posted = sarahs_law(people)
    elif number % 8 == 2:
        posted = right_to_ask_other(people)
    else:
        posted = right_to_ask_self(people)
    scheme = SCHEMES[slug]
    return scheme, journey_answers(scheme, posted)


def journey_answers(scheme, posted: dict) -> dict:
    """Answer the scheme's pages in the order its branches lead, each through
    its own form, to check your answers: what a submission stores."""
    answers: dict = {}
    slug = scheme.first
    while slug != CHECK:
        page = scheme.page(slug)
        if not isinstance(page, Page):
            raise ValueError(f"{scheme.slug}: the demo answers lead to {slug}")
        given, context = posted[slug], scheme.context(answers)
        if isinstance(page, Collection):
            items = [form_answers(page.item_form, item, context=context) for item in given["items"]]
            form_answers(page.form, {"more": "no"}, context=context)
            answers[slug] = {"items": items, "more": "no"}
        else:
            answers[slug] = form_answers(page.form, given, context=context)
        slug = page.next_slug(answers)
    return scheme.answers_on_path(answers)
