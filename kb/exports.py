"""Exports for download: CSV, XLSX and JSON, rendered from the same index as the pages.

Only what the index holds for the build's audience is exported, and nothing
that the report does not give (no owners, deadlines or statuses are added).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

from . import model
from .index import ContentIndex
from .ledger import ledger_rows, problem_rows

EXPORT_FILES = ("exports/problems.csv", "exports/ledger.csv", "exports/ledger.xlsx", "exports/knowledge-base.json")


# Spreadsheet programs run a cell that starts with one of these as a formula
# (=HYPERLINK(…) can send data away or run commands through DDE). Text from a pull
# request must stay text: CSV cells get a leading apostrophe (OWASP's advice for
# "CSV injection"), xlsx cells are written as strings.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([[_csv_text(cell) for cell in row] for row in rows])
    # A BOM lets Excel on Windows open the UTF-8 file without mangling Chinese.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _visible_fields(index: ContentIndex, item: model.Item) -> dict:
    """The item's own fields, with id lists (a session's `items`) cut to the ids this audience sees."""
    specs = model.field_specs(item.spec)
    fields = {}
    for key, value in item.fields.items():
        if key in ("id", "type", "title", "audience", "source"):
            continue
        if key in specs and specs[key].kind == "list[id]":
            value = [ref for ref in value if ref in index.items]
        fields[key] = value
    return fields


def knowledge_base_json(index: ContentIndex, build_info: dict) -> bytes:
    items = []
    for item in index.items.values():
        entry = {
            "id": item.id, "type": item.type, "title": item.title, "path": item.path,
            "audience": item.audience, "source": item.source,
            "fields": _visible_fields(index, item),
            "relations": [
                {"key": r.key, "id": r.target, **({"editorial": r.editorial} if r.editorial else {})}
                for r in item.relations if r.target in index.items
            ],
            "sections": item.sections,
        }
        items.append(entry)
    data = {"build": build_info, "audience": index.audience, "items": items}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def xlsx(sheets: dict[str, list[list[str]]], timestamp: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        # Cell by cell, row numbers counted here: asking the sheet for its last row after each
        # append (sheet[sheet.max_row]) scans every cell, which made the export quadratic.
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = 40 if max(len(str(c.value or "")) for c in column) > 20 else 14
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    # Zip entries cannot be dated before 1980.
    naive = max(timestamp.replace(tzinfo=None), dt.datetime(1980, 1, 1))
    workbook.properties.created = naive
    workbook.properties.modified = naive
    workbook.properties.creator = "清廉建设知识库"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalise_zip(buffer.getvalue(), naive)


def _normalise_zip(data: bytes, timestamp: dt.datetime) -> bytes:
    """Rewrite a zip with fixed entry times so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    # openpyxl's save() stamps docProps/core.xml with the wall clock as "modified".
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=timestamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            member = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                lambda m: m.group(1) + stamp + m.group(2), member)
            target.writestr(fixed, member)
    return out.getvalue()


def build_exports(index: ContentIndex, build_info: dict, timestamp: dt.datetime) -> dict[str, bytes]:
    problems, ledger = problem_rows(index), ledger_rows(index)
    return {
        "exports/problems.csv": _csv(problems),
        "exports/ledger.csv": _csv(ledger),
        "exports/ledger.xlsx": xlsx({"整改台账": ledger, "问题清单": problems}, timestamp),
        "exports/knowledge-base.json": knowledge_base_json(index, build_info),
    }
