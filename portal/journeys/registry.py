"""Every scheme the portal offers, by URL slug."""

from . import child_protection, right_to_ask, right_to_know
from .engine import Scheme

SCHEMES: dict[str, Scheme] = {
    scheme.slug: scheme
    for scheme in (right_to_ask.SCHEME, right_to_know.SCHEME, child_protection.SCHEME)
}


def validate_all() -> None:
    for scheme in SCHEMES.values():
        scheme.validate()


def scheme_for(application) -> Scheme:
    """The definition an application was made under."""
    for scheme in SCHEMES.values():
        if (scheme.code, scheme.route) == (application.scheme, application.route):
            return scheme
    raise LookupError(f"No scheme {application.scheme}/{application.route}")
