"""The copy lint's choices that the careless corpus (tests/cases/careless) does not show:
the report as the record, digits beside Chinese, what is never prose, and fixes that keep
each line's own ending."""
from __future__ import annotations

from kb import copylint

REPORT = "认真落实清廉建设 “第一责任人”职责，严格落实领导班子成员“一岗双责”职责。"


def codes(text: str, *, typed: bool = True, record: str = "") -> list[tuple[int, int, str]]:
    page = f"---\ntitle: 标题\n---\n{text}\n"
    return [(f.error.line - 3, f.error.column, f.error.code)
            for f in copylint.lint_page("problems/problem-01.md", page, typed=typed, text_keys=frozenset({"title"}), record=record)]


def test_the_report_is_the_record():
    quote = "> 认真落实清廉建设 “第一责任人”职责"
    assert codes(quote) == [(1, 11, "ZH101")]  # a space before a full-width quote
    assert codes(quote, record=REPORT) == []  # … that the report itself has
    assert codes("落实清廉建设 “第二责任人”职责", record=REPORT) == [(1, 7, "ZH101")]  # control: not in the report


def test_no_space_between_digits_and_chinese_but_between_letters_and_chinese():
    assert codes("2022年10月16日召开，第3条，约10%的单位") == []
    assert codes("使用OA系统") == [(1, 3, "ZH101"), (1, 5, "ZH101")]


def test_what_is_not_prose_is_left_alone():
    untouched = [
        "`代码,代码` 和 ``两个,反引号``",
        "[链接](../a,b.md \"提示,文字\") 和 <https://example.org/a,b>",
        "见 https://www.gov.cn/a,b中文",
        "<span title=\"中文,中文\">文字</span>",
        "{{ link(\"problem-01\") }}文字{% raw %}{{ 中文,中文 }}{% endraw %}",
        "<!-- 注释,中文 -->",
        "## 标题 { #中文,中文 }",
        "***",
        "* * *",
        "```\n代码,中文 ***\n```",
        "~~~\n代码,中文 [[problem-01]]\n~~~",
        "说明：\n\n    缩进代码,中文",
        "<!--\n多行注释,中文 ***\n-->",
    ]
    for text in untouched:
        assert codes(text) == [], text


def test_a_level_one_heading_is_an_error_only_in_an_item():
    assert codes("# 标题") == [(1, 1, "ZH003")]
    assert codes("# 标题", typed=False) == []  # a guide page's heading is its title


def test_fixes_keep_each_line_ending():
    text = "\ufeff---\r\ntitle: 标题\r\n---\n正文,内容。  \r\n结尾,内容\r"
    findings = copylint.lint_page("a.md", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"),
                                  typed=False, text_keys=frozenset({"title"}))
    fixed = copylint.apply_edits(text.lstrip("\ufeff"), [f.edit for f in findings if f.edit])
    assert fixed == "---\r\ntitle: 标题\r\n---\n正文，内容。\r\n结尾，内容\r"


def test_an_edit_that_no_longer_matches_is_left_out():
    edit = copylint.Edit(1, 3, ",", "，")
    assert copylint.apply_edits("中文,中文", [edit]) == "中文，中文"
    assert copylint.apply_edits("中文;中文", [edit]) == "中文;中文"


def test_the_redacted_name_is_guessed_from_the_report_quotes_in_the_model():
    guesses = {
        "***市文化和旅游局": "city", "全市***相关会议精神": "city_meeting", "***年***月***日": "visit_date",
        "中央、省委、***和***市委": "superior", "***省第***次党代会": "province", "“***”主题教育活动": "theme_education",
    }
    for text, name in guesses.items():
        hint = next(f.error.hint for f in copylint.lint_page("a.md", text, typed=False) if f.error.code == "ZH001")
        assert f"{{{{ org.{name} }}}}" in hint, (text, hint)
    second = [f.error.hint for f in copylint.lint_page("a.md", "中央、省委、***和***市委", typed=False)][1]
    assert "{{ org.superior_city }}" in second
    unknown = copylint.lint_page("a.md", "剧目***", typed=False)[0].error.hint
    assert "{{ org.名称 }}" in unknown and "city、superior" in unknown


def test_contributing_lists_every_rule_as_the_code_has_it():
    from tests.support.project import REPO

    rows = {}
    for line in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`ZH"):
            rows[cells[0].strip("`")] = (cells[2], cells[3])
    assert rows == {code: ("警告" if rule.warning else "错误", "是" if rule.fixable else "否")
                    for code, rule in copylint.RULES.items()}


def test_direction_controls_are_errors_wherever_they_stand():
    # Shown as “已销号 派驻组”, stored as an override and 号销已: a reviewer cannot see it.
    assert codes("验收：\u202e号销已\u202c 派驻组") == [(1, 4, "ZH004"), (1, 8, "ZH004")]
    assert codes("```\nx = 1 \u2066# 注释\n```") == [(2, 7, "ZH004")]  # in code too
    assert codes("---\nowner: 甲\u200f乙\n---\n正文。") == [(2, 9, "ZH004")]
    assert codes("验收：已销号 派驻组") == []  # control: the same words without them
