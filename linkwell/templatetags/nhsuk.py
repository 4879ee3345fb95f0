"""Render Django form fields as NHS.UK design system components."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    # CheckboxSelectMultiple subclasses RadioSelect, so it is tested first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    return "input"


@register.inclusion_tag("nhsuk/field.html")
def nhs_field(field: BoundField, width: str = "", hint: str = "", legend_size: str = "s") -> dict[str, Any]:
    """One form group: label or legend, hint, inline error message and the control."""
    return {
        "field": field,
        "kind": _kind(field),
        "width": width,
        "hint": hint or field.help_text,
        "legend_size": legend_size,
        "errors": field.errors,
        "describedby": " ".join(
            part
            for part in (
                f"{field.auto_id}-hint" if (hint or field.help_text) else "",
                f"{field.auto_id}-error" if field.errors else "",
            )
            if part
        ),
    }


@register.inclusion_tag("nhsuk/error_summary.html")
def nhs_error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    """The error summary at the top of a page: each message links to its field."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if not isinstance(form, forms.BaseForm) or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": str(error)})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            target = bound.auto_id
            if isinstance(bound.field.widget, forms.MultiWidget | forms.RadioSelect):
                target = f"{bound.auto_id}_0"
            for error in errors:
                items.append({"href": f"#{target}", "text": str(error)})
    return {"items": items}


@register.filter
def nhs_tag_colour(value: str) -> str:
    """A tag colour for a status word, so statuses read the same on every page."""
    colours = {
        "view": "grey",
        "search": "grey",
        "create": "green",
        "update": "blue",
        "withdraw": "orange",
        "login": "white",
        "logout": "white",
        "login_failed": "red",
        "switch": "white",
        "export": "purple",
    }
    return colours.get(value, "grey")
