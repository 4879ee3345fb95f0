"""The scoped-access check fails on a view that queries personal data directly."""

import importlib.util
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_scoped_access.py"


def load_check():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_scoped_access", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_reports_a_view_that_uses_person_objects(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    check = load_check()
    app = tmp_path / "linkwell" / "someapp"
    app.mkdir(parents=True)
    view = app / "views.py"
    view.write_text("from x import Person\n\ndef v(request):\n    return Person.objects.all()\n")
    monkeypatch.setattr(check, "ROOT", tmp_path / "linkwell")
    found = check.violations(view)
    assert len(found) == 1
    assert found[0].endswith(
        "views.py:4: Person.objects used directly; use the access policy's scoped accessor instead"
    )
    assert check.main([str(view)]) == 1


def test_it_passes_the_project_as_it_is() -> None:
    assert load_check().main([]) == 0
