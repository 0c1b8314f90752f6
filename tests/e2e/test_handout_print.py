"""The handout as a trainer prints it (scripts/handout.py, issue 12): the blank self-check
form in a session handout and in the full one, page numbers after cross-references, no
heading stranded at the foot of a page, terms several to a page."""
from __future__ import annotations

from pathlib import Path
import re
import subprocess

import pytest

from kb import model
from kbtools import offline
from tests.support.project import REPO, make_project, run_script

SESSION = "session-report-reading"
FOOTER = re.compile(r"清廉建设知识库\s*·\s*构建于.*$", re.S)


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("handout-print") / "project")


def handout(project: Path, out: Path, *args: str) -> list[str]:
    result = run_script(project, "handout.py", "--output", str(out), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return pages_of(out)


@pytest.fixture(scope="module")
def session_pages_pdf(project, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("session") / "讲义.pdf"


@pytest.fixture(scope="module")
def session_pages(project, session_pages_pdf) -> list[str]:
    return handout(project, session_pages_pdf, "--session", SESSION)


@pytest.fixture(scope="module")
def full_pages_pdf(project, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("full") / "全文.pdf"


@pytest.fixture(scope="module")
def full_pages(project, full_pages_pdf) -> list[str]:
    return handout(project, full_pages_pdf)


def start_page(pages: list[str], marker: str) -> int:
    return next(n for n, text in enumerate(pages, 1) if marker in flat(text))


@pytest.mark.parametrize("which", ["session_pages", "full_pages"])
def test_the_blank_self_check_form_is_in_the_handout(request, which):
    pages = request.getfixturevalue(which)
    form = start_page(pages, "自查表（空白，可复印填写）")
    text = flat("".join(pages[form - 1:]))
    assert "对照问题一" in text and "对照问题四" in text
    assert text.count("备注：") == 17  # a notes line under each of the 17 points
    for field in ("单位：", "自查人：", "日期：", "签字："):
        assert field in text
    # Neither the screen's toolbar nor its words about ticking in the browser are printed.
    assert "已勾选" not in text and "清除勾选" not in text and "浏览器" not in text
    assert "在方框内打“√”" in text
    assert "自查表（空白，可复印填写）" not in flat(pages[1] + pages[2])  # the TOC names it 自查清单
    assert re.search(r"自查清单\s+" + str(form) + r"\s*$", subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-f", "2", "-l", "3", str(request.getfixturevalue(which + "_pdf")), "-"],
        capture_output=True, check=True).stdout.decode("utf-8"), re.M)


def test_a_session_handout_explains_the_terms_its_pages_use(session_pages):
    terms = start_page(session_pages, "术语（term-")
    text = flat("".join(session_pages[terms - 1:]))
    # Problem one refers to 清廉建设, 主体责任 and 一岗双责; the session lists none of them.
    for term in ("term-qinglian-jianshe", "term-zhuti-zeren", "term-yigang-shuangze"):
        assert f"术语（{term}）" in text
    # Control: a term no item of the session refers to stays out.
    assert "术语（term-sizhong-xingtai）" not in flat("".join(session_pages))


def test_cross_references_give_the_page_they_point_to(session_pages):
    measure = start_page(session_pages, "整改措施（measure-01）")
    problem = start_page(session_pages, "存在问题（problem-01）")
    problem_text = flat("".join(session_pages[problem - 1:measure - 1]))
    assert f"加强学习，提高认识（第{measure}页）" in problem_text
    # Control: a number is given only for a page that is in the handout.
    numbers = {int(n) for n in re.findall(r"（第(\d+)页）", flat("".join(session_pages)))}
    assert numbers and max(numbers) <= len(session_pages) and min(numbers) > 2


def heading_texts() -> set[str]:
    """What stands as a heading in a handout: section names and relation group labels (an
    item's title is caught by the kind line printed above it, 存在问题（problem-01）)."""
    texts = {"关联内容", "来源", "议程", "学习内容", *model.GROUP_ORDER}
    for path in (REPO / "docs").rglob("*.md"):
        body = path.read_text(encoding="utf-8")
        texts |= {m.strip() for m in re.findall(r"^#{1,4} (.+?)(?:\{.*\})?$", body, re.M)}
    return {t for t in texts if t}


KIND_LINE = re.compile(r"^\S+（[a-z][a-z0-9-]*）$|^自查表（空白，可复印填写）$")


def stranded(pages: list[str], headings: set[str]) -> list[tuple[int, str]]:
    found = []
    for number, page in enumerate(pages[:-1], 1):
        lines = [line.strip() for line in FOOTER.sub("", page).splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        # A heading, a kind line, or an item's title right under its kind line.
        if last in headings or KIND_LINE.match(last) or (len(lines) > 1 and KIND_LINE.match(lines[-2])):
            found.append((number, last))
    return found


def test_no_heading_ends_a_page(session_pages, full_pages):
    headings = heading_texts()
    assert "主要表现" in headings and "相关政策" in headings
    assert stranded(session_pages, headings) == []
    assert stranded(full_pages, headings) == []


def test_the_stranded_heading_check_finds_one(tmp_path):
    """Negative control: a heading printed at the foot of a page without print.css's rules is
    found; with them, it moves to the next page with its text."""
    body = ('<div style="height: 232mm"></div><h2>主要表现</h2>'
            '<p style="break-inside: avoid">' + "这是一段不能拆开的正文。" * 60 + "</p>")
    results = {}
    for name, head in (("bare", ""), ("print.css", f'<link rel="stylesheet" href="{(REPO / "docs/assets/print.css").as_uri()}">')):
        html = tmp_path / f"{name}.html"
        html.write_text(f'<!doctype html><html lang="zh"><head><meta charset="utf-8">{head}</head>'
                        f'<body><div class="md-typeset">{body}</div></body></html>', encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        offline.html_to_pdf(html, pdf, footer_html=None)
        results[name] = stranded(pages_of(pdf), {"主要表现"})
    assert results["bare"] == [(1, "主要表现")]
    assert results["print.css"] == []


def test_terms_are_several_to_a_page(full_pages):
    terms = start_page(full_pages, "六、术语")
    after = start_page(full_pages, "七、自查表")
    count = len(list((REPO / "docs" / "terms").glob("term-*.md")))
    assert count == 21
    assert after - terms <= count / 3, (terms, after)  # 21 terms took 13 pages before
    assert len(full_pages) < 54
