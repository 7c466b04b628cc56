"""The server's access log (gunicorn.conf.py): no secret in a path, and no
request can write a line of its own into the log."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

CONF = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))


def logged(path: str, method: str = "GET") -> dict:
    logger = CONF["PortalLogger"](Config())
    response = SimpleNamespace(status="200 OK", response_length=10, headers=[], sent=10)
    request = SimpleNamespace(headers=[], method=method, path=path, query="", uri=path)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "RAW_URI": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    return logger.atoms(response, request, environ, timedelta(milliseconds=5))


def test_a_new_line_in_a_path_cannot_start_a_line_of_its_own():
    atoms = logged("/apply\n127.0.0.1 - - GET /admin 200 forged")
    assert "\n" not in atoms["U"]
    assert atoms["U"].startswith("/apply\\x0a127.0.0.1")


def test_every_control_character_is_escaped():
    for char in ("\r", "\x1b", "\x00", "\x85", "\u2028"):
        atoms = logged(f"/a{char}b", method=f"GET{char}")
        assert char not in atoms["U"] and char not in atoms["m"]


def test_a_setup_link_is_logged_without_its_token():
    assert logged("/admin/setup/s3cr3t-token/authenticator")["U"] == (
        "/admin/setup/[token]/authenticator"
    )


def error_lines(*log_calls) -> list[str]:
    """What gunicorn's own error log writes for these calls."""
    import io
    import logging

    logger = CONF["PortalLogger"](Config())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.error_log.addHandler(handler)
    try:
        for level, message, args in log_calls:
            getattr(logger, level)(message, *args)
    finally:
        logger.error_log.removeHandler(handler)
    return stream.getvalue().splitlines()


def test_the_server_s_own_log_lines_hold_no_client_address():
    # gunicorn's own words for a malformed request (workers/base.py).
    lines = error_lines(
        ("warning", "Invalid request from ip=203.0.113.77: Invalid HTTP method", ()),
        ("warning", "Invalid request from ip=%s: %s", ("2001:db8::7", "bad")),
        ("error", "Error handling request from %s", ("198.51.100.2:51512",)),
    )
    assert lines == [
        "Invalid request from ip=[address]: Invalid HTTP method",
        "Invalid request from ip=[address]: bad",
        "Error handling request from [address]:51512",
    ]


def test_the_server_s_own_log_lines_cannot_be_forged():
    [line] = error_lines(
        ("warning", "Invalid request from ip=%s: %s", ("[::1]", "GET /\nforged 200"))
    )
    assert line.endswith("GET /\\x0aforged 200")


def test_times_and_versions_are_not_taken_for_addresses():
    [line] = error_lines(("info", "Booting worker at 10:17:08 with gunicorn 27.0.1", ()))
    assert line == "Booting worker at 10:17:08 with gunicorn 27.0.1"


def test_a_worker_keeps_the_app_s_own_objects_out_of_the_collector():
    """gunicorn's hook after a worker loads the app freezes what is there, so
    the collector's full passes no longer walk it (see gunicorn.conf.py)."""
    import gc

    before = gc.get_freeze_count()
    try:
        CONF["post_worker_init"](None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
