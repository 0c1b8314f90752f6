"""Rectification as it is run: the ledger per report, overdue against the build date, a
problem found again in a later round, exports people fill in, and the import that reads a
filled-in ledger back. Real builds of tests/support/rounds.py (a fixture round; the published
content records no statuses)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
import re
import shutil

import jsonschema
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
import pytest

from kb.ledger import LEDGER_COLUMNS, MEASURE_ID_COLUMN
from tests.support.project import make_project, run_mkdocs, run_script
from tests.support.rounds import (
    BUILT_AFTER_DEADLINE,
    BUILT_BEFORE_DEADLINE,
    INTERNAL_EVIDENCE,
    PUBLIC_EVIDENCE,
    ROUND_DOCS,
    epoch,
    ledger_rows,
)
from tests.support.site import snapshot


def _build(root: Path, day: str, audience: str | None = None):
    project = make_project(root / "project", ROUND_DOCS) if not (root / "project").exists() else root / "project"
    env = {"SOURCE_DATE_EPOCH": epoch(day), **({"KB_AUDIENCE": audience} if audience else {})}
    result = run_mkdocs(project, site=root / "site", env=env)
    assert result.ok, result.output
    return result


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("after"), BUILT_AFTER_DEADLINE)


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("before"), BUILT_BEFORE_DEADLINE)


@pytest.fixture(scope="module")
def internal(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("internal"), BUILT_AFTER_DEADLINE, "internal")


_INLINE = re.compile(r"</?(?:a|span|strong|em|small|abbr|code)\b[^>]*>")


def text_of(html: str) -> str:
    """The article's text as it reads: inline tags dropped, blocks apart, whitespace collapsed."""
    article = html[html.index("<article"):html.index("</article>")]
    return " ".join(re.sub(r"<[^>]+>", " ", _INLINE.sub("", article)).split())


