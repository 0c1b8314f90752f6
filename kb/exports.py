"""Exports for download: CSV, XLSX and JSON, rendered from the same index as the pages.

Only what the index holds for the build's audience is exported (internal evidence on a public
measure is left out of public exports), and nothing that the report does not give: the ledger's
owner, deadline and status cells are blank until an editor records them, ready to be filled
in and read back by scripts/import_ledger.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile

from . import model
from .index import ContentIndex
from .ledger import EDITABLE_COLUMNS, LEDGER_COLUMNS, LEDGER_SHEET, PROBLEM_SHEET, ledger_rows, problem_rows
from .memo import BytesMemo
from .rectification import measure_state

EXPORT_FILES = ("exports/problems.csv", "exports/ledger.csv", "exports/ledger.xlsx", "exports/knowledge-base.json",
                "exports/knowledge-base.schema.json")


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
        if key in specs and specs[key].kind == "list[record]":
            value = [entry for entry in value if index.visible(entry.get("audience", model.DEFAULT_AUDIENCE))]
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
        if item.type == "measure":
            state = measure_state(index, item, build_info["date"])
            entry["rectification"] = {"status": state.status, "overdue": state.overdue}
        items.append(entry)
    data = {"$schema": "knowledge-base.schema.json", "build": build_info, "audience": index.audience, "items": items}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _style_sheet(sheet, widths: list[int], editable: set[int]) -> None:
    """Bold header on a tinted band (fill-in columns in yellow), widths, wrapping, frozen header and
    a filter on every column: what an office expects of a sheet it is handed to fill in."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill, editable_fill = PatternFill("solid", fgColor="DDE4EE"), PatternFill("solid", fgColor="FFF2CC")
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")  # one object: building one per cell was half the export's time
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = editable_fill if cell.column in editable else header_fill
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _validations(sheet, rows: int) -> None:
    """Lists for the status, dates for the date columns, on every row of the ledger."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last = max(rows, 2)
    for number, column in enumerate(LEDGER_COLUMNS, start=1):
        letter = get_column_letter(number)
        if column.kind == "choice":
            rule = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                  showErrorMessage=True, errorTitle="整改状态",
                                  error="请从下拉列表中选择：" + "、".join(column.choices))
        elif column.kind == "date":
            rule = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                                  showErrorMessage=True, errorTitle=column.header,
                                  error="请填写日期，例如 2026-12-31")
        else:
            continue
        rule.promptTitle, rule.prompt, rule.showInputMessage = column.header, rule.error, True
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)


INSTRUCTIONS = (
    ("怎样填写", ""),
    ("1", "在“整改台账”表中填写黄色表头的列：责任单位、责任人、完成时限、整改状态、验收人、验收日期。"),
    ("2", "整改状态从下拉列表中选择；日期写成 2026-12-31。其他列由知识库生成，改了也不会读回；"
          "其中“整改措施”“措施引用编号”“问题引用编号”三列读回时用来核对每一行，不要修改，也不要单独对某一列排序。"),
    ("3", "同一项措施出现在几行（对应几个问题）时，各行填写的内容要一致；只填其中一行也可以。"),
    ("4", "“措施引用编号”一列不要修改、不要删除：读回时靠它找到对应的措施页面。"),
    ("5", "填好后交给知识库编辑，运行 python scripts/import_ledger.py 文件名.xlsx 读回；有错的单元格会逐个列出。"),
    ("说明", "知识库只记录报告和编辑核实过的情况；报告没有载明的内容留空，不要估计。"),
)


def xlsx(sheets: dict[str, list[list[str]]], timestamp: dt.datetime) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    editable_columns = {LEDGER_COLUMNS.index(c) + 1 for c in EDITABLE_COLUMNS}
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        ledger = name == LEDGER_SHEET
        date_columns = {n for n, c in enumerate(LEDGER_COLUMNS, start=1) if c.kind == "date"} if ledger else set()
        # Cell by cell, row numbers counted here: asking the sheet for its last row after each
        # append (sheet[sheet.max_row]) scans every cell, which made the export quadratic.
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if ledger and column_number == 1 and row_number > 1:  # 序号 as a number, so the sheet sorts by it
                    sheet.cell(row=row_number, column=1, value=int(value))
                    continue
                if column_number in date_columns and row_number > 1 and value:
                    cell = sheet.cell(row=row_number, column=column_number, value=dt.date.fromisoformat(value))
                    cell.number_format = "yyyy-mm-dd"
                    continue
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        if ledger:
            _style_sheet(sheet, [c.width for c in LEDGER_COLUMNS], editable_columns)
            _validations(sheet, len(rows))
        else:
            widths = [40 if max(len(str(r[n] or "")) for r in rows) > 20 else 14 for n in range(len(rows[0]))]
            _style_sheet(sheet, widths, set())
    notes = workbook.create_sheet("填写说明")
    for row_number, (label, text) in enumerate(INSTRUCTIONS, start=1):
        notes.cell(row=row_number, column=1, value=label).data_type = "s"
        notes.cell(row=row_number, column=2, value=text).data_type = "s"
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 10, 90
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


# Under `mkdocs serve` every rebuild makes the exports again, and writing the workbook was most
# of a rebuild after one page was saved (0.5 s of CPU at 2,000 items); most saves change no
# cell of it. The workbook is a function of its cells and the build time: kept for the last
# few, by a digest of both.
_WORKBOOKS: BytesMemo[bytes] = BytesMemo(limit_bytes=64 * 1024 * 1024)


def _workbook(sheets: dict[str, list[list[str]]], timestamp: dt.datetime) -> bytes:
    text = json.dumps([sheets, timestamp.isoformat()], ensure_ascii=False, default=str).encode("utf-8")
    return _WORKBOOKS.get(hashlib.sha256(text).digest(), len(text), lambda: xlsx(sheets, timestamp))


def build_exports(index: ContentIndex, build_info: dict, timestamp: dt.datetime) -> dict[str, bytes]:
    problems, ledger = problem_rows(index), ledger_rows(index, build_info["date"])
    return {
        "exports/problems.csv": _csv(problems),
        "exports/ledger.csv": _csv(ledger),
        "exports/ledger.xlsx": _workbook({LEDGER_SHEET: ledger, PROBLEM_SHEET: problems}, timestamp),
        "exports/knowledge-base.json": knowledge_base_json(index, build_info),
        "exports/knowledge-base.schema.json": json.dumps(knowledge_base_schema(), ensure_ascii=False, indent=1,
                                                         sort_keys=True).encode("utf-8"),
    }


_SCALAR_SCHEMAS = {
    "str": {"type": "string"}, "line": {"type": "string"}, "choice": {"type": "string"},
    "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "url": {"type": "string", "pattern": "^https?://"}, "bool": {"type": "boolean"},
}


def _field_schema(fspec: model.FieldSpec) -> dict:
    if fspec.kind == "choice":
        return {"enum": list(fspec.choices), "title": fspec.label}
    if fspec.kind == "list[record]":
        properties = {r.name: {**_SCALAR_SCHEMAS[r.kind], "title": r.label, **({"enum": list(r.choices)} if r.choices else {})}
                      for r in fspec.record}
        return {"type": "array", "title": fspec.label, "items": {
            "type": "object", "properties": properties, "additionalProperties": False,
            "required": [r.name for r in fspec.record if r.required]}}
    if fspec.kind.startswith("list["):
        return {"type": "array", "title": fspec.label, "items": {"type": "string"}}
    return {**_SCALAR_SCHEMAS[fspec.kind], "title": fspec.label}


def knowledge_base_schema() -> dict:
    """JSON Schema (2020-12) of knowledge-base.json, from the model: one variant per type."""
    variants = []
    for spec in model.TYPES.values():
        fields = {f.name: _field_schema(f) for f in model.COMMON_FIELDS + spec.fields
                  if f.name not in ("id", "type", "title", "audience", "source")}
        variants.append({
            "properties": {"type": {"const": spec.name},
                           "fields": {"type": "object", "properties": fields, "additionalProperties": False},
                           "relations": {"type": "array", "items": {"type": "object", "properties": {
                               "key": {"enum": list(spec.relations)}, "id": {"type": "string"},
                               "editorial": {"type": "string"}}, "required": ["key", "id"], "additionalProperties": False}}},
        })
    rectification = {"type": "object", "properties": {
        "status": {"enum": [*model.RECTIFICATION_STATUSES, model.STATUS_UNKNOWN]}, "overdue": {"type": "boolean"}},
        "required": ["status", "overdue"], "additionalProperties": False}
    item = {
        "type": "object",
        "required": ["id", "type", "title", "path", "audience", "source", "fields", "relations", "sections"],
        "properties": {
            "id": {"type": "string", "pattern": model.ID_PATTERN.pattern},
            "type": {"enum": list(model.TYPES)}, "title": {"type": "string"}, "path": {"type": "string"},
            "audience": {"enum": list(model.AUDIENCES)}, "source": {"type": "string"},
            "fields": {"type": "object"}, "relations": {"type": "array"},
            "sections": {"type": "object", "additionalProperties": {"type": "string"}},
            "rectification": rectification,
        },
        "additionalProperties": False,
        "oneOf": variants,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "清廉建设知识库 导出数据（exports/knowledge-base.json）",
        "type": "object",
        "required": ["build", "audience", "items"],
        "properties": {
            "$schema": {"type": "string"},
            "build": {"type": "object", "properties": {"date": {"type": "string"}, "version": {"type": "string"}},
                      "required": ["date", "version"]},
            "audience": {"enum": list(model.AUDIENCES)},
            "items": {"type": "array", "items": item},
        },
        "additionalProperties": False,
    }
