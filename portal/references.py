"""Application references: 8 characters, with no letters or digits that are
easily confused (no I, O, Q, Z, 0 or 1), every third character a digit."""

import secrets

LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"
DIGITS = "23456789"
PATTERN = "LLDLLDLL"


def new_reference() -> str:
    return "".join(secrets.choice(DIGITS if kind == "D" else LETTERS) for kind in PATTERN)


def is_reference(text: str) -> bool:
    return len(text) == len(PATTERN) and all(
        char in (DIGITS if kind == "D" else LETTERS)
        for char, kind in zip(text, PATTERN, strict=True)
    )