def ledger_csv(result) -> list[dict[str, str]]:
    raw = (result.site / "exports" / "ledger.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads the BOM as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def row_of(rows, measure_id: str, problem_id: str) -> dict[str, str]:
    [row] = [r for r in rows if r[MEASURE_ID_COLUMN] == measure_id and r["问题引用编号"] == problem_id]
    return row


# -- the ledger and overdue ---------------------------------------------------------------------


def test_ledger_groups_rows_by_report_and_numbers_them(after):
    rows = ledger_csv(after)
    assert [(r["督导报告"], r["序号"], r[MEASURE_ID_COLUMN]) for r in rows] == [
        ("报告一：测试督导调研报告", "1", "measure-01"), ("报告一：测试督导调研报告", "2", "measure-03"),
        ("报告二：第二轮测试督导报告", "1", "measure-02"), ("报告二：第二轮测试督导报告", "2", "measure-02"),
    ]
    page = text_of(after.html("measures/ledger/index.html"))
    assert page.index("报告一：测试督导调研报告") < page.index("报告二：第二轮测试督导报告")
    assert "督导轮次：第二轮" in page


def test_ledger_cells_are_readable_text_with_names(after):
    row = row_of(ledger_csv(after), "measure-01", "problem-01")
    # Two bullet points with emphasis and a link become numbered plain lines.
    assert row["工作要求"] == "1. 严格落实领导班子成员职责。\n2. 每季度专题研究一次，见阿尔法规定。"
    assert row["问题"] == "问题一：主体责任压力传导不够" and row["整改措施"] == "措施一：强化担当，落实责任"
    assert row["责任单位"] == "局办公室" and row["责任人"] == "分管副局长" and row["完成时限"] == "2026-06-30"
    # What nobody recorded stays blank, ready to fill in, never guessed.
    blank = row_of(ledger_csv(after), "measure-03", "problem-01")
    assert blank["责任单位"] == "" and blank["验收人"] == "" and blank["整改状态"] == "待整改"


def test_overdue_flips_when_the_build_date_passes_the_deadline(after, before):
    late = row_of(ledger_csv(after), "measure-01", "problem-01")
    assert late["是否逾期"] == "是"
    assert row_of(ledger_csv(before), "measure-01", "problem-01")["是否逾期"] == ""
    # Done before its deadline passed: never overdue.
    assert row_of(ledger_csv(after), "measure-02", "problem-02")["是否逾期"] == ""
    assert after.html("measures/ledger/index.html").count('class="kb-overdue"') == 1
    assert 'class="kb-overdue"' not in before.html("measures/ledger/index.html")
    assert "逾期" in text_of(after.html("measures/measure-01/index.html"))
    assert "逾期" not in text_of(before.html("measures/measure-01/index.html"))


def test_measure_page_shows_its_progress(after, internal):
    page = text_of(after.html("measures/measure-03/index.html"))
    assert "整改状态 待整改" in page and "完成时限 2027-03-31" in page
    assert "阶段目标（已完成 1/2）" in page and "✓ 已完成 · 2026-09-30 · 制定学习计划" in page
    assert PUBLIC_EVIDENCE in page and INTERNAL_EVIDENCE not in page
    assert INTERNAL_EVIDENCE in text_of(internal.html("measures/measure-03/index.html"))
    assert 'href="https://example.org/notice"' in after.html("measures/measure-03/index.html")


def test_a_recurring_problem_is_flagged_on_both_pages_the_ledger_and_dashboard(after):
    later, earlier = text_of(after.html("problems/problem-02/index.html")), text_of(after.html("problems/problem-01/index.html"))
    assert "问题反弹" in later and "此前的督导中已经指出过：问题一：主体责任压力传导不够" in later
    assert "问题反弹" in earlier and "在后续督导中再次出现：问题二：压力传导仍然不够" in earlier
    assert "问题反弹" not in text_of(after.html("problems/problem-03/index.html"))
    ledger = after.html("measures/ledger/index.html")
    assert ledger.count('class="kb-recurring"') == 1
    assert "问题二：压力传导仍然不够：此前见 问题一：主体责任压力传导不够" in text_of(after.html("measures/progress/index.html"))


def test_dashboard_tables_count_by_status_round_and_unit(after):
    page = text_of(after.html("measures/progress/index.html"))
    assert "3 项整改措施" in page and "1 项已完成（33%）" in page and "1 项逾期" in page
    # Data tables: group, measures, then one column per status present, overdue, completion.
    assert "第一轮 2 1 1 0 1 0%" in page  # 待整改 1, 整改中 1, 已销号 0, overdue 1
    assert "第二轮 1 0 0 1 0 100%" in page
    assert "局办公室 2 0 1 1 1 50%" in page and "待明确 1 1 0 0 0 0%" in page


# -- exports --------------------------------------------------------------------------------------


def test_xlsx_is_ready_to_fill_in(after):
    book = load_workbook(after.site / "exports" / "ledger.xlsx")
    assert book.sheetnames == ["整改台账", "问题清单", "填写说明"]
    sheet = book["整改台账"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in LEDGER_COLUMNS]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{get_column_letter(len(LEDGER_COLUMNS))}5"
    letter = {c.header: get_column_letter(n) for n, c in enumerate(LEDGER_COLUMNS, start=1)}
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    status = rules[f"{letter['整改状态']}2:{letter['整改状态']}5"]
    assert status.type == "list" and status.formula1 == '"待整改,整改中,已整改,已销号,长期坚持,申请延期"'
    for header in ("完成时限", "验收日期"):
        assert rules[f"{letter[header]}2:{letter[header]}5"].type == "date"
    assert len(rules) == 3  # nothing else is restricted
    # Filled-in dates are real dates; the fill-in columns stand out.
    assert sheet[f"{letter['完成时限']}2"].value == dt.datetime(2026, 6, 30)
    assert sheet[f"{letter['责任单位']}1"].fill.fgColor.rgb != sheet[f"{letter['问题']}1"].fill.fgColor.rgb
    assert sheet.column_dimensions[letter["工作要求"]].width > sheet.column_dimensions[letter["序号"]].width


def test_csv_and_xlsx_hold_the_same_rows(after):
    sheet = load_workbook(after.site / "exports" / "ledger.xlsx")["整改台账"]
    cells = [[(v.date().isoformat() if isinstance(v, dt.datetime) else "" if v is None else str(v)) for v in row]
             for row in sheet.iter_rows(values_only=True)]
    raw = (after.site / "exports" / "ledger.csv").read_bytes().decode("utf-8-sig")
    assert cells == list(csv.reader(io.StringIO(raw)))


def test_json_matches_its_schema_and_keeps_internal_evidence_internal(after, internal):
    schema = json.loads((after.site / "exports" / "knowledge-base.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for result in (after, internal):
        data = json.loads((result.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == []
    public = (after.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8")
    assert PUBLIC_EVIDENCE in public and INTERNAL_EVIDENCE not in public
    assert INTERNAL_EVIDENCE in (internal.site / "exports" / "knowledge-base.json").read_text(encoding="utf-8")
    data = json.loads(public)
    [measure] = [i for i in data["items"] if i["id"] == "measure-01"]
    assert measure["rectification"] == {"status": "整改中", "overdue": True}
    # The schema can fail: a status outside the list, a key nobody declared.
    measure["fields"]["status"] = "差不多了"
    assert any("差不多了" in e.message for e in validator.iter_errors(data))
    measure["fields"]["status"] = "整改中"
    measure["fields"]["owner_phone"] = "123"
    assert list(validator.iter_errors(data))


# -- reading a filled-in ledger back ---------------------------------------------------------------


@pytest.fixture
def filled(after, tmp_path):
    """A copy of the project, and the downloaded ledger to fill in (its rows by measure and problem)."""
    project = tmp_path / "project"
    shutil.copytree(after.site.parent / "project", project, ignore=shutil.ignore_patterns("site"))
    book = load_workbook(after.site / "exports" / "ledger.xlsx")
    sheet = book["整改台账"]
    column = {c.header: n for n, c in enumerate(LEDGER_COLUMNS, start=1)}
    rows = {(sheet.cell(r, column[MEASURE_ID_COLUMN]).value, sheet.cell(r, column["问题引用编号"]).value): r
            for r in range(2, sheet.max_row + 1)}

    def cell(measure: str, problem: str, header: str):
        return sheet.cell(rows[(measure, problem)], column[header])

    def ref(measure: str, problem: str, header: str) -> str:
        return f"整改台账!{get_column_letter(column[header])}{rows[(measure, problem)]}"

    return project, book, cell, ref


def _import(project: Path, book, *args: str):
    path = project.parent / "填好的台账.xlsx"
    book.save(path)
    return run_script(project, "import_ledger.py", str(path), *args)


def test_import_round_trip_changes_exactly_the_filled_in_fields(filled):
    project, book, cell, _ = filled
    cell("measure-03", "problem-01", "责任单位").value = "局机关党委"
    cell("measure-03", "problem-01", "整改状态").value = "整改中"
    cell("measure-01", "problem-01", "完成时限").value = dt.datetime(2026, 9, 30)
    cell("measure-01", "problem-01", "工作要求").value = "编辑改了这里也不会读回"
    docs = project / "docs"
    old = {path: (docs / path).read_text(encoding="utf-8") for path in ("measures/measure-01.md", "measures/measure-03.md")}
    others = {k: v for k, v in snapshot(docs).items() if k not in old}

    result = _import(project, book)

    assert result.returncode == 0, result.stderr
    assert "docs/measures/measure-03.md：责任单位 待明确 → 局机关党委；整改状态 待整改 → 整改中" in result.stderr
    new = {path: (docs / path).read_text(encoding="utf-8") for path in old}
    assert _changed_lines(old["measures/measure-03.md"], new["measures/measure-03.md"]) == (
        ["status: 待整改"], ["status: 整改中", "owner_unit: 局机关党委"])
    assert _changed_lines(old["measures/measure-01.md"], new["measures/measure-01.md"]) == (
        ["deadline: 2026-06-30"], ["deadline: 2026-09-30"])
    assert {k: v for k, v in snapshot(docs).items() if k not in old} == others
    # The site shows what was imported, and a second import finds nothing to do.
    rebuilt = run_mkdocs(project, site=project / "site2", env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)})
    assert rebuilt.ok, rebuilt.output
    assert "局机关党委" in text_of(rebuilt.html("measures/ledger/index.html"))
    again = _import(project, book)
    assert again.returncode == 0 and "没有需要修改的页面" in again.stderr


def _changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    import difflib
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_import_reports_every_bad_cell_and_changes_nothing(filled):
    project, book, cell, ref = filled
    cell("measure-01", "problem-01", "整改状态").value = "差不多完成了"
    cell("measure-03", "problem-01", "完成时限").value = "年底前"
    cell("measure-03", "problem-01", "整改状态").value = "已完成"
    cell("measure-02", "problem-02", "责任单位").value = "局办公室"
    cell("measure-02", "problem-03", "责任单位").value = "人事科"
    cell("measure-02", "problem-03", MEASURE_ID_COLUMN).value = None
    cell("measure-02", "problem-02", "验收人").value = "{{ org.city }}"
    before = snapshot(project / "docs")

    result = _import(project, book)

    assert result.returncode == 1
    output = result.stderr
    assert f"{ref('measure-01', 'problem-01', '整改状态')}：整改状态不能是“差不多完成了”" in output
    assert f"{ref('measure-03', 'problem-01', '完成时限')}：完成时限“年底前”不是有效日期" in output
    assert f"{ref('measure-03', 'problem-01', '整改状态')}：整改状态不能是“已完成”：“已完成”已改称“已整改”" in output
    assert f"{ref('measure-02', 'problem-03', MEASURE_ID_COLUMN)}：这一行填写了内容" in output
    assert f"{ref('measure-02', 'problem-02', '验收人')}：验收人中不能出现" in output
    assert "没有修改任何页面" in output and "Traceback" not in output
    assert snapshot(project / "docs") == before


def test_import_names_both_cells_when_one_measure_gets_two_values(filled):
    project, book, cell, ref = filled
    cell("measure-02", "problem-02", "责任单位").value = "局办公室"
    cell("measure-02", "problem-03", "责任单位").value = "人事科"
    result = _import(project, book)
    assert result.returncode == 1
    assert (f"{ref('measure-02', 'problem-03', '责任单位')}：同一项措施（measure-02）的责任单位在 "
            f"{ref('measure-02', 'problem-02', '责任单位')} 写的是“局办公室”，这里是“人事科”") in result.stderr
    # The same value on both rows is one answer, not a conflict (and the control for the above).
    cell("measure-02", "problem-03", "责任单位").value = "局办公室"
    assert _import(project, book, "--dry-run").returncode == 0


def test_import_refuses_what_is_not_the_ledger(filled, tmp_path):
    project, *_ = filled
    not_excel = tmp_path / "台账.xlsx"
    not_excel.write_text("这不是表格", encoding="utf-8")
    result = run_script(project, "import_ledger.py", str(not_excel))
    assert result.returncode == 1 and "不是能打开的 Excel 表格" in result.stderr and "Traceback" not in result.stderr
    from openpyxl import Workbook
    other = Workbook()
    other.active.title = "Sheet1"
    other.save(tmp_path / "别的表.xlsx")
    result = run_script(project, "import_ledger.py", str(tmp_path / "别的表.xlsx"))
    assert result.returncode == 1 and "没有“整改台账”工作表" in result.stderr


# -- a ledger too large for one page ----------------------------------------------------------------


def _large_ledger_docs(rows_in_first_report: int, rows_in_second: int) -> dict[str, str]:
    return {**ROUND_DOCS, **ledger_rows({"report-01": rows_in_first_report, "report-02": rows_in_second}, first_number=4)}


def test_a_large_ledger_splits_per_report_with_links_between_the_parts(tmp_path):
    from kb.split import PAGE_BYTES_GOAL

    result = run_mkdocs(make_project(tmp_path / "project", _large_ledger_docs(108, 5)),
                        env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)})
    assert result.ok, result.output  # --strict: every link between the parts resolves
    folder = result.site / "measures" / "ledger"
    parts = {p.parent.relative_to(folder).as_posix(): p for p in folder.glob("**/index.html") if p.parent != folder}
    assert set(parts) == {"report-01", "report-01/2", "report-02"}  # report-01's 110 rows on two pages
    sizes = {name: path.stat().st_size for name, path in parts.items()}
    assert max(sizes.values()) < PAGE_BYTES_GOAL, sizes
    overview = text_of(result.html("measures/ledger/index.html"))
    assert "台账较长，按督导报告分页" in overview and "测试督导调研报告（另见 第 2 部分）" in overview
    first = result.html("measures/ledger/report-01/index.html")
    on_first = first.count("<tr>") - 1  # the header row
    second = text_of(result.html("measures/ledger/report-01/2/index.html"))
    assert "整改台账：测试督导调研报告（第 2/2 部分）" in second
    # Numbering goes on from the first part; the neighbours and the overview are linked.
    assert 50 < on_first < 110 and f" {on_first} 问题" in text_of(first) and f" {on_first + 1} 问题" not in text_of(first)
    assert f" {on_first + 1} 问题" in second and " 1 问题一" not in second
    assert "← 整改台账：测试督导调研报告（第 1/2 部分）" in second and "整改台账：第二轮测试督导报告 →" in second
    assert '<a href="../../">整改台账总览</a>' in result.html("measures/ledger/report-01/2/index.html")
    # Control: a ledger that fits is one page, with no parts.
    small = run_mkdocs(make_project(tmp_path / "small", ROUND_DOCS), env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)})
    assert small.ok and list((small.site / "measures" / "ledger").glob("**/index.html")) == [small.site / "measures" / "ledger" / "index.html"]


