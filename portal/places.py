"""Which police force covers a place, from the data files in portal/data/
(see its README): every local authority of the United Kingdom with its force,
and every postcode area with the forces it overlaps. Used to suggest
enquiries to other forces (casework/enquiries.py); never typed in by hand."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
POSTCODE = re.compile(r"^([A-Z]{1,2})[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class Place:
    local_authority: str
    nation: str
    force: str


@dataclass(frozen=True)
class Suggestion:
    forces: list[str]  # the force that covers it, or the candidates, most likely first
    place: Place | None
    basis: str | None  # "postcode area", "place name", or None


def normalised(text: str) -> str:
    """Case, accents, punctuation, spacing and "&" ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ")
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


@cache
def local_authorities() -> tuple[Place, ...]:
    with open(DATA / "police_force_areas.csv", encoding="utf-8", newline="") as handle:
        return tuple(
            Place(row["local_authority"], row["nation"], row["force"])
            for row in csv.DictReader(handle)
        )


@cache
def forces() -> tuple[str, ...]:
    return tuple(sorted({place.force for place in local_authorities()}))


@cache
def by_name() -> dict[str, Place]:
    return {normalised(place.local_authority): place for place in local_authorities()}


@cache
def postcode_areas() -> dict[str, tuple[str, ...]]:
    with open(DATA / "postcode_areas.csv", encoding="utf-8", newline="") as handle:
        return {
            row["postcode_area"]: tuple(row["forces"].split(";")) for row in csv.DictReader(handle)
        }


def force_for(local_authority: str) -> str | None:
    place = by_name().get(normalised(local_authority or ""))
    return place.force if place else None


def places_in(text: str) -> list[Place]:
    """The local authorities named in free text as whole words, the last
    named first (an address ends with its town; a street may be named after
    another)."""
    words = f" {normalised(text or '')} "
    found: dict[Place, int] = {}
    for name, place in by_name().items():
        at = words.rfind(f" {name} ")
        if at >= 0:
            found[place] = max(found.get(place, -1), at + len(name))
    return sorted(found, key=lambda place: -found[place])


def forces_for_postcode(postcode: str) -> list[str]:
    match = POSTCODE.match(" ".join((postcode or "").upper().split()))
    return list(postcode_areas().get(match.group(1), ())) if match else []


def suggest(address: str, postcode: str | None) -> Suggestion:
    """The force for an address: the postcode's when its area has one force;
    among several, the one a place named in the address is in (else all of
    them, most likely first); with no postcode, the last place named."""
    named = places_in(address)
    by_postcode = forces_for_postcode(postcode or "")
    if len(by_postcode) == 1:
        return Suggestion(by_postcode, None, "postcode area")
    if by_postcode:
        for place in named:
            if place.force in by_postcode:
                return Suggestion([place.force], place, "place name")
        return Suggestion(by_postcode, None, "postcode area")
    if named:
        return Suggestion([named[0].force], named[0], "place name")
    return Suggestion([], None, None)
