"""The base of every question page's form.

A form may reveal fields under a choice (a conditional reveal): `reveals` maps
a radios or checkboxes field to {choice: (field names shown under it)}. A
revealed field is validated and stored only when its choice is selected, so
nothing the applicant cannot see is kept.
"""

from __future__ import annotations

from typing import ClassVar

from flask_wtf import FlaskForm

# A field's words that may name a person through the scheme's context.
PERSONAL_MESSAGES = (
    "short_name",
    "required_message",
    "number_message",
    "range_message",
    "exclusive_message",
)


class QuestionForm(FlaskForm):
    reveals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {}

    def __init__(self, *args, context: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = {} if context is None else context
        for field in self.answer_fields():
            field.label.text = self.personalise(field.label.text)
            field.description = self.personalise(field.description)
            for name in PERSONAL_MESSAGES:
                if getattr(field, name, None):
                    setattr(field, name, self.personalise(getattr(field, name)))
            if hasattr(field, "choices"):
                field.choices = [(value, self.personalise(label)) for value, label in field.choices]

    def personalise(self, text) -> str:
        text = str(text)
        return text % self.context if "%(" in text else text

    def answer_fields(self):
        return [field for name, field in self._fields.items() if name != "csrf_token"]

    def revealed_names(self) -> set[str]:
        return {
            name
            for choices in self.reveals.values()
            for names in choices.values()
            for name in names
        }

    def top_fields(self):
        hidden = self.revealed_names()
        return [field for field in self.answer_fields() if field.name not in hidden]

    def active_names(self) -> set[str]:
        active = {field.name for field in self.top_fields()}
        for parent, choices in self.reveals.items():
            selected = self._fields[parent].data
            selected = selected if isinstance(selected, list) else [selected]
            for choice, names in choices.items():
                if choice in selected:
                    active.update(names)
        return active

    def validate(self, extra_validators=None) -> bool:
        active = self.active_names() | {"csrf_token"}
        ok = True
        for name, field in self._fields.items():
            if name not in active:
                field.errors = []
                continue
            inline = getattr(type(self), f"validate_{name}", None)
            extra = [inline] if inline else []
            ok = field.validate(self, extra) and ok
        ok = self.check(active) and ok
        return ok

    def check(self, active: set[str]) -> bool:
        """Checks across fields; a form adds its own and appends to a field's errors."""
        return True

    def answers(self) -> dict:
        active = self.active_names()
        return {
            field.name: field.stored() for field in self.answer_fields() if field.name in active
        }

    def error_list(self) -> list[dict]:
        items = []
        for field in self.answer_fields():
            if field.errors:
                href = getattr(field, "error_href", f"#{field.id}")
                items.append({"text": str(field.errors[0]), "href": href})
        return items