def _swap_ids(sheet, cell, ref):
    top, below = cell("measure-01", "problem-01", MEASURE_ID_COLUMN), cell("measure-03", "problem-01", MEASURE_ID_COLUMN)
    top.value, below.value = below.value, top.value
    cell("measure-01", "problem-01", "整改状态").value = "已整改"


def _merge_units(sheet, cell, ref):
    cell("measure-01", "problem-01", "责任单位").value = "合并单位"
    first, second = ref("measure-01", "problem-01", "责任单位"), ref("measure-03", "problem-01", "责任单位")
    sheet.merge_cells(f"{first.split('!')[1]}:{second.split('!')[1]}")


def _duplicate_column(sheet, cell, ref):
    column = sheet.max_column + 1
    sheet.cell(1, column).value = "整改状态"
    sheet.cell(2, column).value = "已整改"


def _formula(sheet, cell, ref):
    cell("measure-01", "problem-01", "完成时限").value = "=TODAY()"


def _error_value(sheet, cell, ref):
    cell("measure-01", "problem-01", "责任单位").value = "#N/A"


def _typed_values(sheet, cell, ref):
    cell("measure-01", "problem-01", "责任人").value = True
    cell("measure-03", "problem-01", "责任单位").value = 12345


def _invisible(sheet, cell, ref):
    cell("measure-01", "problem-01", "责任单位").value = "局办公室\u200b"


