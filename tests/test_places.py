"""The force for a place (portal/places.py), from the data files in portal/data/."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from portal import places

WEST_MIDLANDS = ("Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall")


def rows(name):
    with open(places.DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The data files


def test_45_forces_43_in_england_and_wales_police_scotland_and_psni():
    found = places.forces()
    assert len(found) == 45 and found == sorted(found)
    assert {"Police Scotland", "Police Service of Northern Ireland"} <= set(found)
    wales = {p.force for p in places.local_authorities() if p.nation == "Wales"}
    england = {p.force for p in places.local_authorities() if p.nation == "England"}
    assert len(england | wales) == 43
    assert wales == {
        "Dyfed-Powys Police",
        "Gwent Police",
        "North Wales Police",
        "South Wales Police",
    }


def test_every_principal_local_authority_once():
    names = Counter(row["local_authority"] for row in rows("police_force_areas.csv"))
    assert len(names) == 361 and set(names.values()) == {1}
    nations = Counter(place.nation for place in places.local_authorities())
    assert nations == {"England": 296, "Wales": 22, "Scotland": 32, "Northern Ireland": 11}
    key = [(place.nation, place.local_authority.casefold()) for place in places.local_authorities()]
    assert key == sorted(key)


def test_the_2023_reorganisation_and_no_county_councils():
    authorities = {place.local_authority for place in places.local_authorities()}
    gone = {"Allerdale", "Craven", "Mendip", "Harrogate", "Aylesbury Vale", "Kettering", "Poole"}
    assert not gone & authorities
    assert places.force_for("Allerdale") is None  # a former district, not a town
    for unitary in ("Cumberland", "Westmorland and Furness", "North Yorkshire", "Somerset"):
        assert places.force_for(unitary) is not None
    for county in ("Kent", "Devon", "Lancashire", "Essex", "Hertfordshire", "Cumbria"):
        assert places.force_for(county) is None


def test_the_west_midlands_boroughs():
    for name in (*WEST_MIDLANDS, "Wolverhampton"):
        assert places.force_for(name) == "West Midlands Police"
    found = [
        p.local_authority for p in places.local_authorities() if p.force == "West Midlands Police"
    ]
    assert sorted(found) == sorted((*WEST_MIDLANDS, "Wolverhampton"))


@pytest.mark.parametrize(
    ("name", "force"),
    [
        ("Cardiff", "South Wales Police"),
        ("Glasgow City", "Police Scotland"),
        ("Belfast", "Police Service of Northern Ireland"),
        ("City of London", "City of London Police"),
        ("Westminster", "Metropolitan Police Service"),
        ("Isles of Scilly", "Devon and Cornwall Police"),
        ("York", "North Yorkshire Police"),
        ("Darlington", "Durham Constabulary"),
        ("County Durham", "Durham Constabulary"),
        ("Stockton-on-Tees", "Cleveland Police"),
        ("Cumberland", "Cumbria Constabulary"),
        ("Isle of Wight", "Hampshire and Isle of Wight Constabulary"),
        ("Milton Keynes", "Thames Valley Police"),
        ("Herefordshire", "West Mercia Police"),
        ("Powys", "Dyfed-Powys Police"),
        ("Torfaen", "Gwent Police"),
        ("Wrexham", "North Wales Police"),
        ("Rutland", "Leicestershire Police"),
        ("Peterborough", "Cambridgeshire Constabulary"),
        ("Halton", "Cheshire Constabulary"),
        ("North East Lincolnshire", "Humberside Police"),
        ("Na h-Eileanan Siar", "Police Scotland"),
        ("Newry, Mourne and Down", "Police Service of Northern Ireland"),
    ],
)
def test_spot_checks_across_the_nations(name, force):
    assert places.force_for(name) == force


def test_only_the_city_has_the_city_of_london_police():
    city = [p for p in places.local_authorities() if p.force == "City of London Police"]
    assert [p.local_authority for p in city] == ["City of London"]
    london = [p for p in places.local_authorities() if p.force == "Metropolitan Police Service"]
    assert len(london) == 32


def test_every_postcode_area_once_with_known_forces():
    areas = places.postcode_areas()
    assert len(areas) == 121 and len(rows("postcode_areas.csv")) == 121
    assert all(re.fullmatch(r"[A-Z]{1,2}", area) for area in areas)
    assert {"B", "BT", "E", "EC", "W", "WC", "ZE", "HS", "TR"} <= set(areas)
    assert not {"JE", "GY", "IM"} & set(areas)  # their own police
    for found in areas.values():
        assert found and len(set(found)) == len(found) and set(found) <= set(places.forces())
    assert areas["BT"] == ("Police Service of Northern Ireland",)
    assert areas["B"] == (
        "West Midlands Police",
        "West Mercia Police",
        "Staffordshire Police",
        "Warwickshire Police",
    )


def test_a_district_is_in_a_straddling_area_and_one_of_its_forces():
    areas = places.postcode_areas()
    districts = places.postcode_districts()
    assert len(districts) == len(rows("postcode_districts.csv"))
    for district, force in districts.items():
        match = re.fullmatch(r"([A-Z]{1,2})[0-9][0-9A-Z]?", district)
        assert match, district
        assert len(areas[match[1]]) > 1 and force in areas[match[1]], district


def test_no_name_points_to_two_places():
    seen = {}
    for place in places.local_authorities():
        for name in (place.local_authority, *place.other_names):
            assert seen.setdefault(places.normalised(name), place) == place, name


# Names


def test_names_are_matched_normalised():
    assert places.normalised("  Brighton &  HOVE ") == "brighton and hove"
    assert places.normalised("Ynys Môn") == "ynys mon"
    assert places.normalised("King’s Lynn") == places.normalised("Kings Lynn") == "kings lynn"
    assert places.normalised("Saint Helens") == places.normalised("St. Helens") == "st helens"
    assert places.force_for("brighton & hove") == "Sussex Police"
    assert places.force_for("ST. HELENS") == "Merseyside Police"
    assert places.force_for("Ynys Mon") == "North Wales Police"
    assert places.force_for("Stoke on Trent") == places.force_for("STOKE-ON-TRENT")
    assert places.force_for("Newcastle-under-Lyme") == "Staffordshire Police"
    assert places.force_for("newcastle upon tyne") == "Northumbria Police"


def test_official_forms_and_other_names():
    assert places.force_for("Bristol, City of") == "Avon and Somerset Police"
    assert places.force_for("Herefordshire, County of") == "West Mercia Police"
    assert places.force_for("Leeds City Council") == "West Yorkshire Police"
    assert places.force_for("London Borough of Barnet") == "Metropolitan Police Service"
    assert places.force_for("The City of Edinburgh Council") == "Police Scotland"
    assert places.force_for("Hull") == "Humberside Police"
    assert places.force_for("Stoke") == "Staffordshire Police"
    assert places.place_named("Rickmansworth").local_authority == "Three Rivers"
    assert places.place_named("Caerdydd").local_authority == "Cardiff"


@pytest.mark.parametrize("nonsense", ["", "   ", "Nowhere at all", "Atlantis", "12345", "London"])
def test_nonsense_names_nothing(nonsense):
    assert places.force_for(nonsense) is None
    assert places.places_in(nonsense) == []


# Place names in an address


def names(text):
    return [place.local_authority for place in places.places_in(text)]


def test_places_in_an_address():
    assert names("12 High Street, Leeds LS1 4AP") == ["Leeds"]
    assert names("Flat 2, Tamworth Road, Coventry") == ["Coventry"]  # a street, not the town
    assert names("1 Station Road, Sutton Coldfield") == ["Birmingham"]  # longest name wins
    assert names("9 Church Lane, Bury St Edmunds") == ["West Suffolk"]
    assert names("4 Leigh Road, Leigh-on-Sea") == ["Southend-on-Sea"]
    assert names("3 Mill Street, Stoke Newington, London") == ["Hackney"]


def test_the_last_place_named_comes_first_and_once():
    assert names("Newport, Isle of Wight") == ["Isle of Wight", "Newport"]
    assert names("Leeds, then Bradford, then Leeds again") == ["Leeds", "Bradford"]
    assert names("Hull\nKingston upon Hull") == ["Kingston upon Hull"]


def test_words_inside_other_words_are_not_names():
    assert names("Chesterfield") == ["Chesterfield"]  # not Chester
    assert names("Basingstoke") == ["Basingstoke and Deane"]  # not Stoke
    assert names("Hullbridge, Essex") == ["Rochford"]  # not Hull
    assert names("the cat sat on the mat") == []


# Postcodes


@pytest.mark.parametrize(
    ("postcode", "forces"),
    [
        ("LS1 4AP", ["West Yorkshire Police"]),
        ("ls14ap", ["West Yorkshire Police"]),
        ("  b77  2aa ", ["Staffordshire Police"]),  # a district wholly in one force
        ("B97 4AA", ["West Mercia Police"]),
        ("B49 5AA", ["Warwickshire Police"]),
        ("B1 1AA", ["West Midlands Police"]),
        ("E1W 1AA", ["Metropolitan Police Service"]),
        ("CF10 1AA", ["South Wales Police"]),
        ("CF83 1AA", ["Gwent Police"]),
        ("BT1 1AA", ["Police Service of Northern Ireland"]),
        ("G1 1AA", ["Police Scotland"]),
        ("TR21 0AA", ["Devon and Cornwall Police"]),
        ("DL1 1AA", ["Durham Constabulary"]),
        ("DL8 1AA", ["North Yorkshire Police"]),
        ("OL1", ["Greater Manchester Police"]),  # an outward code alone
    ],
)
def test_forces_for_a_postcode(postcode, forces):
    assert places.forces_for_postcode(postcode) == forces


def test_a_straddling_district_falls_back_to_its_area():
    assert places.forces_for_postcode("B78 1AA") == list(places.postcode_areas()["B"])
    assert places.forces_for_postcode("EC1A 1BB") == [
        "City of London Police",
        "Metropolitan Police Service",
    ]


@pytest.mark.parametrize(
    "nonsense", ["", "not a postcode", "12345", "JE2 3AA", "IM1 1AA", "QQ1 1AA", "B", "LS1 4A"]
)
def test_an_invalid_or_unknown_postcode_gives_no_force(nonsense):
    assert places.forces_for_postcode(nonsense) == []


# Suggestions


def test_a_postcode_with_one_force_decides():
    leeds = places.suggest("12 Park Street\nLeeds", "ls1 4ap")
    assert leeds.forces == ["West Yorkshire Police"] and leeds.basis == "postcode district"
    assert leeds.place.local_authority == "Leeds"
    # The postcode wins over a place name in another force; that place is not the answer.
    wrong_town = places.suggest("3 High Street, Cardiff", "LS1 4AP")
    assert wrong_town.forces == ["West Yorkshire Police"] and wrong_town.place is None
    glasgow = places.suggest("1 George Square", "G2 1DU")
    assert glasgow.forces == ["Police Scotland"] and glasgow.basis == "postcode area"


def test_a_straddling_postcode_is_narrowed_by_the_place_named():
    polesworth = places.suggest("3 Church Road, Polesworth", "B78 1AA")
    assert polesworth.forces == ["Warwickshire Police"] and polesworth.basis == "place name"
    assert polesworth.place.local_authority == "North Warwickshire"
    tamworth = places.suggest("3 Church Road, Tamworth", "B78 1AA")
    assert tamworth.forces == ["Staffordshire Police"]
    # A place named outside the postcode's forces does not narrow it.
    leeds = places.suggest("3 Church Road, Leeds", "B78 1AA")
    assert leeds.forces == list(places.postcode_areas()["B"]) and leeds.basis == "postcode area"
    assert leeds.place is None
    # Nothing named: every candidate, most likely first.
    nothing = places.suggest("3 Church Road", "B78 1AA")
    assert nothing.forces[0] == "West Midlands Police" and len(nothing.forces) == 4


def test_a_village_and_its_post_town_either_side_of_a_border_keep_both():
    found = places.suggest("2 The Green, Salford Priors, Evesham", "WR11 8AA")
    assert found.forces == ["West Mercia Police", "Warwickshire Police"]
    assert found.place.local_authority == "Wychavon" and found.basis == "place name"


def test_an_address_with_no_postcode():
    cardiff = places.suggest("10 Queen Street, Cardiff", None)
    assert cardiff.forces == ["South Wales Police"] and cardiff.basis == "place name"
    assert cardiff.place == places.place_named("Cardiff")
    # The last place named decides (a street may carry another town's name).
    assert places.suggest("1 Coventry Street, Leeds", "").forces == ["West Yorkshire Police"]
    two = places.suggest("Newport, Isle of Wight", None)
    assert two.forces == ["Hampshire and Isle of Wight Constabulary", "Gwent Police"]


def test_an_unrecognised_postcode_falls_back_to_the_place_named():
    found = places.suggest("5 Bridge Street, Belfast", "not a postcode")
    assert found.forces == ["Police Service of Northern Ireland"] and found.basis == "place name"


@pytest.mark.parametrize(
    ("address", "postcode"),
    [("Somewhere by the sea", "not a postcode"), ("", None), ("Flat 1", "JE2 3AA"), ("42", "")],
)
def test_nonsense_suggests_nothing(address, postcode):
    assert places.suggest(address, postcode) == places.Suggestion([], None, None)
