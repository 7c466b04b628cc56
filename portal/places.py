"""Which police force covers a place: from the local authority, a place name in
an address, or the postcode.

The data ships with the project in portal/data/ (its README says where it
comes from and how to check and update it): every principal local authority
of the UK with its force, and every postcode area with the forces it overlaps
(the force with most of its addresses first), sharpened by a table of postcode
districts that lie wholly in one force. The files are read once, on first use.

Names are matched normalised: case, accents, punctuation and spacing do not
count, "&" is "and" and "Saint" is "St", so "ST. HELENS" is St Helens and
"Ynys Mon" is the Isle of Anglesey.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"  # the files beside this module (see its README)
AUTHORITIES_FILE = "police_force_areas.csv"
AREAS_FILE = "postcode_areas.csv"
DISTRICTS_FILE = "postcode_districts.csv"  # optional: districts wholly in one force

# A full postcode, or an outward code alone ("LS1", "EC1A"), once spaces are gone.
POSTCODE = re.compile(r"^(?P<outward>(?P<area>[A-Z]{1,2})[0-9][A-Z0-9]?)(?:[0-9][A-Z]{2})?$")

# A place name followed by one of these is a street named after it ("Tamworth Road").
# ("St" is also Saint: "Bury St Edmunds" is matched whole before "Bury" is skipped.)
STREET_WORDS = frozenset(
    ("road", "rd", "street", "st", "lane", "avenue", "ave", "way", "close", "drive", "place")
    + ("crescent", "terrace", "gardens", "court", "walk", "row", "parade", "mews", "square")
)

# Official forms around a name: "Leeds City Council", "London Borough of Barnet".
PREFIXES = (
    "the ",
    "city and county of ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city of ",
    "county of ",
)
SUFFIXES = (
    " metropolitan borough council",
    " county borough council",
    " borough council",
    " district council",
    " county council",
    " city council",
    " council",
    " city of",  # ONS: "Bristol, City of"
    " county of",  # ONS: "Herefordshire, County of"
)


@dataclass(frozen=True)
class Place:
    """A principal local authority and the force that polices it."""

    local_authority: str
    nation: str
    force: str
    other_names: tuple[str, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Suggestion:
    """The forces likely to cover an address, most likely first, and why.

    basis is "postcode district", "postcode area" or "place name", or None when
    nothing in the address or postcode was recognised (then forces is empty).
    """

    forces: list[str]
    place: Place | None
    basis: str | None


def normalised(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces, "&" as "and"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = re.sub(r"['\u2019`]", "", text).replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join("st" if word == "saint" else word for word in words)


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


@cache
def _places() -> tuple[Place, ...]:
    return tuple(
        Place(
            row["local_authority"],
            row["nation"],
            row["force"],
            _split(row.get("other_names") or ""),
        )
        for row in _read(AUTHORITIES_FILE)
    )


@cache
def _names() -> dict[str, Place]:
    """Every normalised name, the authority's own and its other names."""
    names: dict[str, Place] = {}
    for place in _places():
        for name in (place.local_authority, *place.other_names):
            key = normalised(name)
            if names.setdefault(key, place) != place:
                raise ValueError(f"{name!r} names two places in {AUTHORITIES_FILE}")
    return names


@cache
def _phrases() -> tuple[dict[tuple[str, ...], Place], int]:
    phrases = {tuple(key.split()): place for key, place in _names().items()}
    return phrases, max(len(words) for words in phrases)


@cache
def postcode_areas() -> dict[str, tuple[str, ...]]:
    """Each postcode area ("B", "LS") with the forces it overlaps, most addresses first."""
    return {row["postcode_area"]: _split(row["forces"]) for row in _read(AREAS_FILE)}


@cache
def postcode_districts() -> dict[str, str]:
    """The postcode districts ("B77") of straddling areas that lie wholly in one force."""
    if not (DATA / DISTRICTS_FILE).is_file():
        return {}
    return {row["district"]: row["force"] for row in _read(DISTRICTS_FILE)}