@pytest.mark.parametrize(("mutate", "message"), [
    (_swap_ids, "这一行的整改措施是“措施一：强化担当，落实责任”，引用编号 measure-03 却是“开展专题学习”"),
    (_merge_units, "合并的单元格只算第一行"),
    (_duplicate_column, "有两列都叫“整改状态”"),
    (_formula, "这里是公式，但文件中没有它的计算结果"),
    (_error_value, "单元格中是 Excel 的错误值“#N/A”"),
    (_typed_values, "责任人应填写文字，这里是逻辑值 True"),
    (_typed_values, "责任单位应填写文字，这里是数字或日期“12345”"),
    (_invisible, "责任单位中有看不见的字符"),
], ids=["swapped-ids", "merged", "duplicate-column", "formula", "error-value", "bool", "number", "zero-width"])
def test_import_refuses_what_a_clerk_did_to_the_sheet(filled, mutate, message):
    project, book, cell, ref = filled
    mutate(book["整改台账"], cell, ref)
    before = snapshot(project / "docs")
    result = _import(project, book)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and snapshot(project / "docs") == before


def test_import_checks_a_cell_against_the_field_it_fills(filled):
    project, book, cell, ref = filled
    cell("measure-03", "problem-01", "责任单位").value = "局" * 51  # the page allows 50
    cell("measure-01", "problem-01", "责任人").value = "待明确"  # what the site shows for none: no change
    result = _import(project, book)
    assert result.returncode == 1
    assert f"{ref('measure-03', 'problem-01', '责任单位')}：责任单位最多 50 个字" in result.stderr
    assert ref("measure-01", "problem-01", "责任人") not in result.stderr


