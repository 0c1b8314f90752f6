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
import unicodedata
import zipfile

from kb import model
from kb.ledger import EDITABLE_COLUMNS, LEDGER_SHEET, MEASURE_ID_COLUMN, MEASURE_NAME_COLUMN, PROBLEM_ID_COLUMN, Column
from kb.loader import TEMPLATE_MARKERS

from .frontmatter_edit import EditError, set_keys
from .project import load_project, setup_logging, validate

log = logging.getLogger("kb.scripts")

MAX_TEXT = 100  # for a text column whose field declares no bound of its own
# The bounds of the fields the columns write: a cell the page would refuse is refused at the cell.
_MEASURE_FIELDS = model.field_specs(model.TYPES["measure"])
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


# Characters nobody types on purpose that change how a value reads or compares: zero-width
# and direction marks (pasted from the web), line and paragraph separators.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\u2028\u2029]")
# A spreadsheet too large for a ledger (a zip bomb unpacks to gigabytes): refused before reading.
MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000


def _cell_value(column: Column, cell, where: str, errors: list[CellError]):
    """The value a filled-in cell stands for, or None for an empty cell or an error."""
    raw = cell.value
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", model.STATUS_UNKNOWN)):
        return None  # empty, or what the site shows for empty: no change
    if cell.data_type == "e":  # #N/A, #REF! …: Excel's own error values
        errors.append(CellError(where, f"{column.header}单元格中是 Excel 的错误值“{raw}”，请改成要填写的内容"))
        return None
    if isinstance(raw, bool):
        errors.append(CellError(where, f"{column.header}应填写文字，这里是逻辑值 {raw}"))
        return None
    if column.kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        match = _DATE.match(unicodedata.normalize("NFKC", str(raw)))
        try:
            if match:
                return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
        errors.append(CellError(where, f"{column.header}“{raw}”不是有效日期，请写成 2026-12-31"))
        return None
    if not isinstance(raw, str):
        errors.append(CellError(where, f"{column.header}应填写文字，这里是数字或日期“{raw}”；要写数字时请在前面加英文单引号"))
        return None
    text = raw.strip()
    if _INVISIBLE.search(text):
        errors.append(CellError(where, f"{column.header}中有看不见的字符（零宽空格、方向控制符或分隔符，多从网页复制而来），请删去后重新输入"))
        return None
    if column.kind == "choice":
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
    elif len(text) > (limit := _MEASURE_FIELDS[column.field].max_chars or MAX_TEXT):
        errors.append(CellError(where, f"{column.header}最多 {limit} 个字，请写单位或岗位的简称"))
    else:
        return text
    return None


def _header_name(value) -> str:
    """A header as the site wrote it, whatever a clerk added: spaces, line breaks, a `*`
    for required, a note in brackets (完成时限（年-月-日）)."""
    text = re.sub(r"\s+|[*＊]", "", str(value))
    return re.sub(r"[（(][^（()）]*[）)]$", "", text) if text != MEASURE_ID_COLUMN else text


