"""Choosing a language on the public pages (portal/languages.py): the toggle
on every public page, each language in its own name; the choice kept for the
browser session in a cookie holding only its code; lang and dir on the page;
the mirrored stylesheet for Urdu; staff pages in English whatever the cookie."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from portal.languages import LANGUAGES

from .support import PUBLIC_PAGES, SELF, Applicant, page_url, reach

URDU = re.compile("[\u0600-\u06ff]")


def gettext_in(code: str, message: str) -> str:
    from babel.messages.pofile import read_po

    with LANGUAGES[code].catalogue.open("rb") as handle:
        return read_po(handle, locale=code)[message].string


def choose(applicant: Applicant, code: str, on: str = "/") -> None:
    """Follow the toggle's link to this language (none when it is in use)."""
    applicant.get(on)
    link = applicant.page.soup.select_one(f'.portal-language-select a[hreflang="{code}"]')
    if link is not None:
        applicant.get(link["href"])
    assert applicant.page.soup.find("html")["lang"] == code


def test_every_public_page_offers_every_language_in_its_own_name(app):
    applicant = Applicant(app)
    for url in PUBLIC_PAGES:
        page = applicant.get(url)
        toggle = page.soup.select_one("nav.portal-language-select")
        assert toggle is not None, url
        names = [" ".join(item.get_text().split()) for item in toggle.find_all("li")]
        assert names == [language.name for language in LANGUAGES.values()], url
        (current,) = toggle.select("[aria-current]")
        assert current.get_text(strip=True) == "English" and current.name == "span"
        for link in toggle.find_all("a"):
            assert link["lang"] == link["hreflang"]
            assert parse_qs(urlsplit(link["href"]).query)["next"] == [urlsplit(url).path]


def test_a_language_chosen_is_kept_for_the_journey_and_sets_lang_and_dir(app):
    applicant = Applicant(app)
    reach(applicant, "your-name", SELF)
    choose(applicant, "ur", on=page_url("your-name"))
    assert applicant.path == page_url("your-name")  # back where the language was chosen
    html = applicant.page.soup.find("html")
    assert html["lang"] == "ur" and applicant.page.soup.body["dir"] == "rtl"
    styles = [link["href"] for link in applicant.page.soup.select('link[rel="stylesheet"]')]
    assert len(styles) == 1 and "portal.rtl." in styles[0]
    (current,) = applicant.page.soup.select(".portal-language-select [aria-current]")
    assert current.get_text(strip=True) == "اردو"
    # The next page, and the answers given before, stay as they were.
    applicant.answer("your-name", SELF["your-name"])
    assert applicant.path == page_url("your-date-of-birth")
    assert applicant.page.soup.find("html")["lang"] == "ur"
    choose(applicant, "cy", on=applicant.path)
    assert applicant.page.soup.find("html")["lang"] == "cy"
    assert applicant.page.soup.body["dir"] == "ltr"
    assert "portal.rtl." not in str(applicant.page.soup.select('link[rel="stylesheet"]'))


def test_the_language_cookie_holds_only_the_code_and_exit_forgets_it(app):
    applicant = Applicant(app)
    response = applicant.client.get("/language/pl?next=/apply/right-to-ask")
    assert response.status_code == 303 and response.headers["Location"] == "/apply/right-to-ask"
    (cookie,) = [h for h in response.headers.getlist("Set-Cookie") if "language" in h]
    assert cookie.startswith(f"{app.config['LANGUAGE_COOKIE_NAME']}=pl;")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # gone when the browser closes
    exit_response = applicant.client.get("/exit")
    cleared = [h for h in exit_response.headers.getlist("Set-Cookie") if "language" in h]
    assert cleared and "Max-Age=0" in cleared[0]
    assert applicant.get("/").soup.find("html")["lang"] == "en"


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example", "//elsewhere.example", "/\\elsewhere", "", "x"]
)
def test_the_toggle_goes_back_only_to_this_service(app, next_url):
    response = Applicant(app).client.get("/language/cy", query_string={"next": next_url})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_unknown_language_is_english(app):
    applicant = Applicant(app)
    applicant.get("/language/xx?next=/")
    assert applicant.page.soup.find("html")["lang"] == "en"
    applicant.client.set_cookie(app.config["LANGUAGE_COOKIE_NAME"], "../../etc")
    assert applicant.get("/").soup.find("html")["lang"] == "en"


def test_staff_pages_stay_in_english(app):
    applicant = Applicant(app)
    applicant.get("/language/ur?next=/")
    page = applicant.client.get("/admin/sign-in")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("html")["lang"] == "en"
    assert soup.select_one("nav.portal-language-select") is None


