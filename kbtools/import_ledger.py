"""把填好的整改台账（Excel）读回知识库：更新各整改措施页面的 front matter。

    python scripts/import_ledger.py 整改台账.xlsx             # 检查并写入
    python scripts/import_ledger.py 整改台账.xlsx --dry-run   # 只列出将要做的修改

表格是网站下载的 exports/ledger.xlsx，在黄色表头的列中填写了责任单位、责任人、完成时限、
整改状态、验收人、验收日期。每个填写的单元格都先检查；有任何一个不对，就逐个列出
（“整改台账!J5：……”）并且不改任何文件。空单元格表示不修改（不会清除页面中已有的内容）。
写入后再按构建的规则检查一遍整个知识库，不通过就恢复原样。
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
import datetime as dt
import logging
from pathlib import Path
import re
import zipfile

from kb import model
from kb.ledger import EDITABLE_COLUMNS, LEDGER_SHEET, MEASURE_ID_COLUMN, Column
from kb.loader import TEMPLATE_MARKERS

from .frontmatter_edit import EditError, set_keys
from .project import load_project, setup_logging, validate

log = logging.getLogger("kb.scripts")

MAX_TEXT = 100
# Dates as people type them in a cell formatted as text.
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class CellError:
    cell: str  # 整改台账!J5
    message: str

    def __str__(self) -> str:
        return f"{self.cell}：{self.message}"


@dataclass
class Change:
    path: str  # docs-relative
    old: dict[str, str]
    new: dict[str, object]


def _cell_value(column: Column, raw, where: str, errors: list[CellError]):
    """The value a filled-in cell stands for, or None for an empty cell or an error."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if column.kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        match = _DATE.match(str(raw))
        try:
            if match:
                return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
        errors.append(CellError(where, f"{column.header}“{raw}”不是有效日期，请写成 2026-12-31"))
        return None
    text = str(raw).strip() if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))
    if column.kind == "choice":
        if text == model.STATUS_UNKNOWN:
            return None  # what the site shows for a blank: no change
        if text not in column.choices:
            former = model.FORMER_STATUSES.get(text)
            hint = f"“{text}”已改称“{former}”" if former else "请从下拉列表中选择"
            errors.append(CellError(where, f"{column.header}不能是“{text}”：{hint}，可选值：{'、'.join(column.choices)}"))
            return None
        return text
    if "\n" in text or "\r" in text:
        errors.append(CellError(where, f"{column.header}只能写一行，请删去单元格中的换行"))
    elif any(marker in text for marker in TEMPLATE_MARKERS):
        errors.append(CellError(where, f"{column.header}中不能出现 {{{{、{{% 或 {{#"))
    elif len(text) > MAX_TEXT:
        errors.append(CellError(where, f"{column.header}最多 {MAX_TEXT} 个字，请写单位或岗位的简称"))
    else:
        return text
    return None


