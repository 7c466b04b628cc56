"""Forms of the back office."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput

from portal.journeys.fields import ChoiceAnswer, EmailAnswer, TextAreaAnswer, TextField
from portal.journeys.forms import QuestionForm
from portal.models import Role

ROLE_CHOICES = [(role.value, role.label) for role in Role]


class PasswordAnswer(TextField):
    """A password: kept exactly as typed (no trimming), pasting allowed, with
    the Design System's show and hide button."""

    widget = GovPasswordInput()

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""


class SignInForm(QuestionForm):
    email = TextField(
        _l("Email address"),
        short=_l("Email address"),
        required=_l("Enter your email address"),
        max_length=254,
        params={"type": "email", "autocomplete": "username", "spellcheck": False},
    )
    password = PasswordAnswer(
        _l("Password"),
        short=_l("Password"),
        required=_l("Enter your password"),
        max_length=200,
        params={"autocomplete": "current-password"},
    )


class CodeForm(QuestionForm):
    code = TextField(
        _l("Enter the 6-digit code from your authenticator app"),
        short=_l("Code"),
        required=_l("Enter the 6-digit code from your authenticator app"),
        max_length=20,
        params={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": False,
            "classes": "govuk-input--width-5",
        },
    )


class NewPasswordForm(QuestionForm):
    password = PasswordAnswer(
        _l("Create a password"),
        short=_l("Password"),
        required=_l("Enter a password"),
        max_length=500,
        hint=_l(
            "At least 12 characters. A few random words together work well. "
            "You can use a password manager."
        ),
        params={"autocomplete": "new-password"},
    )


class InviteForm(QuestionForm):
    name = TextField(
        _l("Full name"),
        short=_l("Full name"),
        required=_l("Enter their full name"),
        max_length=100,
        params={"spellcheck": False},
    )
    email = EmailAnswer(
        _l("Work email address"),
        short=_l("Email address"),
        required=_l("Enter their work email address"),
    )
    role = ChoiceAnswer(
        _l("Role"),
        short=_l("Role"),
        choices=ROLE_CHOICES,
        required=_l("Select a role"),
    )


class RoleForm(QuestionForm):
    role = ChoiceAnswer(
        _l("Role"),
        short=_l("Role"),
        choices=ROLE_CHOICES,
        required=_l("Select a role"),
    )
    reason = TextAreaAnswer(
        _l("Why is their role changing?"),
        short=_l("Reason"),
        required=_l("Enter why their role is changing"),
        max_length=500,
        hint=_l("Administrators read this in the staff trail."),
        params={"rows": 3},
    )


class DisableForm(QuestionForm):
    reason = TextAreaAnswer(
        _l("Why is this account being disabled?"),
        short=_l("Reason"),
        required=_l("Enter why the account is being disabled"),
        max_length=500,
        hint=_l("Administrators read this in the staff trail."),
        params={"rows": 3},
    )


class ConfirmForm(QuestionForm):
    """A form with only its security token: for buttons that change something."""
