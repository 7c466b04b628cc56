"""The force that runs this deployment: its name, areas and contact details.

The default is West Midlands Police. Another force points FORCE_CONFIG at a TOML
file with the same keys (see docs/force.example.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields

# The kinds of specialist support a force may list, and the schemes that offer
# each (a scheme names its kind in portal/journeys: Scheme.support_kind).
SUPPORT_KINDS = ("domestic_abuse", "children")


@dataclass(frozen=True)
class SupportService:
    """A local specialist service the force refers applicants to, with consent."""

    name: str
    kinds: tuple[str, ...] = ("domestic_abuse",)
    about: str = ""  # who it helps, in a few words, shown to the applicant

    @classmethod
    def from_config(cls, item: dict) -> SupportService:
        unknown = set(item) - {"name", "kinds", "about"}
        kinds = tuple(item.get("kinds", ("domestic_abuse",)))
        if unknown or not item.get("name") or not set(kinds) <= set(SUPPORT_KINDS):
            raise ValueError(
                f"A support service needs a name and kinds from {', '.join(SUPPORT_KINDS)}: {item}"
            )
        return cls(name=item["name"], kinds=kinds, about=item.get("about", ""))


# The West Midlands' services: a force lists its own in its configuration.
WEST_MIDLANDS_SUPPORT = (
    SupportService(
        "Birmingham and Solihull Women's Aid", about="For people in Birmingham and Solihull."
    ),
    SupportService(
        "Black Country Women's Aid",
        about="For people in Dudley, Sandwell, Walsall and Wolverhampton.",
    ),
    SupportService("Coventry Haven Women's Aid", about="For people in Coventry."),
    SupportService("Men's Advice Line (Respect)", about="For men, anywhere in the UK."),
    SupportService(
        "NSPCC Helpline",
        kinds=("children",),
        about="For adults worried about a child, anywhere in the UK.",
    ),
)


@dataclass(frozen=True)
class Force:
    name: str = "West Midlands Police"
    area_name: str = "the West Midlands"
    local_authorities: tuple[str, ...] = (
        "Birmingham",
        "Coventry",
        "Dudley",
        "Sandwell",
        "Solihull",
        "Walsall",
        "Wolverhampton",
    )
    website: str = "https://www.westmidlands.police.uk"
    non_emergency_phone: str = "101"
    contact_phone: str = "101"
    contact_hours: str = "24 hours a day, 7 days a week"
    privacy_contact_email: str = "dataprotection@westmidlands.police.uk"
    postal_address: str = "Lloyd House, Colmore Circus Queensway, Birmingham B4 6NQ"
    exit_url: str = "https://www.bbc.co.uk/weather"
    find_force_url: str = "https://www.police.uk/pu/find-a-police-force/"
    triage_hours: int = 24
    contact_working_days: int = 10
    # The clocks while a case waits (portal/casework/clocks.py), in calendar days.
    update_every_days: int = 7  # an update to the applicant, after the last contact
    review_every_days: int = 7  # a review of the risk, after triage or the last review
    plan_days_before_completion: int = 7  # a safeguarding plan, this long before completion
    # Enquiries to other forces: a reply is due this many working days after an
    # enquiry is sent, and after each chase.
    enquiry_reply_working_days: int = 10
    enquiry_chase_working_days: int = 5
    # Specialist services the public forms offer to put applicants in touch with.
    support_services: tuple[SupportService, ...] = WEST_MIDLANDS_SUPPORT
    extra: dict = field(default_factory=dict)

    def services_for(self, kind: str) -> tuple[SupportService, ...]:
        return tuple(service for service in self.support_services if kind in service.kinds)

    @property
    def area_slugs(self) -> dict[str, str]:
        return {slugify(name): name for name in self.local_authorities}


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def load_force(path: str | None) -> Force:
    if not path:
        return Force()
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    known = {f.name for f in fields(Force)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(
            f"Unknown keys in force configuration {path}: {', '.join(sorted(unknown))}"
        )
    if "local_authorities" in data:
        data["local_authorities"] = tuple(data["local_authorities"])
    if "support_services" in data:
        data["support_services"] = tuple(
            SupportService.from_config(item) for item in data["support_services"]
        )
    return Force(**data)


def current_force() -> Force:
    from flask import current_app

    return current_app.extensions["force"]
