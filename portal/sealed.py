"""An attribute whose value is stored sealed (see crypto.py) in a text column.

    answers_sealed: Mapped[str] = mapped_column("answers", Text)
    answers = Sealed("answers_sealed", table="application", row_key="submission_key")

The row key must be set before the value (it is part of what the seal binds
to), so constructors name it first. Reading opens the value once per sealed
text; writing seals at once, so the column holds only ciphertext.
"""

from __future__ import annotations

from . import crypto


class Sealed:
    def __init__(self, column: str, *, table: str, row_key: str):
        self.column, self.table, self.row_key = column, table, row_key

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.cache = f"_opened_{name}"

    def aad(self, obj) -> str:
        key = getattr(obj, self.row_key)
        if key is None:
            raise ValueError(f"{self.table}.{self.name}: set {self.row_key} before the value")
        return f"{self.table}.{self.name}.{key}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        token = getattr(obj, self.column)
        cached = obj.__dict__.get(self.cache)
        if cached is not None and cached[0] == token:
            return cached[1]
        value = None if token is None else crypto.open_json(token, self.aad(obj))
        obj.__dict__[self.cache] = (token, value)
        return value

    def __set__(self, obj, value) -> None:
        token = None if value is None else crypto.seal_json(value, self.aad(obj))
        setattr(obj, self.column, token)
        obj.__dict__[self.cache] = (token, value)