def test_import_reads_headers_a_clerk_annotated(filled):
    project, book, cell, _ = filled
    sheet = book["整改台账"]
    for header_cell in sheet[1]:
        if header_cell.value == "完成时限":
            header_cell.value = "完成时限\n（年-月-日）*"
    cell("measure-03", "problem-01", "完成时限").value = "2027年4月1日"
    result = _import(project, book)
    assert result.returncode == 0, result.stderr
    assert "deadline: 2027-04-01" in (project / "docs" / "measures" / "measure-03.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("旧表.xls", b"\xd0\xcf\x11\xe0", "是旧的 .xls 格式"),
    ("无扩展名", b"PK\x03\x04garbage", "不是能打开的 Excel 表格"),
])
def test_import_explains_files_it_cannot_read(filled, tmp_path, name, content, message):
    project, *_ = filled
    (tmp_path / name).write_bytes(content)
    result = run_script(project, "import_ledger.py", str(tmp_path / name))
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_import_edits_a_quoted_value_that_goes_on_at_column_0(filled):
    project, book, cell, _ = filled
    page = project / "docs" / "measures" / "measure-03.md"
    # Valid YAML the build accepts, which a line-by-line edit would break: a quoted value going on at column 0.
    page.write_text(page.read_text(encoding="utf-8").replace("source: 测试报告 三、三是", 'source: "测试报告 三、三是\nowner: 见附件"'),
                    encoding="utf-8")
    cell("measure-01", "problem-01", "责任人").value = "局长"
    cell("measure-03", "problem-01", "责任人").value = "副局长"
    before = snapshot(project / "docs")
    result = _import(project, book)
    assert result.returncode == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    assert 'source: "测试报告 三、三是\nowner: 见附件"' in text and "owner: 副局长" in text
    assert snapshot(project / "docs") != before


