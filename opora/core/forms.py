"""What every form page shares: a service's refusal shown on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors beside the form's fields where they name one, at the top otherwise."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, problems in by_field.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
