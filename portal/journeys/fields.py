"""Form fields for the public journeys.

Each field knows its Design System error messages, its maximum length, how to
store its answer as JSON and how to show it on check answers. Text is stripped
of surrounding white space; control characters are refused (a multi-line
answer keeps its line breaks and tabs).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation

from portal import languages

ALLOWED_MULTILINE = {"\n", "\r", "\t"}


class InPageLanguage:
    """A GOV.UK widget whose error message says "Error:" (read out before it)
    in the page's language: the component's own word is English."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if "errorMessage" in params:
            params["errorMessage"]["visuallyHiddenText"] = _l("Error")
        return params


class TextInput(InPageLanguage, GovTextInput):
    pass


class TextArea(InPageLanguage, GovTextArea):
    pass


class RadioInput(InPageLanguage, GovRadioInput):
    pass


class CheckboxesInput(InPageLanguage, GovCheckboxesInput):
    pass


def has_control_characters(value: str, multiline: bool) -> bool:
    for char in value:
        if multiline and char in ALLOWED_MULTILINE:
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            return True
    return False


class PortalField:
    """What every public field adds to WTForms: a short name for messages and
    check answers, a required message, and a JSON form of its answer."""

    def setup(self, short: str | None, required: str | None, summary: bool = True) -> None:
        self.short_name = short
        self.required_message = required
        self.in_summary = summary

    def stored(self):
        return self.data

    def display(self, value) -> str:
        return "" if value is None else str(value)

    def check_required(self) -> None:
        if self.required_message and not self.data:
            raise StopValidation(self.required_message)


class TextField(PortalField, StringField):
    """A single-line text answer."""

    widget = TextInput()
    multiline = False

    def __init__(
        self,
        label,
        *,
        short=None,
        required=None,
        max_length=100,
        hint=None,
        summary=True,
        params=None,
        **kwargs,
    ):
        super().__init__(label, description=hint or "", **kwargs)
        self.setup(short, required, summary)
        self.max_length = max_length
        self.params = params or {}

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip()

    def process_data(self, value):
        self.data = value or ""

    def pre_validate(self, form):
        value = self.data or ""
        if has_control_characters(value, self.multiline):
            raise StopValidation(
                _l("%(name)s must not include hidden control characters", name=self.short_name)
            )
        if len(value) > self.max_length:
            raise StopValidation(
                _l(
                    "%(name)s must be %(max)s characters or fewer",
                    name=self.short_name,
                    max=self.max_length,
                )
            )
        self.check_required()

    def stored(self):
        return self.data or ""


class TextAreaAnswer(TextField, TextAreaField):
    """A multi-line text answer: line breaks and tabs are kept."""

    widget = TextArea()
    multiline = True

    def __init__(self, label, *, max_length=5000, **kwargs):
        super().__init__(label, max_length=max_length, **kwargs)


class EmailAnswer(TextField):
    def __init__(self, label, **kwargs):
        kwargs.setdefault("max_length", 254)
        params = {"type": "email", "spellcheck": False, "autocomplete": "email"}
        params.update(kwargs.pop("params", {}))
        super().__init__(label, params=params, **kwargs)

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        try:
            result = validate_email(self.data, check_deliverability=False)
        except EmailNotValidError:
            self.errors.append(
                _l("Enter an email address in the correct format, like name@example.com")
            )
            return
        self.data = result.normalized


