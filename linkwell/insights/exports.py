"""CSV and XLSX downloads of the dashboard tables: the same figures as the page, aggregates only.

Nothing here reads a name, NHS number, date of birth, address or contact detail: every table comes from
`panels.dashboard_tables`, which holds counts, rates and service names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from .panels import Table


def _safe(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection); numbers are fine.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(table: Table, filters: Sequence[tuple[str, str]]) -> str:
    """One table as CSV, with the filters and any note as leading comment lines."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"# {table.title}"])
    for name, value in filters:
        writer.writerow([f"# {name}: {value}"])
    if table.note:
        writer.writerow([f"# {table.note}"])
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe(cell) for cell in row])
    return out.getvalue()


def tables_xlsx(tables: Sequence[Table], filters: Sequence[tuple[str, str]]) -> bytes:
    """Every table as a sheet of one workbook, with a first sheet saying what the figures cover."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About"
    about.append(["Linkwell dashboard export"])
    about["A1"].font = Font(bold=True)
    for name, value in filters:
        about.append([name, value])
    about.append([])
    about.append(["Counts from 1 to 4 in area breakdowns are shown as hidden, with any figure that would reveal one."])
    for table in tables:
        sheet = book.create_sheet(title=table.slug[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        if table.note:
            sheet.append([table.note])
        sheet.append(table.columns)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
