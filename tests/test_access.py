"""Deny by default: every staff endpoint is in this table, and each role gets
exactly what the table says (DESIGN.md section 4). A new route that is not
added here fails the first test."""

from __future__ import annotations

import pytest

from portal.models import Role

from .staff_support import StaffBrowser, audit_after, audit_marker, make_staff

PUBLIC, ANYONE = "public", "any signed-in role"
OFFICER, SUPERVISOR, ANALYST, ADMIN = (
    Role.OFFICER,
    Role.SUPERVISOR,
    Role.ANALYST,
    Role.ADMINISTRATOR,
)

ACCESS = {
    "admin.sign_in": PUBLIC,
    "admin.sign_in_code": PUBLIC,
    "admin.signed_out": PUBLIC,
    "admin.setup": PUBLIC,
    "admin.setup_authenticator": PUBLIC,
    "admin.index": ANYONE,
    "admin.sign_out": ANYONE,
    "admin.extend_session": ANYONE,
    "admin.staff_list": {ADMIN},
    "admin.staff_invite": {ADMIN},
    "admin.staff_detail": {ADMIN},
    "admin.staff_change_role": {ADMIN},
    "admin.staff_disable": {ADMIN},
    "admin.staff_enable": {ADMIN},
    "admin.staff_reset": {ADMIN},
    "admin.staff_trail": {ADMIN},
    "admin.case_queue": {OFFICER, SUPERVISOR},
    "admin.case_view": {OFFICER, SUPERVISOR},
    "admin.case_record": {OFFICER, SUPERVISOR},
    "admin.case_claim": {OFFICER, SUPERVISOR},
    "admin.case_not_duplicate": {OFFICER, SUPERVISOR},
    "admin.case_key_in": {OFFICER, SUPERVISOR},
    "admin.case_key_in_stop": {OFFICER, SUPERVISOR},
    "admin.case_search": {OFFICER, SUPERVISOR},
    "admin.case_hand_back": {OFFICER, SUPERVISOR},
    "admin.case_print": {OFFICER, SUPERVISOR},
    "admin.workload": {SUPERVISOR},
    "admin.workload_reassign": {SUPERVISOR},
    "admin.case_assign": {SUPERVISOR},
    "admin.case_audit": {SUPERVISOR},
    "admin.staff_audit": {SUPERVISOR},
    "admin.case_export": {SUPERVISOR},
    "admin.queue_export": {SUPERVISOR},
    "admin.statistics": {ANALYST, SUPERVISOR},
    "admin.statistics_csv": {ANALYST, SUPERVISOR},
    "admin.yearly_return_page": {ANALYST, SUPERVISOR},
    "admin.yearly_return_csv": {ANALYST, SUPERVISOR},
    "admin.compare_versions": {ANALYST, SUPERVISOR},
    "admin.alert_preferences": ANYONE,
    "admin.alert_outbox": {ADMIN},
    "admin.alert_retry": {ADMIN},
}


def staff_endpoints(app) -> dict[str, object]:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
    }


def test_every_staff_endpoint_is_in_the_access_table(app):
    assert set(staff_endpoints(app)) == set(ACCESS)


def test_every_staff_view_declares_its_access(app):
    for endpoint in ACCESS:
        assert getattr(app.view_functions[endpoint], "access", None) is not None, endpoint


def url_for_rule(rule, staff_id: int) -> str:
    values = {
        "staff_id": staff_id,
        "token": "not-a-real-token",
        "case_id": 1,
        "other_id": 1,
        "kind": "note",
        "name": "headline",
    }
    return rule.build({name: values[name] for name in rule.arguments})[1]


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_each_role_reaches_exactly_its_pages(app, clock, role):
    target = make_staff(app, Role.OFFICER, email="target@example.police.uk")
    make_staff(app, ADMIN, email="spare.admin@example.police.uk")
    browser = StaffBrowser(app)
    if role is not None:
        browser.staff = make_staff(app, role, email=f"me.{role.value}@example.police.uk")
        browser.sign_in(clock.now)
    for endpoint, rule in staff_endpoints(app).items():
        if endpoint == "admin.sign_out":
            continue  # it would end this browser's session: checked on its own below
        allowed = ACCESS[endpoint]
        url = url_for_rule(rule, target.id)
        method = "GET" if "GET" in rule.methods else "POST"
        if method == "GET":
            response = browser.client.get(url)
        else:
            response = browser.post(url, token_from="/admin/sign-in")
        where = f"{role} {method} {endpoint}"
        if allowed == PUBLIC:
            assert response.status_code != 403, where
        elif role is None:
            assert response.status_code == 302, where
            assert response.location.startswith("/admin/sign-in"), where
        elif allowed == ANYONE or role in allowed:
            assert response.status_code in (200, 302, 404, 409), where
            assert not (response.location or "").startswith("/admin/sign-in"), where
        else:
            assert response.status_code == 403, where


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_can_sign_out(app, clock, role):
    browser = StaffBrowser(app, make_staff(app, role))
    browser.sign_in(clock.now)
    response = browser.post("/admin/sign-out", token_from="/admin/")
    assert response.location == "/admin/signed-out"


def test_a_refusal_is_audited(app, clock):
    analyst = make_staff(app, ANALYST)
    browser = StaffBrowser(app, analyst)
    browser.sign_in(clock.now)
    marker = audit_marker(app)
    assert browser.client.get("/admin/staff").status_code == 403
    event = audit_after(app, marker)[0]
    assert (event.action, event.actor_id, event.detail) == (
        "access_refused",
        analyst.id,
        {"endpoint": "admin.staff_list"},
    )


def test_a_route_without_a_declaration_is_refused(app, clock, make_app):
    """The guard, not this table, is what protects a forgotten route."""
    other = make_app()
    other.add_url_rule(
        "/admin/forgotten", endpoint="admin.forgotten", view_func=lambda: "case files"
    )
    browser = StaffBrowser(other, make_staff(app, ADMIN))
    assert browser.client.get("/admin/forgotten").status_code == 302
    browser.sign_in(clock.now)
    response = browser.client.get("/admin/forgotten")
    assert response.status_code == 403
    assert "case files" not in response.get_data(as_text=True)