PHONE_FORMAT = _l("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
PHONE_TOO_SHORT = _l(
    "Enter the whole telephone number with its area code: a UK number has 10 or 11 "
    "digits, like 01632 960 001"
)
PHONE_TOO_LONG = _l(
    "Telephone number is too long: a UK number has 10 or 11 digits, like 07700 900 982"
)
PHONE_COUNTRY = _l(
    "Enter a UK number, or start an international number with + and its country code, "
    "like +44 808 157 0192"
)
PHONE_PROBLEMS = {
    phonenumbers.ValidationResult.TOO_SHORT: PHONE_TOO_SHORT,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: PHONE_TOO_SHORT,
    phonenumbers.ValidationResult.TOO_LONG: PHONE_TOO_LONG,
    phonenumbers.ValidationResult.INVALID_LENGTH: PHONE_TOO_LONG,
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: PHONE_COUNTRY,
}


def phone_problem(text: str):
    """What is wrong with a telephone answer, in words that say it (GOV.UK's
    pattern), or None. Lenient: any number of the right length is taken, the
    example numbers of the messages and new ranges included ("valid" in
    phonenumbers' sense would refuse them)."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return PHONE_COUNTRY
        return PHONE_FORMAT
    result = phonenumbers.is_possible_number_with_reason(number)
    if result == phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return PHONE_PROBLEMS.get(result, PHONE_FORMAT)


class PhoneAnswer(TextField):
    def __init__(self, label, **kwargs):
        kwargs.setdefault("max_length", 30)
        params = {"type": "tel", "autocomplete": "tel", "classes": "govuk-input--width-20"}
        params.update(kwargs.pop("params", {}))
        super().__init__(label, params=params, **kwargs)

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        problem = phone_problem(self.data)
        if problem is not None:
            self.errors.append(problem)
            return
        number = phonenumbers.parse(self.data, "GB")
        fmt = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 44
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        self.data = phonenumbers.format_number(number, fmt)


POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    compact = re.sub(r"\s+", "", value.upper())
    match = POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


class PostcodeAnswer(TextField):
    def __init__(self, label, **kwargs):
        kwargs.setdefault("max_length", 10)
        params = {"classes": "govuk-input--width-10", "autocomplete": "postal-code"}
        params.update(kwargs.pop("params", {}))
        super().__init__(label, params=params, **kwargs)

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        postcode = normalise_postcode(self.data)
        if postcode is None:
            self.errors.append(_l("Enter a real postcode, like B4 6NQ"))
            return
        self.data = postcode


class WholeNumberAnswer(TextField):
    def __init__(self, label, *, minimum, maximum, number_message, range_message, **kwargs):
        kwargs.setdefault("max_length", 10)
        params = {"classes": "govuk-input--width-3", "inputmode": "numeric"}
        params.update(kwargs.pop("params", {}))
        super().__init__(label, params=params, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.number_message, self.range_message = number_message, range_message

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        if not self.data.isdigit() or not self.data.isascii():
            self.errors.append(self.number_message)
        elif not self.minimum <= int(self.data) <= self.maximum:
            self.errors.append(self.range_message)


TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?")


def parse_time(text: str) -> str | None:
    """A time of day as people write it (14:30, 2.30pm, 9am, 12 noon) as
    HH:MM on the 24-hour clock, or None when it is not one."""
    text = " ".join(text.lower().split())
    for word in ("12 noon", "noon", "12 midday", "midday"):
        text = text.replace(word, "12pm")
    match = TIME.fullmatch(text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "9" alone could be morning or evening
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


class TimeAnswer(TextField):
    """A time of day, in a text box (the Design System has no time input)."""

    def __init__(self, label, *, invalid, **kwargs):
        kwargs.setdefault("max_length", 10)
        params = {"classes": "govuk-input--width-5", "spellcheck": False}
        super().__init__(label, params=params, **kwargs)
        self.invalid_message = invalid

    def post_validate(self, form, validation_stopped):
        if validation_stopped or not self.data:
            return
        parsed = parse_time(self.data)
        if parsed is None:
            self.errors.append(self.invalid_message)
        else:
            self.data = parsed


class ChoiceAnswer(PortalField, RadioField):
    """Radios. An answer that is not one of the choices gets the required message."""

    widget = RadioInput()

    def __init__(
        self,
        label,
        *,
        choices,
        short=None,
        required=None,
        hint=None,
        summary=True,
        params=None,
        **kwargs,
    ):
        super().__init__(label, choices=choices, description=hint or "", **kwargs)
        self.setup(short, required, summary)
        self.params = params or {}

    def process_data(self, value):
        self.data = value or None

    def pre_validate(self, form):
        if self.data is None and not self.required_message:
            return
        if self.data not in {value for value, _label in self.choices}:
            self.data = None
            raise StopValidation(self.required_message)

    def display(self, value) -> str:
        return str(dict(self.choices).get(value, ""))


class MultiChoiceAnswer(PortalField, SelectMultipleField):
    """Checkboxes. `exclusive` names a choice ("None of these") that cannot go with others."""

    widget = CheckboxesInput()

    def __init__(
        self,
        label,
        *,
        choices,
        short=None,
        required=None,
        hint=None,
        exclusive=None,
        exclusive_message=None,
        summary=True,
        params=None,
        **kwargs,
    ):
        super().__init__(label, choices=choices, description=hint or "", **kwargs)
        self.setup(short, required, summary)
        self.exclusive, self.exclusive_message = exclusive, exclusive_message
        self.params = params or {}

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        self.data = list(dict.fromkeys(valuelist))

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if any(value not in allowed for value in self.data):
            self.data = [value for value in self.data if value in allowed]
            raise StopValidation(self.required_message)
        if self.exclusive in self.data and len(self.data) > 1:
            raise StopValidation(self.exclusive_message)
        self.check_required()

    def stored(self):
        order = [value for value, _label in self.choices]
        return sorted(self.data, key=order.index)

    def display(self, value) -> str:
        labels = dict(self.choices)
        return "\n".join(str(labels[item]) for item in value or [] if item in labels)


class DateAnswer(PortalField, Field):
    """The Design System date input: day, month and year boxes, messages that
    say which part is wrong, and only the wrong part styled as an error."""

    PARTS = ("day", "month", "year")

    def __init__(
        self,
        label,
        *,
        short,
        required=None,
        hint=None,
        past=True,
        not_future=False,
        bday=False,
        summary=True,
        **kwargs,
    ):
        super().__init__(label, description=hint or "", **kwargs)
        self.setup(short, required, summary)
        self.past, self.not_future, self.bday = past, not_future, bday
        self.parts = dict.fromkeys(self.PARTS, "")
        self.error_parts: tuple[str, ...] = ()

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.raw_data = None
        if formdata is not None:
            self.parts = {
                part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.PARTS
            }
            self.raw_data = list(self.parts.values())
            self.data = None
        else:
            value = data if data is not None else self.default
            self.data = value or None
            if self.data:
                parsed = date.fromisoformat(self.data)
                self.parts = {
                    "day": str(parsed.day),
                    "month": str(parsed.month),
                    "year": str(parsed.year),
                }

    def pre_validate(self, form):
        if self.raw_data is None:
            return
        for part, text in self.parts.items():
            if len(text) > 4 or has_control_characters(text, False):
                self.parts[part] = text[:4]
        missing = tuple(part for part in self.PARTS if not self.parts[part])
        if len(missing) == 3:
            self.error_parts = self.PARTS
            raise StopValidation(self.required_message)
        if missing:
            self.error_parts = missing
            words = {"day": _l("a day"), "month": _l("a month"), "year": _l("a year")}
            if len(missing) == 1:
                raise StopValidation(
                    _l(
                        "%(name)s must include %(part)s",
                        name=self.short_name,
                        part=words[missing[0]],
                    )
                )
            raise StopValidation(
                _l(
                    "%(name)s must include %(first)s and %(second)s",
                    name=self.short_name,
                    first=words[missing[0]],
                    second=words[missing[1]],
                )
            )
        self.data = self._parse()

    def _parse(self) -> str:
        day, month, year = (self.parts[part] for part in self.PARTS)
        if not all(p.isdigit() and p.isascii() for p in (day, month, year)):
            self.error_parts = self.PARTS
            raise StopValidation(_l("%(name)s must be a real date", name=self.short_name))
        if len(year) != 4:
            self.error_parts = ("year",)
            raise StopValidation(_l("Year must include 4 numbers"))
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = self.PARTS
            raise StopValidation(_l("%(name)s must be a real date", name=self.short_name)) from None
        if self.past and value >= london_today():
            self.error_parts = self.PARTS
            raise StopValidation(_l("%(name)s must be in the past", name=self.short_name))
        if self.not_future and value > london_today():
            self.error_parts = self.PARTS
            raise StopValidation(_l("%(name)s must be today or in the past", name=self.short_name))
        if value.year < 1900:
            self.error_parts = ("year",)
            raise StopValidation(_l("%(name)s must be after 1900", name=self.short_name))
        return value.isoformat()

    def stored(self):
        return self.data

    def display(self, value) -> str:
        if not value:
            return ""
        return format_date(date.fromisoformat(value), languages.current().date_format)

    @property
    def error_href(self) -> str:
        first = self.error_parts[0] if self.error_parts else "day"
        return f"#{self.id}-{first}"


def london_today() -> date:
    """Today where the force is, whatever the server's own time zone."""
    from portal import clock, deadlines

    return deadlines.local_date(clock.utcnow())


def age_in_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