def read_ledger(path: Path, measures: dict[str, model.Item]) -> tuple[dict[str, dict[str, tuple[object, str]]], list[CellError]]:
    """Each measure's filled-in values (with the cell they came from), and every bad cell."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    errors: list[CellError] = []
    try:
        workbook = load_workbook(path, data_only=True)  # formulas as their last computed values
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise SystemExit(_fail(f"{path} 不是能打开的 Excel 表格（.xlsx）：{error}")) from None
    if LEDGER_SHEET not in workbook.sheetnames:
        raise SystemExit(_fail(f"{path} 中没有“{LEDGER_SHEET}”工作表：请使用网站下载的 exports/ledger.xlsx 填写，不要改工作表名称"))
    sheet = workbook[LEDGER_SHEET]
    header = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value is not None}
    if MEASURE_ID_COLUMN not in header:
        raise SystemExit(_fail(f"{LEDGER_SHEET}表第 1 行没有“{MEASURE_ID_COLUMN}”一列：读回时靠它找到措施，请用网站下载的表格重新填写"))
    columns = [(column, header[column.header]) for column in EDITABLE_COLUMNS if column.header in header]
    values: dict[str, dict[str, tuple[object, str]]] = {}
    for row in sheet.iter_rows(min_row=2):
        cells = {cell.column: cell for cell in row}

        def ref(column_number: int, row_number: int = row[0].row) -> str:
            return f"{LEDGER_SHEET}!{get_column_letter(column_number)}{row_number}"

        filled = [(column, cells[number].value) for column, number in columns
                  if number in cells and cells[number].value not in (None, "")]
        id_cell = cells.get(header[MEASURE_ID_COLUMN])
        measure_id = str(id_cell.value).strip() if id_cell is not None and id_cell.value is not None else ""
        if not measure_id:
            if filled:
                errors.append(CellError(ref(header[MEASURE_ID_COLUMN]), f"这一行填写了内容，但“{MEASURE_ID_COLUMN}”是空的：请不要删除或新增行，只在已有的行中填写"))
            continue
        if measure_id not in measures:
            errors.append(CellError(ref(header[MEASURE_ID_COLUMN]), f"知识库中没有整改措施“{measure_id}”：这一列不要修改；措施已删除或改名时请重新下载台账"))
            continue
        mine = values.setdefault(measure_id, {})
        for column, raw in filled:
            where = ref(header[column.header])
            value = _cell_value(column, raw, where, errors)
            if value is None:
                continue
            if column.field in mine and mine[column.field][0] != value:
                earlier_value, earlier_cell = mine[column.field]
                errors.append(CellError(where, f"同一项措施（{measure_id}）的{column.header}在 {earlier_cell} 写的是“{earlier_value}”，"
                                               f"这里是“{value}”：请改成一致，或只填其中一行"))
                continue
            mine[column.field] = (value, where)
    return values, errors


def _fail(message: str) -> int:
    log.error(message)
    return 1


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def plan_changes(values: dict[str, dict[str, tuple[object, str]]], measures: dict[str, model.Item]) -> list[Change]:
    changes = []
    for measure_id, filled in sorted(values.items()):
        measure = measures[measure_id]
        new = {name: value for name, (value, _) in filled.items() if _shown(value) != str(measure.get(name) or "")}
        if new:
            changes.append(Change(measure.path, {name: str(measure.get(name) or "") for name in new}, new))
    return changes


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    parser = argparse.ArgumentParser(description="把填好的整改台账（Excel）读回知识库。")
    parser.add_argument("file", type=Path, help="填好的 ledger.xlsx")
    parser.add_argument("--dry-run", action="store_true", help="只列出将要做的修改，不写入文件")
    args = parser.parse_args(argv)
    project = load_project()
    if not args.file.is_file():
        return _fail(f"找不到文件 {args.file}")
    before = validate(project)
    if not before.ok or before.content is None:
        for finding in before.findings:
            log.error(finding.render(project))
        return _fail("知识库本身有错误（见上），请先按提示改正，再读回台账。")
    measures = {item.id: item for item in before.content.items.values() if item.type == "measure"}
    values, errors = read_ledger(args.file, measures)
    if errors:
        for error in errors:
            log.error(str(error))
        return _fail(f"台账中有 {len(errors)} 处需要改正（见上），没有修改任何页面。")
    changes = plan_changes(values, measures)
    if not changes:
        log.info("台账与知识库一致，没有需要修改的页面。")
        return 0
    originals: dict[Path, bytes] = {}
    labels = {c.field: c.header for c in EDITABLE_COLUMNS}
    for change in changes:
        file = project.docs_dir / change.path
        summary = "；".join(f"{labels[name]} {change.old[name] or model.STATUS_UNKNOWN} → {_shown(value)}"
                           for name, value in change.new.items())
        log.info(f"{project.display_path(change.path)}：{summary}")
        if args.dry_run:
            continue
        originals[file] = file.read_bytes()
        try:
            text = set_keys(originals[file].decode("utf-8"), change.new, insert_before=model.TYPES["measure"].relations)
        except EditError as error:
            _restore(originals)
            return _fail(f"{project.display_path(change.path)}：{error}；请手工修改这个页面。没有修改任何页面。")
        file.write_bytes(text.encode("utf-8"))
    if args.dry_run:
        log.info(f"共 {len(changes)} 个页面将被修改（--dry-run：没有写入）。")
        return 0
    after = validate(project)
    if not after.ok:
        for finding in after.findings:
            log.error(finding.render(project))
        _restore(originals)
        return _fail("写入后检查没有通过（见上），已恢复原样。")
    log.info(f"已更新 {len(changes)} 个整改措施页面。请用 git diff 查看修改，提交后开 Pull Request。")
    return 0


def _restore(originals: dict[Path, bytes]) -> None:
    for file, data in originals.items():
        file.write_bytes(data)

