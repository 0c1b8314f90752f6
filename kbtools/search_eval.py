"""搜索评测：在 Debian 的 chromium 中打开构建好的网站，把查询集中的每个查询输入搜索框，统计结果。

    python scripts/search_eval.py                     # 构建公开版，用 tests/cases/search/queries.yml
    python scripts/search_eval.py --site site         # 评测已构建的网站
    python scripts/search_eval.py --queries 我的查询.yml --json

每个查询写明应排在第一位的页面（`first`，相对 docs/ 的路径；应当搜不到任何结果时写 null）。
输出：
- recall@10：对每个查询，“自身文字中含有查询全部词语的页面”里出现在前 10 个结果中的比例
  （分母为这类页面数与 10 中较小者），再对查询取平均。页面自身文字在浏览器中从页面上读出
  （不经过搜索索引的代码）：标题、编号等关键词和正文中读者看到的文字，不含面包屑、编号行、
  关联内容、来源和汇总表格；
- precision@1：第一个结果正是 `first` 的查询所占比例；
- 空答：有答案却没有任何结果的查询数；误答：应当没有结果却有结果的查询数；
- 结果中的问题：路径中出现编号、标题或摘句中有不可见字符；
- 搜索索引的大小，从输入到显示结果的时间（中位数、最大值）。
之后逐条列出每个未达标的查询。最后一行（--json 时）是一个 JSON 对象。
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import re
import statistics
import sys
import tempfile
from urllib.parse import unquote, urlsplit

import yaml

from kb import search_index

from .project import PROJECT_DIR, load_project, setup_logging

log = logging.getLogger("kb.scripts")

DEFAULT_QUERIES = PROJECT_DIR / "tests" / "cases" / "search" / "queries.yml"
TOP = 10


@dataclass
class Query:
    query: str
    kind: str
    first: str | None  # a docs path, or None when nothing should be found


@dataclass
class Outcome:
    query: Query
    expected: str | None  # the expected first result as a site location
    relevant: set[str]
    results: list[dict]
    locations: list[str]
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        if not self.relevant:
            return None
        found = len(self.relevant & set(self.locations[:TOP]))
        return found / min(len(self.relevant), TOP)


def load_queries(path: Path) -> list[Query]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [Query(str(entry["query"]), str(entry.get("kind", "")), entry.get("first")) for entry in data]


def page_location(docs_path: str) -> str:
    """`measures/ledger.md` → `measures/ledger/`, `index.md` → `` (mkdocs' directory URLs)."""
    stem = docs_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


@dataclass
class SearchablePage:
    location: str
    words: str  # folded title, keys, headings and text


def index_entries(site_dir: Path) -> list[dict]:
    """The pages of the built index. Material's own index (a site built without this
    project's search, to compare) has one entry per section: its page entries are read
    as this project's `l` and `t`."""
    with open(site_dir / "search" / "search_index.json", encoding="utf-8") as handle:
        docs = json.load(handle)["docs"]
    return [
        entry if "l" in entry else {"l": entry["location"], "t": search_index.clean_text(entry["title"])}
        for entry in docs if "l" in entry or "#" not in entry["location"]
    ]


# A page's own text as a reader sees it, worked out in the browser independently of
# kb/search_index.py (so that text the index wrongly leaves out shows up as missed
# recall): the article's visible text without what the build adds around every item
# (breadcrumb, facts line, the callout's label, 关联内容 and 来源 up to the footnotes), the
# output of listing macros, permalink signs and footnote markers.
_OWN_TEXT = """() => {
    const article = document.querySelector("article.md-content__inner");
    if (!article) return "";
    const hide = [...article.querySelectorAll(
        ".headerlink, .kb-breadcrumb, .kb-facts, .kb-ref, .kb-listing, .kb-callout > .admonition-title, .footnote-ref, .footnote-backref")];
    for (let node = article.querySelector("h2#kb-relations"); node && !node.classList.contains("footnote");
         node = node.nextElementSibling)
        hide.push(node);
    hide.forEach(element => element.style.display = "none");
    return article.innerText;
}"""


def searchable_pages(site_dir: Path, page, base: str) -> list[SearchablePage]:
    """Every page in the built index with its title, keys and own text as the browser shows it."""
    pages = []
    for entry in index_entries(site_dir):
        page.goto(base + entry["l"], wait_until="load")
        lines = [search_index.clean_text(line) for line in page.evaluate(_OWN_TEXT).splitlines()]
        words = "\n".join([entry["t"], *entry.get("k", []), *lines])
        pages.append(SearchablePage(entry["l"], search_index.fold(words)))
    return pages


def result_location(href: str, base: str) -> str:
    path = unquote(urlsplit(href).path)
    base_path = urlsplit(base).path
    return path[len(base_path):] if path.startswith(base_path) else path


def evaluate(site_dir: Path, queries: list[Query], browser=None) -> tuple[list[Outcome], dict]:
    """Type every query into the search box of the site served from `site_dir`. `browser`,
    a Playwright chromium already running (the tests have one), or Debian's chromium."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from .offline import CHROMIUM_ARGS, CHROMIUM_PATH

        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
            try:
                return evaluate(site_dir, queries, launched)
            finally:
                launched.close()

    from .browser import open_search, search_results, serve_folder

    ids = set(_item_ids(site_dir))
    outcomes = []
    with serve_folder(site_dir) as base:
        page = browser.new_page()
        try:
            pages = searchable_pages(site_dir, page, base)
            open_search(page, base)
            for query in queries:
                results, seconds = search_results(page, query.query)
                locations = [result_location(r["href"], base) for r in results]
                terms = search_index.query_terms(query.query)
                relevant = {p.location for p in pages if terms and all(t in p.words for t in terms)}
                expected = page_location(query.first) if query.first else None
                outcome = Outcome(query, expected, relevant, results, locations, seconds)
                for result in results[:TOP]:
                    if any(word in ids for word in re.split(r"[^\w\-]+", result["path"])):
                        outcome.problems.append(f"结果路径中有编号：{result['path']}")
                    if search_index.INVISIBLE.search(result["title"] + result["snippet"] + result["path"]):
                        outcome.problems.append(f"结果中有不可见字符：{result['title']!r}")
                outcomes.append(outcome)
        finally:
            page.close()
    return outcomes, summarize(outcomes, (site_dir / "search" / "search_index.json").stat().st_size)


def _item_ids(site_dir: Path) -> list[str]:
    """Item IDs: the first key of an item's entry; the page name in an item's URL otherwise."""
    return [entry["k"][0] if entry.get("k") else entry["l"].rstrip("/").rsplit("/", 1)[-1]
            for entry in index_entries(site_dir) if entry["l"].count("/") >= 2]


def summarize(outcomes: list[Outcome], index_bytes: int) -> dict:
    recalls = [o.recall for o in outcomes if o.recall is not None]
    answerable = [o for o in outcomes if o.expected is not None]
    unanswerable = [o for o in outcomes if o.expected is None]
    seconds = [o.seconds for o in outcomes]
    return {
        "queries": len(outcomes),
        "recall_at_10": round(statistics.fmean(recalls), 4) if recalls else 0.0,
        "precision_at_1": round(sum(o.locations[:1] == [o.expected] for o in answerable) / len(answerable), 4) if answerable else 0.0,
        "empty_answers": sum(not o.results for o in answerable),
        "false_answers": sum(bool(o.results) for o in unanswerable),
        "result_problems": sum(len(o.problems) for o in outcomes),
        "index_bytes": index_bytes,
        "median_ms": round(statistics.median(seconds) * 1000, 1) if seconds else 0.0,
        "max_ms": round(max(seconds) * 1000, 1) if seconds else 0.0,
    }


def failures(outcomes: list[Outcome]) -> list[str]:
    lines = []
    for o in outcomes:
        got = "、".join(o.locations[:3]) or "（无结果）"
        reasons = []
        if o.expected is not None and o.locations[:1] != [o.expected]:
            reasons.append(f"第一位应是 {o.expected or '首页'}")
        if o.expected is None and o.results:
            reasons.append("应当没有结果")
        if o.recall is not None and o.recall < 1:
            missed = sorted(o.relevant - set(o.locations[:TOP]))
            if len(o.relevant) <= TOP:
                reasons.append(f"前 {TOP} 个结果漏掉 {'、'.join(p or '首页' for p in missed)}")
            else:
                reasons.append(f"前 {TOP} 个结果中相关页面不足 {TOP} 个")
        reasons += o.problems
        if reasons:
            lines.append(f"[{o.query.kind}] {o.query.query!r}: {'；'.join(reasons)}（实际前三：{got}）")
    return lines


LABELS = {
    "queries": "查询数", "recall_at_10": "recall@10", "precision_at_1": "precision@1",
    "empty_answers": "空答（有答案却无结果）", "false_answers": "误答（应无结果却有结果）",
    "result_problems": "结果中的问题（编号、不可见字符）", "index_bytes": "搜索索引（字节）",
    "median_ms": "输入到显示结果，中位数（毫秒）", "max_ms": "输入到显示结果，最长（毫秒）",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="在 chromium 中运行搜索查询集并统计结果")
    parser.add_argument("--site", type=Path, help="已构建的网站文件夹（默认：构建公开版到临时文件夹）")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="查询集（YAML）")
    parser.add_argument("--json", action="store_true", help="最后一行输出 JSON")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    queries = load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="kb-search-eval-") as temp:
        site_dir = args.site
        if site_dir is None:
            from .sitebuild import BuildFailed, build_site, quiet_build_logs

            quiet_build_logs(args.verbose)
            site_dir = Path(temp) / "site"
            log.info("构建公开版网站…")
            try:
                build_site(load_project(), site_dir, "public")
            except BuildFailed as error:
                log.error(str(error))
                return 1
        outcomes, summary = evaluate(site_dir.resolve(), queries)
    for key, label in LABELS.items():
        print(f"{label:<28} {summary[key]}")
    lines = failures(outcomes)
    print(f"\n未达标的查询：{len(lines)} 个")
    for line in lines:
        print("  " + line)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
