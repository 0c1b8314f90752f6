"""axe-core in Debian's chromium: the accessibility rules a page breaks.

axe-core comes from the npm package pinned in package.json / package-lock.json
(`npm ci`, run by scripts/test.sh); nothing is fetched at test time. It is injected
into the page from node_modules with Playwright's add_script_tag(path=…)."""
from __future__ import annotations

from pathlib import Path
import re

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.x A and AA rules plus axe's best practices (heading order, landmarks…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Pages of every type, by their URL in a build of the real site (use_directory_urls).
PAGE_TYPES = {
    "home": "",
    "reports index": "reports/",
    "practices index": "practices/",
    "problems index": "problems/",
    "measures index": "measures/",
    "policies index": "policies/",
    "terms index (glossary)": "terms/",
    "sessions index": "sessions/",
    "report": "reports/report-01/",
    "practice": "practices/practice-01/",
    "problem": "problems/problem-01/",
    "measure": "measures/measure-01/",
    "policy": "policies/policy-eight-point-regulation/",
    "term": "terms/term-yigang-shuangze/",
    "session": "sessions/session-report-reading/",
    "self-check": "self-check/",
    "checklist": "problems/checklist/",
    "ledger": "measures/ledger/",
    "progress (dashboard)": "measures/progress/",
    "matrix": "measures/matrix/",
    "tags": "guide/tags/",
    "guide": "guide/",
    "404": "404.html",
}


def axe_installed() -> bool:
    return AXE_JS.is_file()


def run_axe(page) -> list[dict]:
    """The violations axe reports on the page as it is now: one dict per (rule, element)
    with the rule id, a signature of the element and its HTML."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            const where = (target) => {
                let element = null;
                try { element = typeof target[0] === 'string' ? document.querySelector(target[0]) : null; } catch (e) {}
                return element && element.closest('article.md-content__inner') ? 'content' : 'theme';
            };
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                                                               summary: n.failureSummary,
                                                                               region: where(n.target)}))}));
        }""",
        AXE_TAGS,
    )
    found = []
    for violation in result:
        for node in violation["nodes"]:
            found.append({"rule": violation["id"], "signature": signature(node["target"]), "target": node["target"],
                          "region": node["region"], "html": node["html"][:200], "summary": node["summary"]})
    return found


_NTH = re.compile(r":nth-child\(\d+\)|:nth-of-type\(\d+\)|#[\w-]+|\[[^\]]*\]")


def the_themes(violation: dict, baseline: set[tuple[str, str]]) -> bool:
    """Whether a violation is Material's rather than the project's: the same rule on the same
    kind of element on a bare Material page, and either outside the page's content (header,
    navigation, search) or on an element the theme styles by class (code highlighting).
    A plain element of the content (a link, a heading, a table) is always the project's,
    even when bare Material's default colours break the same rule."""
    if (violation["rule"], violation["signature"]) not in baseline:
        return False
    return violation["region"] == "theme" or "." in violation["signature"]


def signature(target: str) -> str:
    """An element's selector without positions, ids and attributes: the same element of the
    theme on two pages (or in two builds) has one signature."""
    return re.sub(r"\s+", " ", _NTH.sub("", target)).strip()
