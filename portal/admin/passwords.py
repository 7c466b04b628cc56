"""Staff passwords: argon2id hashes, and a policy that refuses guessable ones.

At least 12 characters, at most 128, any characters, no composition rules
(NCSC and NIST guidance); common and easily guessed passwords are refused
with the zxcvbn estimator, which knows the staff member's own name and e-mail.
"""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: "safely unguessable: moderate protection from offline slow-hash attacks"

# Verified against when the e-mail is unknown, so that an unknown account
# takes as long to refuse as a wrong password.
_DUMMY = {}


def hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """Check a password. With no hash (an unknown account) the work is done all
    the same and the answer is no."""
    ph = hasher()
    if password_hash is None:
        key = (ph.time_cost, ph.memory_cost, ph.parallelism)
        if key not in _DUMMY:  # made once: hashing on every refusal took twice as long
            _DUMMY[key] = ph.hash("an account that does not exist")
        password_hash = _DUMMY[key]
        with contextlib.suppress(VerificationError):
            ph.verify(password_hash, password)
        return False
    try:
        return ph.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def problem(password: str, *, user_inputs: list[str]) -> str | None:
    """Why a new password is refused, in words for the person choosing it."""
    if len(password) < MIN_LENGTH:
        return str(_l("Password must be %(min)s characters or more", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Password must be %(max)s characters or fewer", max=MAX_LENGTH))
    if zxcvbn(password[:100], user_inputs=user_inputs)["score"] < MIN_SCORE:
        return str(_l("Choose a password that is harder to guess, for example 3 random words"))
    return None