def forces() -> list[str]:
    """The 45 forces of the UK, sorted."""
    return sorted({place.force for place in _places()})


def local_authorities() -> list[Place]:
    """Every principal local authority, by nation and then name."""
    return list(_places())


def place_named(name: str) -> Place | None:
    """The local authority a name (its own, an official form of it, or a town) is."""
    key = normalised(name or "")
    names = _names()
    if key in names:
        return names[key]
    for prefix in PREFIXES:
        if key.startswith(prefix) and key.removeprefix(prefix) in names:
            return names[key.removeprefix(prefix)]
    for suffix in SUFFIXES:
        if key.endswith(suffix):
            stem = key.removesuffix(suffix)
            for prefix in ("", *PREFIXES):
                if stem.startswith(prefix) and stem.removeprefix(prefix) in names:
                    return names[stem.removeprefix(prefix)]
    return None


def force_for(local_authority: str) -> str | None:
    """The force covering a local authority (or a town in the data), or None."""
    place = place_named(local_authority)
    return place.force if place else None


def places_in(text: str) -> list[Place]:
    """The places named in free text as whole words, last-named first.

    Where names overlap the longest wins ("Sutton Coldfield" is Birmingham, not
    Sutton). A name followed by a street word ("Tamworth Road") is a street and
    is skipped. Addresses end with the town, so the place named last comes first.
    """
    words = normalised(text or "").split()
    phrases, longest = _phrases()
    found = []  # (start, end, place)
    for start in range(len(words)):
        for end in range(min(len(words), start + longest), start, -1):
            place = phrases.get(tuple(words[start:end]))
            if place and not (end < len(words) and words[end] in STREET_WORDS):
                found.append((start, end, place))
    taken: set[int] = set()
    last_end: dict[Place, int] = {}
    for start, end, place in sorted(found, key=lambda match: (match[0] - match[1], match[0])):
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            last_end[place] = max(end, last_end.get(place, 0))
    return sorted(last_end, key=lambda place: -last_end[place])


def _postcode_forces(postcode: str) -> tuple[list[str], str | None]:
    match = POSTCODE.match(re.sub(r"\s+", "", postcode).upper())
    if not match:
        return [], None
    outward, area = match["outward"], match["area"]
    districts = postcode_districts()
    # A London sub-district ("E1W") falls back to its district ("E1").
    for district in (outward, outward[:-1] if outward[-1].isalpha() else None):
        if district in districts:
            return [districts[district]], "postcode district"
    if area in postcode_areas():
        return list(postcode_areas()[area]), "postcode area"
    return [], None


def forces_for_postcode(postcode: str) -> list[str]:
    """The forces a postcode (or outward code) may be in, most likely first.

    [] for anything that is not a UK postcode, or is in no area in the data
    (Jersey, Guernsey and the Isle of Man have their own police).
    """
    return _postcode_forces(postcode)[0]


def suggest(address: str, postcode: str | None = None) -> Suggestion:
    """The force most likely to cover an address, from its postcode and place names.

    A postcode that gives a single force decides. One that gives several is
    narrowed to the forces of the places named in the address among them, the
    last named first (one, unless a village and its post town are named either
    side of a border). Without a recognised postcode, the place named last
    decides, and the forces of any other places named follow as candidates.
    """
    named = places_in(address)
    candidates, basis = _postcode_forces(postcode) if postcode else ([], None)
    if candidates:
        inside = [place for place in named if place.force in candidates]
        place = inside[0] if inside else None
        if len(candidates) > 1 and place:
            return Suggestion(_forces_of(inside), place, "place name")
        return Suggestion(candidates, place, basis)
    if named:
        return Suggestion(_forces_of(named), named[0], "place name")
    return Suggestion([], None, None)


def _forces_of(named: list[Place]) -> list[str]:
    return list(dict.fromkeys(place.force for place in named))
