"""The force that runs this deployment: its name, areas and contact details.

The default is West Midlands Police. Another force points FORCE_CONFIG at a TOML
file with the same keys (see docs/force.example.toml).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace

# The kinds of specialist support a force may list, and the schemes that offer
# each (a scheme names its kind in portal/journeys: Scheme.support_kind).
SUPPORT_KINDS = ("domestic_abuse", "children")


@dataclass(frozen=True)
class SupportService:
    """A local specialist service the force refers applicants to, with consent."""

    name: str
    kinds: tuple[str, ...] = ("domestic_abuse",)
    about: str = ""  # who it helps, in a few words, shown to the applicant
    # `about` in the other languages of the public pages, by language code.
    about_in: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_config(cls, item: dict) -> SupportService:
        unknown = set(item) - {"name", "kinds", "about", "about_in"}
        kinds = tuple(item.get("kinds", ("domestic_abuse",)))
        if unknown or not item.get("name") or not set(kinds) <= set(SUPPORT_KINDS):
            raise ValueError(
                f"A support service needs a name and kinds from {', '.join(SUPPORT_KINDS)}: {item}"
            )
        about_in = tuple(sorted(dict(item.get("about_in", {})).items()))
        return cls(name=item["name"], kinds=kinds, about=item.get("about", ""), about_in=about_in)

    def in_language(self, code: str) -> SupportService:
        return replace(self, about=dict(self.about_in).get(code, self.about))


# The West Midlands' services: a force lists its own in its configuration.
# Their words in the other languages were made as the public pages' catalogues
# were (docs/translations.md): machine translations that need review by a
# qualified translator.
WEST_MIDLANDS_SUPPORT = (
    SupportService(
        "Birmingham and Solihull Women's Aid",
        about="For people in Birmingham and Solihull.",
        about_in=(
            ("cy", "Ar gyfer pobl yn Birmingham a Solihull."),
            ("pa", "ਬਰਮਿੰਘਮ ਅਤੇ ਸੋਲੀਹਲ ਦੇ ਲੋਕਾਂ ਲਈ।"),
            ("pl", "Dla osób z Birmingham i Solihull."),
            ("ur", "برمنگھم اور سولیہل کے لوگوں کے لیے۔"),
        ),
    ),
    SupportService(
        "Black Country Women's Aid",
        about="For people in Dudley, Sandwell, Walsall and Wolverhampton.",
        about_in=(
            ("cy", "Ar gyfer pobl yn Dudley, Sandwell, Walsall a Wolverhampton."),
            ("pa", "ਡਡਲੀ, ਸੈਂਡਵੈੱਲ, ਵਾਲਸਾਲ ਅਤੇ ਵੁਲਵਰਹੈਂਪਟਨ ਦੇ ਲੋਕਾਂ ਲਈ।"),
            ("pl", "Dla osób z Dudley, Sandwell, Walsall i Wolverhampton."),
            ("ur", "ڈڈلی، سینڈویل، والسال اور وولورہیمپٹن کے لوگوں کے لیے۔"),
        ),
    ),
    SupportService(
        "Coventry Haven Women's Aid",
        about="For people in Coventry.",
        about_in=(
            ("cy", "Ar gyfer pobl yn Coventry."),
            ("pa", "ਕੌਵੈਂਟਰੀ ਦੇ ਲੋਕਾਂ ਲਈ।"),
            ("pl", "Dla osób z Coventry."),
            ("ur", "کوونٹری کے لوگوں کے لیے۔"),
        ),
    ),
    SupportService(
        "Men's Advice Line (Respect)",
        about="For men, anywhere in the UK.",
        about_in=(
            ("cy", "Ar gyfer dynion, unrhyw le yn y DU."),
            ("pa", "ਮਰਦਾਂ ਲਈ, ਯੂਕੇ ਵਿੱਚ ਕਿਤੇ ਵੀ।"),
            ("pl", "Dla mężczyzn, w całej Wielkiej Brytanii."),
            ("ur", "مردوں کے لیے، برطانیہ میں کہیں بھی۔"),
        ),
    ),
    SupportService(
        "NSPCC Helpline",
        kinds=("children",),
        about="For adults worried about a child, anywhere in the UK.",
        about_in=(
            ("cy", "Ar gyfer oedolion sy'n poeni am blentyn, unrhyw le yn y DU."),
            ("pa", "ਕਿਸੇ ਬੱਚੇ ਬਾਰੇ ਚਿੰਤਤ ਬਾਲਗਾਂ ਲਈ, ਯੂਕੇ ਵਿੱਚ ਕਿਤੇ ਵੀ।"),
            ("pl", "Dla dorosłych, którzy martwią się o dziecko, w całej Wielkiej Brytanii."),
            ("ur", "ان بالغوں کے لیے جو کسی بچے کے بارے میں فکرمند ہیں، برطانیہ میں کہیں بھی۔"),
        ),
    ),
)

# The force's own words that the public pages show, which a force may give
# in each language of the pages ([words.cy] in its TOML).
TRANSLATABLE = ("area_name", "contact_hours", "postal_address")
WEST_MIDLANDS_WORDS = {
    "cy": {
        "area_name": "Gorllewin Canolbarth Lloegr",
        "contact_hours": "24 awr y dydd, 7 diwrnod yr wythnos",
    },
    "pa": {"area_name": "ਵੈਸਟ ਮਿਡਲੈਂਡਜ਼", "contact_hours": "ਦਿਨ ਦੇ 24 ਘੰਟੇ, ਹਫ਼ਤੇ ਦੇ 7 ਦਿਨ"},
    "pl": {"area_name": "West Midlands", "contact_hours": "24 godziny na dobę, 7 dni w tygodniu"},
    "ur": {"area_name": "ویسٹ مڈلینڈز", "contact_hours": "دن کے 24 گھنٹے، ہفتے کے 7 دن"},
}


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
    # The words of TRANSLATABLE in each other language of the public pages.
    words: dict = field(default_factory=lambda: WEST_MIDLANDS_WORDS)
    extra: dict = field(default_factory=dict)

    def in_language(self, code: str) -> Force:
        """The force as the public pages show it in this language: its words in
        that language where it gives them, in English where not."""
        found = _IN_LANGUAGE.get((id(self), code))
        if found is None or found[0] is not self:
            given = {k: v for k, v in self.words.get(code, {}).items() if k in TRANSLATABLE}
            services = tuple(service.in_language(code) for service in self.support_services)
            found = (self, replace(self, **given, support_services=services))
            _IN_LANGUAGE[(id(self), code)] = found
        return found[1]

    def services_for(self, kind: str) -> tuple[SupportService, ...]:
        return tuple(service for service in self.support_services if kind in service.kinds)

    @property
    def area_slugs(self) -> dict[str, str]:
        return {slugify(name): name for name in self.local_authorities}


_IN_LANGUAGE: dict[tuple[int, str], tuple[Force, Force]] = {}


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
    data.setdefault("words", {})  # West Midlands Police's words are its own
    unknown_words = {key for words in data["words"].values() for key in words}
    if unknown_words - set(TRANSLATABLE):
        raise ValueError(
            f"Only {', '.join(TRANSLATABLE)} can be given in other languages ([words.CODE]) in "
            f"{path}: not {', '.join(sorted(unknown_words - set(TRANSLATABLE)))}"
        )
    if "support_services" in data:
        data["support_services"] = tuple(
            SupportService.from_config(item) for item in data["support_services"]
        )
    return Force(**data)


def current_force() -> Force:
    from flask import current_app

    return current_app.extensions["force"]


def shown_force() -> Force:
    """The force in the language of the page (templates' `force()`)."""
    from .languages import current

    return current_force().in_language(current().code)
