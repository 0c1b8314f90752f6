"""axe-core (the npm package pinned in package.json, installed by `npm ci` in scripts/test.sh)
on every page type of a real build, in Debian's chromium, in the light and the dark palette.
A violation fails the test unless bare Material has it too (the benchmark's bare
configuration, kbtools/bench.py, built from the same pages without any of the project's
styles, scripts or hooks) and it is the theme's (tests/support/axe.py `the_themes`)."""
from __future__ import annotations

from pathlib import Path
import subprocess
import sys

import pytest
import yaml

from kbtools.bench import BARE_CONFIG
from tests.support.axe import PAGE_TYPES, axe_installed, run_axe, the_themes
from tests.support.browser import chromium_fixture, serve_folder
from tests.support.project import make_project, run_mkdocs

browser = chromium_fixture(scope="module")

PALETTES = ("light", "dark")  # Material follows prefers-color-scheme: default, then slate


@pytest.fixture(scope="module", autouse=True)
def axe_is_there():
    if not axe_installed():
        pytest.fail("没有 node_modules/axe-core：请运行 npm ci（scripts/test.sh 会运行它）")


def bare_material(project: Path, site: Path) -> Path:
    """The same docs built by bare Material: the benchmark's bare configuration, without the
    project's stylesheets and scripts, and Material's own default palette."""
    config = yaml.safe_load(BARE_CONFIG)
    config["theme"]["palette"] = [
        {"media": "(prefers-color-scheme: light)", "scheme": "default"},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate"},
    ]
    config["extra_css"] = []
    config["extra_javascript"] = []
    (project / "bare-overrides").mkdir(exist_ok=True)
    (project / "mkdocs-bare.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-bare.yml", "-d", str(site)],
                            cwd=project, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "kb.css" not in (site / "index.html").read_text(encoding="utf-8")
    return site


def audit(browser, url: str, pages: tuple[str, ...] = tuple(PAGE_TYPES)) -> dict[tuple[str, str], list[dict]]:
    found = {}
    for palette in PALETTES:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=palette)
        page = context.new_page()
        for name in pages:
            path = PAGE_TYPES[name]
            page.goto(url + path)
            scheme = page.eval_on_selector("body", "b => b.getAttribute('data-md-color-scheme')")
            assert scheme == ("slate" if palette == "dark" else "default"), (palette, scheme)
            found[(palette, name)] = run_axe(page)
        context.close()
    return found


@pytest.fixture(scope="module")
def baseline(browser, tmp_path_factory) -> set[tuple[str, str]]:
    project = make_project(tmp_path_factory.mktemp("bare") / "project")
    site = bare_material(project, project / "site-bare")
    with serve_folder(site) as url:
        return {(v["rule"], v["signature"]) for found in audit(browser, url).values() for v in found}


def project_violations(browser, site: Path, baseline, pages: tuple[str, ...] = tuple(PAGE_TYPES)) -> dict[tuple[str, str], list[dict]]:
    with serve_folder(site) as url:
        found = audit(browser, url, pages)
    return {page: [v for v in violations if not the_themes(v, baseline)] for page, violations in found.items()}


def test_no_page_type_has_a_violation_of_the_projects_own(browser, real_site, baseline):
    found = project_violations(browser, real_site.site, baseline)
    assert len(found) == len(PAGE_TYPES) * len(PALETTES)
    report = [f"{palette} {page}: {v['rule']} {v['target']} {v['html'][:80]}"
              for (palette, page), violations in found.items() for v in violations]
    assert report == []


def test_a_page_with_known_violations_fails(browser, tmp_path_factory, baseline):
    """Negative control: links told from the text by colour alone (the underline rule taken
    out of kb.css) and a heading that jumps from h1 to h3 are both reported, in both palettes."""
    project = make_project(tmp_path_factory.mktemp("control") / "project")
    css = project / "docs" / "assets" / "kb.css"
    text = css.read_text(encoding="utf-8")
    underline = "text-decoration: underline; text-decoration-thickness: from-font; text-underline-offset: .2em;"
    assert underline in text
    css.write_text(text.replace(underline, "text-decoration: none;"), encoding="utf-8")
    guide = project / "docs" / "guide" / "index.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("\n## ", "\n### ", 1), encoding="utf-8")
    result = run_mkdocs(project)
    assert result.ok, result.output
    found = project_violations(browser, result.site, baseline, ("guide", "problems index"))
    for palette in PALETTES:
        assert "heading-order" in {v["rule"] for v in found[(palette, "guide")]}
        # 问题清单 in the page's first paragraph, a red link in black text
        assert "link-in-text-block" in {v["rule"] for v in found[(palette, "problems index")]}
