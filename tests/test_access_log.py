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