def test_an_application_keeps_its_language_for_the_officer_and_the_statistics(app, clock):
    import json

    from portal.models import Role

    from .casework_support import case_row
    from .staff_support import StaffBrowser, make_staff

    applicant = Applicant(app)
    choose(applicant, "ur")
    answers = SELF | {"communication": {"needs": ["interpreter"], "language": "Urdu"}}
    for slug, data in answers.items():
        if slug == "your-date-of-birth":  # a mistake first, told in Urdu, then put right
            wrong = data | {"date_of_birth-month": "13"}
            page = applicant.answer(slug, wrong)
            (error,) = page.error_summary
            assert URDU.search(error) and not re.search("[A-Za-z]{3}", error), error
            (inline,) = page.inline_errors
            assert inline == f"{gettext_in('ur', 'Error')}: {error}"  # read out first, in Urdu
            assert page.title.startswith(gettext_in("ur", "Error:"))
        applicant.answer(slug, data)
        assert not applicant.page.error_summary, slug
        assert applicant.page.soup.body["dir"] == "rtl"
    assert applicant.path == page_url("check-your-answers")
    applicant.post(page_url("check-your-answers"))
    reference = applicant.page.soup.select_one(".govuk-panel strong").get_text()
    assert applicant.page.soup.find("html")["lang"] == "ur"

    supervisor = StaffBrowser(app, make_staff(app, Role.SUPERVISOR, email="s@example.police.uk"))
    supervisor.sign_in(clock.now)
    queue = BeautifulSoup(supervisor.client.get("/admin/cases").text, "html.parser")
    row = queue.find("a", string=reference).find_parent("tr")
    assert "Applied in Urdu; asked for an interpreter" in " ".join(row.get_text().split())
    case_id = int(queue.find("a", string=reference)["href"].rsplit("/", 1)[1])
    case = BeautifulSoup(supervisor.client.get(f"/admin/cases/{case_id}").text, "html.parser")
    assert case.find("html")["lang"] == "en"  # the staff pages stay in English
    assert "Applied in Urdu; asked for an interpreter" in case.get_text()
    exported = json.loads(supervisor.client.get(f"/admin/cases/{case_id}/export.json").data)
    assert exported["language"] == "ur" == case_row(app, case_id).language
    csv = supervisor.client.get("/admin/cases/export.csv").text
    assert f"{reference}," in csv and ",ur," in csv.splitlines()[-1] + ","

    analyst = StaffBrowser(app, make_staff(app, Role.ANALYST, email="a@example.police.uk"))
    analyst.sign_in(clock.now)
    page = analyst.client.get("/admin/statistics?section=form-quality").text
    table = BeautifulSoup(page, "html.parser").find(id="table-languages").find_parent("section")
    rows = {
        tr.find("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in table.find_all("tr")
        if tr.find("th") and tr.find("td")
    }
    assert list(rows) == ["English", "Welsh", "Polish", "Punjabi", "Urdu"]
    with app.app_context():
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.models import JourneyEvent

        kinds = db.session.execute(
            select(JourneyEvent.language, func.count()).group_by(JourneyEvent.language)
        ).all()
        (message,) = db.session.scalars(
            select(JourneyEvent.message).where(JourneyEvent.kind == "error")
        ).all()
    assert dict(kinds).keys() == {"ur"}  # every step of this journey was in Urdu
    assert message == "Your date of birth must be a real date"  # counted in English


# Words the GOV.UK components write themselves unless given their own: each
# must come translated through the template, never in English.
COMPONENT_WORDS = {
    "Error:",
    "There is a problem",
    "Back",
    "Change",
    "Continue",
    "Day",
    "Month",
    "Year",
    "Warning",
    "Important",
    "Success",
    "Exit this page",
    "Skip to main content",
    "Menu",
    "Support links",
    "Loading.",
}


def english_left(soup, english: set[str]) -> list[str]:
    """Text shown (or read out) in English on a page that should be in another language."""
    for hidden in soup(["script", "style", "code"]):
        hidden.decompose()
    toggle = soup.select_one("nav.portal-language-select")
    if toggle is not None:
        toggle.decompose()  # each language's own name, in its own language
    found = []
    texts = [" ".join(text.split()) for text in soup.stripped_strings]
    for element in soup.find_all(attrs={"aria-label": True}):
        texts.append(element["aria-label"])
    for element in soup.find_all("input", attrs={"type": "submit", "value": True}):
        texts.append(element["value"])
    texts.append(" ".join(soup.title.get_text().split()).split(" – ")[0])
    for text in texts:
        if text in english or text in COMPONENT_WORDS:
            found.append(text)
    return found


def translated_english(code: str) -> set[str]:
    """The English of every public string whose translation differs from it
    (a name or a number may rightly stay the same)."""
    from babel.messages.pofile import read_po

    with LANGUAGES[code].catalogue.open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    return {m.id for m in catalogue if m.id and "%(" not in m.id and m.string != m.id}


def page_states(applicant: Applicant):
    """Every public page a journey meets, in each state: as first shown, with
    its errors (the page sent empty), and after it was answered."""
    from .support import SOMEONE_ELSE, complete
    from .test_other_schemes import REFERRAL, RTK

    for url in [*PUBLIC_PAGES, "/a-page-that-does-not-exist"]:
        yield url, applicant.get(url).soup
    for answers, scheme in (
        (SELF, "right-to-ask"),
        (SOMEONE_ELSE, "right-to-ask"),
        (REFERRAL, RTK),
    ):
        for slug, data in answers.items():
            url = page_url(slug, scheme)
            yield url, applicant.get(url).soup
            if slug != "support":
                yield f"{url} (errors)", applicant.post(url, {}).soup
            applicant.post(url, data)
        yield page_url("check-your-answers", scheme), applicant.page.soup
    yield "stop page", applicant.answer("immediate-danger", {"danger": "yes"}).soup
    complete(applicant, SELF)
    yield "confirmation", applicant.post(page_url("check-your-answers")).soup


@pytest.mark.parametrize("code", [code for code in LANGUAGES if code != "en"])
def test_no_public_page_is_left_in_english(app, code):
    english = translated_english(code)
    applicant = Applicant(app)
    choose(applicant, code)
    left = {}
    for where, soup in page_states(applicant):
        assert soup.find("html")["lang"] == code, where
        found = english_left(soup, english)
        if found:
            left[where] = found
    assert left == {}


@pytest.mark.parametrize(
    ("code", "written"),
    [("en", "3 April 1990"), ("pl", "3 kwietnia 1990"), ("cy", "3 Ebrill 1990")],
)
def test_dates_are_written_the_way_the_language_writes_them(app, code, written):
    from .support import complete

    applicant = Applicant(app)
    choose(applicant, code)
    page = complete(applicant, SELF)
    assert written in page.summary().values()
