"""Time-based one-time codes (RFC 6238): enrolment with a QR code drawn on the
server, and verification that accepts a code once, within one 30-second step
either side of now."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

STEP = 30
WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG: nothing is sent to another service."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )
    # segno's own markup; the URI in it is escaped by segno.
    return Markup(svg)  # noqa: S704  # nosec B704


def matching_step(secret: str, code: str, *, now: datetime) -> int | None:
    """The time step the code belongs to, or None if it matches none in the window."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def accept(secret: str, code: str, *, now: datetime, last_step: int | None) -> int | None:
    """The step to record if the code is good and has not been used before."""
    step = matching_step(secret, code, now=now)
    if step is None or (last_step is not None and step <= last_step):
        return None
    return step
