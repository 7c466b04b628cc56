"""The force for a place (portal/places.py), from the data files in portal/data/."""

from __future__ import annotations

import csv
from collections import Counter

from portal import places


def test_every_force_of_the_united_kingdom_and_each_local_authority_once():
    assert len(places.forces()) == 45  # 43 in England and Wales, Police Scotland and PSNI
    with open(places.DATA / "police_force_areas.csv", encoding="utf-8") as handle:
        names = Counter(row["local_authority"] for row in csv.DictReader(handle))
    assert len(names) == 361 and set(names.values()) == {1}
    nations = Counter(place.nation for place in places.local_authorities())
    assert nations == {"England": 296, "Wales": 22, "Scotland": 32, "Northern Ireland": 11}


def test_spot_checks_across_the_nations():
    for name in ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall"):
        assert places.force_for(name) == "West Midlands Police"
    assert places.force_for("cardiff") == "South Wales Police"
    assert places.force_for("Glasgow City") == "Police Scotland"
    assert places.force_for("Belfast") == "Police Service of Northern Ireland"
    assert places.force_for("City of London") == "City of London Police"
    assert places.force_for("Westminster") == "Metropolitan Police Service"
    assert places.force_for("Isles of Scilly") == "Devon and Cornwall Police"
    assert places.force_for("York") == "North Yorkshire Police"
    assert places.force_for("Darlington") == "Durham Constabulary"
    assert places.force_for("Brighton & Hove") == "Sussex Police"
    assert places.force_for("Nowhere at all") is None


def test_every_postcode_area_names_known_forces():
    areas = places.postcode_areas()
    assert len(areas) == 121
    assert {force for found in areas.values() for force in found} <= set(places.forces())


def test_a_suggestion_from_the_postcode_narrowed_by_the_place_named():
    leeds = places.suggest("12 Park Street\nLeeds", "ls1 4ap")
    assert leeds.forces == ["West Yorkshire Police"]
    # B covers four forces: the town named picks one, else all are candidates.
    redditch = places.suggest("3 Church Road, Redditch", "B97 4AA")
    assert redditch.forces == ["West Mercia Police"] and redditch.basis == "place name"
    assert places.suggest("3 Church Road", "B97 4AA").forces[0] == "West Midlands Police"
    assert len(places.suggest("3 Church Road", "B97 4AA").forces) == 4
    # No postcode: the last place named (a street may carry another town's name).
    assert places.suggest("1 Coventry Road, Leeds", "").forces == ["West Yorkshire Police"]
    assert places.suggest("Somewhere by the sea", "not a postcode").forces == []
