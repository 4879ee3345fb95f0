"""The measure definitions in force: built-ins with any wording the deployment loaded, and each scheme's own."""

from __future__ import annotations

from collections.abc import Mapping

from linkwell.accounts.models import Scheme

from .models import DefinitionKind, MeasureDefinitionRecord, SchemeOutcomeSettings
from .scoring import BUILT_IN_MEASURES, MeasureDefinition, custom_measure_from_dict, load_item_text


class UnknownMeasure(LookupError):
    """No built-in or scheme measure has this code."""


def _with_loaded_wording(definition: MeasureDefinition, data: Mapping[str, object]) -> MeasureDefinition:
    items = data.get("items")
    options = data.get("options")
    if not isinstance(items, Mapping):
        return definition
    return load_item_text(definition, items, options if isinstance(options, Mapping) else None)


def measure_definition(code: str, scheme: Scheme | None = None) -> MeasureDefinition:
    """The definition for a code: a built-in (with loaded wording, if any) or the scheme's own measure."""
    if code in BUILT_IN_MEASURES:
        definition = BUILT_IN_MEASURES[code]
        record = MeasureDefinitionRecord.objects.filter(scheme__isnull=True, code=code).first()
        return _with_loaded_wording(definition, record.data) if record is not None else definition
    if scheme is not None:
        custom = MeasureDefinitionRecord.objects.filter(scheme=scheme, code=code, kind=DefinitionKind.CUSTOM).first()
        if custom is not None:
            return custom_measure_from_dict(custom.data)
    raise UnknownMeasure(code)


def custom_measures(scheme: Scheme) -> list[MeasureDefinition]:
    """The scheme's own measures, by code."""
    records = MeasureDefinitionRecord.objects.filter(scheme=scheme, kind=DefinitionKind.CUSTOM).order_by("code")
    return [custom_measure_from_dict(record.data) for record in records]


def outcome_settings_for(scheme: Scheme) -> SchemeOutcomeSettings:
    """The scheme's outcomes settings, created with the defaults the first time they are needed."""
    found, _ = SchemeOutcomeSettings.objects.get_or_create(scheme=scheme)
    return found


def scheme_measures(scheme: Scheme) -> list[MeasureDefinition]:
    """The measures the scheme has switched on, in its chosen order; unknown codes are skipped."""
    settings = outcome_settings_for(scheme)
    found: list[MeasureDefinition] = []
    for code in settings.measures:
        try:
            found.append(measure_definition(str(code), scheme))
        except UnknownMeasure:
            continue
    return found