def test_the_dashboard_counts_what_the_ledger_lists(tmp_path):
    """Rounds come from the problems' reports, as in the ledger, and a measure whose only
    problem this audience cannot see is in neither."""
    docs = dict(ROUND_DOCS)
    measure = docs["measures/measure-02.md"]
    docs["measures/measure-02.md"] = "".join(line for line in measure.splitlines(keepends=True) if line.strip() != "report: [report-02]")
    assert docs["measures/measure-02.md"] != measure
    docs["problems/problem-09.md"] = ("---\nid: problem-09\ntype: problem\ntitle: 内部问题\nsource: 内部\naudience: internal\n"
                                      "report: [report-01]\n---\n## 主要表现\n\n- 表现。\n\n## 原因分析\n\n原因。\n")
    docs["measures/measure-09.md"] = ("---\nid: measure-09\ntype: measure\ntitle: 只针对内部问题的措施\nsource: 内部\n"
                                      "status: 整改中\ndeadline: 2026-01-01\nproblems: [problem-09]\n---\n## 工作要求\n\n- 要求。\n")
    result = run_mkdocs(make_project(tmp_path / "project", docs), env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE)})
    assert result.ok, result.output
    rows = ledger_csv(result)
    ledger_measures = {r[MEASURE_ID_COLUMN] for r in rows}
    assert ledger_measures == {"measure-01", "measure-02", "measure-03"}
    page = text_of(result.html("measures/progress/index.html"))
    assert f"{len(ledger_measures)} 项整改措施" in page and "1 项逾期" in page
    assert "第二轮 1 0 0 1 0 100%" in page and "未注明报告" not in page
    internal = run_mkdocs(tmp_path / "project", site=tmp_path / "internal",
                          env={"SOURCE_DATE_EPOCH": epoch(BUILT_AFTER_DEADLINE), "KB_AUDIENCE": "internal"})
    assert internal.ok, internal.output
    # Control: where the problem is visible, the measure is in both, overdue included.
    assert "4 项整改措施" in text_of(internal.html("measures/progress/index.html"))
    assert "measure-09" in {r[MEASURE_ID_COLUMN] for r in ledger_csv(internal)}
