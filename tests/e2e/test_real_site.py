"""The real knowledge base: strict build with zero warnings, and what a reader would check."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
import posixpath
import re
from urllib.parse import unquote, urljoin

from tests.support.project import REPO, load_kb

MAX_PAGE_BYTES = 150_000


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.links, self.skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.skip += 1
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_zero_warnings(real_site):
    assert not re.search(r"WARNING|ERROR", real_site.output), real_site.output


def test_no_unrendered_template_or_redaction_marks(real_site):
    # Text in <code> is excluded: the macro reference shows macro syntax on purpose.
    offenders = []
    for page in real_site.site.rglob("*.html"):
        text = "".join(visible(page.read_text(encoding="utf-8")).parts)
        if "{{" in text or "{%" in text or "***" in text:
            offenders.append(page.relative_to(real_site.site).as_posix())
    assert offenders == []


def test_pages_stay_small(real_site):
    sizes = {p.relative_to(real_site.site).as_posix(): p.stat().st_size for p in real_site.site.rglob("*.html")}
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] < MAX_PAGE_BYTES, (largest, sizes[largest])


def test_chinese_anchors(real_site):
    html = real_site.html("problems/problem-01/index.html")
    assert 'id="原因分析"' in html and 'id="主要表现"' in html
    assert not re.search(r'id="_\d+"', html)


def test_every_report_item_two_clicks_from_home(real_site):
    kb = load_kb(REPO / "docs")
    site = real_site.site

    def links_of(url: str) -> set[str]:
        path = site / unquote(url) / "index.html" if url.endswith("/") or url == "" else site / unquote(url)
        found = set()
        for href in visible(path.read_text(encoding="utf-8")).links:
            if href and not href.startswith(("http", "#", "mailto:")):
                target = urljoin("/" + url, href.split("#")[0])
                found.add(target.lstrip("/"))
        return found

    one = links_of("")
    two = set(one)
    for url in one:
        if url.endswith("/") or url == "":
            two |= links_of(url)
    missing = [i.id for t in ("practice", "problem", "measure") for i in kb.index.of_type(t)
               if f"{kb.index.get(i.id).path[:-3]}/" not in two]
    assert missing == []
    assert "problems/problem-01/" not in one  # control: items are not all on the home page itself


def test_measures_name_their_problems_as_editorial(real_site):
    html = real_site.html("measures/matrix/index.html")
    assert "编辑归纳" in html and html.count("○") >= 5


def test_every_link_and_anchor_in_the_built_site_resolves(real_site):
    from tests.support.htmlcheck import check_site

    assert check_site(real_site.site) == []


def reachable_pages(site: Path, start: str = "index.html") -> set[str]:
    """HTML pages reached by following links from `start`, as a reader would."""
    from tests.support.htmlcheck import _target_file  # the same URL resolution as the link check

    seen, queue = set(), [start]
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        for href in visible((site / page).read_text(encoding="utf-8")).links:
            parts = href.split("#")[0]
            if not parts or re.match(r"^[a-z]+:|^//", parts):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts)))
            target = _target_file(site, "" if resolved == "." else resolved)
            if target and target.endswith(".html") and target not in seen:
                queue.append(target)
    return seen


def test_no_page_is_lost(real_site):
    site = real_site.site
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert pages - reachable_pages(site) == set()
    # Control: from a page with no outgoing content links most pages are unreachable.
    assert len(reachable_pages(site, "404.html")) < len(pages)


def test_each_index_lists_every_item_of_its_type(real_site):
    kb = load_kb(REPO / "docs")
    for type_name, folder in (("report", "reports"), ("policy", "policies"), ("practice", "practices"),
                              ("problem", "problems"), ("measure", "measures")):
        html = real_site.html(f"{folder}/index.html")
        table = html.split("<table")[1].split("</table>")[0]
        assert table.count("<tr>") - 1 == len(kb.index.of_type(type_name)), type_name
    glossary = real_site.html("terms/index.html")
    assert glossary.count("<dt>") == len(kb.index.of_type("term"))
    sessions = real_site.html("sessions/index.html")
    assert sessions.count('href="session-') == len(kb.index.of_type("session"))


def test_a_session_page_does_not_say_it_has_nothing_below_its_list(real_site):
    text = "".join(visible((real_site.site / "sessions" / "session-report-reading" / "index.html").read_text(encoding="utf-8")).parts)
    assert "学习内容" in text and "强化担当，落实责任" in text
    assert "暂无关联内容" not in text  # the control, an item without relations, is in tests/unit/test_engine.py



def test_rectification_shows_what_the_report_leaves_open_as_open(real_site):
    """The report names no owner, deadline or status: the pages say 待明确 and the ledger's
    cells for them are blank, ready to fill in; nothing is guessed."""
    import csv
    import io

    from kb.ledger import EDITABLE_COLUMNS

    raw = (real_site.site / "exports" / "ledger.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows and all(row[column.header] == "" for row in rows for column in EDITABLE_COLUMNS)
    assert {row["是否逾期"] for row in rows} == {""}
    measures = sorted((real_site.site / "measures").glob("measure-*/index.html"))
    assert measures
    for page in measures:
        text = " ".join("".join(visible(page.read_text(encoding="utf-8")).parts).split())
        assert "整改状态 待明确：报告没有载明责任单位、完成时限和整改进展" in text, page
    dashboard = "".join(visible(real_site.html("measures/progress/index.html")).parts)
    assert f"其中 {len(measures)} 项尚未填写整改状态" in dashboard
    assert "没有记录在后续督导中再次出现的问题" in dashboard