def _open(path: Path):
    """Both readings of the workbook: values as last computed, and formulas as written."""
    from openpyxl import load_workbook

    if path.suffix.lower() == ".xls":
        raise SystemExit(_fail(f"{path} 是旧的 .xls 格式：请在 Excel 或 WPS 中“另存为” .xlsx 后再读回"))
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SystemExit(_fail(f"{path} 有 {path.stat().st_size // 1_000_000} MB，不像整改台账：请用网站下载的台账填写"))
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as error:
        raise SystemExit(_fail(f"{path} 不是能打开的 Excel 表格（.xlsx）：{error}")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SystemExit(_fail(f"{path} 解压后超过 {MAX_UNPACKED_BYTES // 1_000_000} MB，不像整改台账：请用网站下载的台账填写"))
    try:
        return load_workbook(path, data_only=True), load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many kinds (InvalidFileException, ParseError, KeyError…)
        raise SystemExit(_fail(f"{path} 不是能打开的 Excel 表格（.xlsx）：{type(error).__name__}；"
                               "请在 Excel 或 WPS 中打开后另存为 .xlsx 再读回")) from None


def read_ledger(path: Path, measures: dict[str, model.Item]) -> tuple[dict[str, dict[str, tuple[object, str]]], list[CellError]]:
    """Each measure's filled-in values (with the cell they came from), and every bad cell."""
    from openpyxl.utils import get_column_letter

    errors: list[CellError] = []
    values_book, formulas_book = _open(path)
    if LEDGER_SHEET not in values_book.sheetnames:
        raise SystemExit(_fail(f"{path} 中没有“{LEDGER_SHEET}”工作表：请使用网站下载的 exports/ledger.xlsx 填写，不要改工作表名称"))
    sheet, formulas = values_book[LEDGER_SHEET], formulas_book[LEDGER_SHEET]

    def ref(column_number: int, row_number: int) -> str:
        return f"{LEDGER_SHEET}!{get_column_letter(column_number)}{row_number}"

    header: dict[str, int] = {}
    for cell in sheet[1]:
        if cell.value is None:
            continue
        name = _header_name(cell.value)
        if name in header:
            errors.append(CellError(ref(cell.column, 1), f"有两列都叫“{name}”（另一列是 {get_column_letter(header[name])} 列）：请删去多余的一列"))
            continue
        header[name] = cell.column
    if MEASURE_ID_COLUMN not in header:
        raise SystemExit(_fail(f"{LEDGER_SHEET}表第 1 行没有“{MEASURE_ID_COLUMN}”一列：读回时靠它找到措施，请用网站下载的表格重新填写"))
    columns = [(column, header[column.header]) for column in EDITABLE_COLUMNS if column.header in header]
    if not columns:
        raise SystemExit(_fail(f"{LEDGER_SHEET}表第 1 行没有可以读回的列（{'、'.join(c.header for c in EDITABLE_COLUMNS)}）：请用网站下载的表格填写"))
    filled_columns = {number for _, number in columns}
    for merged in sheet.merged_cells.ranges:
        if merged.max_row >= 2 and any(merged.min_col <= n <= merged.max_col for n in filled_columns | {header[MEASURE_ID_COLUMN]}):
            errors.append(CellError(f"{LEDGER_SHEET}!{merged.coord}", "合并的单元格只算第一行：请取消合并，在每一行分别填写"))
    values: dict[str, dict[str, tuple[object, str]]] = {}
    for row in sheet.iter_rows(min_row=2):
        number = row[0].row
        cells = {cell.column: cell for cell in row}
        for _, column_number in columns:
            written = formulas.cell(number, column_number).value
            if column_number in cells and cells[column_number].value is None and isinstance(written, str) and written.startswith("="):
                errors.append(CellError(ref(column_number, number), "这里是公式，但文件中没有它的计算结果：请直接填写内容（或在 Excel 中打开、保存后再读回）"))
        filled = [(column, cells[n]) for column, n in columns if n in cells and cells[n].value not in (None, "")]
        id_cell = cells.get(header[MEASURE_ID_COLUMN])
        measure_id = str(id_cell.value).strip() if id_cell is not None and id_cell.value is not None else ""
        id_ref = ref(header[MEASURE_ID_COLUMN], number)
        if not measure_id:
            if filled:
                errors.append(CellError(id_ref, f"这一行填写了内容，但“{MEASURE_ID_COLUMN}”是空的：请不要删除或新增行，只在已有的行中填写"))
            continue
        measure = measures.get(measure_id)
        if measure is None:
            errors.append(CellError(id_ref, f"知识库中没有整改措施“{measure_id}”：这一列不要修改；措施已删除或改名时请重新下载台账"))
            continue
        if filled and (mismatch := _misplaced(measure, cells, header)):
            errors.append(CellError(id_ref, f"{mismatch}：可能排序或粘贴时错了行。请只对整张表排序，或重新下载台账填写"))
            continue
        mine = values.setdefault(measure_id, {})
        for column, cell in filled:
            where = ref(header[column.header], number)
            value = _cell_value(column, cell, where, errors)
            if value is None:
                continue
            if column.field in mine and mine[column.field][0] != value:
                earlier_value, earlier_cell = mine[column.field]
                errors.append(CellError(where, f"同一项措施（{measure_id}）的{column.header}在 {earlier_cell} 写的是“{_shown(earlier_value)}”，"
                                               f"这里是“{_shown(value)}”：请改成一致，或只填其中一行"))
                continue
            mine[column.field] = (value, where)
    return values, errors


def _misplaced(measure: model.Item, cells: dict, header: dict[str, int]) -> str:
    """Why this row's ID does not belong with the rest of its row (a column sorted on its own,
    a paste one row off), or "" when it does."""
    problems = {r.target for r in measure.relations if r.key == "problems"}
    problem_cell = cells.get(header.get(PROBLEM_ID_COLUMN, -1))
    if problem_cell is not None and problem_cell.value and str(problem_cell.value).strip() not in problems:
        return f"措施 {measure.id} 并不针对这一行的问题 {str(problem_cell.value).strip()}"
    name_cell = cells.get(header.get(MEASURE_NAME_COLUMN, -1))
    if name_cell is not None and name_cell.value and not str(name_cell.value).strip().endswith(measure.title):
        return f"这一行的整改措施是“{str(name_cell.value).strip()}”，引用编号 {measure.id} 却是“{measure.title}”"
    return ""


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
    # Every page's new text is worked out before any is written: a page that cannot be edited
    # safely stops the import with nothing changed.
    labels = {c.field: c.header for c in EDITABLE_COLUMNS}
    new_texts: dict[Path, str] = {}
    for change in changes:
        file = project.docs_dir / change.path
        summary = "；".join(f"{labels[name]} {change.old[name] or model.STATUS_UNKNOWN} → {_shown(value)}"
                           for name, value in change.new.items())
        log.info(f"{project.display_path(change.path)}：{summary}")
        try:
            new_texts[file] = set_keys(file.read_text(encoding="utf-8"), change.new, insert_before=model.TYPES["measure"].relations)
        except EditError as error:
            return _fail(f"{project.display_path(change.path)}：{error}；请手工修改这个页面。没有修改任何页面。")
    if args.dry_run:
        log.info(f"共 {len(changes)} 个页面将被修改（--dry-run：没有写入）。")
        return 0
    originals = {file: file.read_bytes() for file in new_texts}
    try:
        for file, text in new_texts.items():
            file.write_bytes(text.encode("utf-8"))
        after = validate(project)
    except BaseException:
        _restore(originals)
        raise
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

