"""The careless corpus (tests/cases/careless/*.yml, format in its README.md): pages a careless
editor writes, each finding at its file:line:col with a Chinese fix, --fix making exactly the
safe fixes, and the build and check.py reporting the same lines for all of them."""
from __future__ import annotations

from pathlib import Path
import re

import pytest
import yaml

from kb.errors import sort_key
from kb.loader import load_content
from kb.settings import load_settings
from kbtools.check import fix_file
from tests.golden.test_attacks import reported_errors
from tests.support.golden import rewrite_key
from tests.support.project import MINIMAL_DOCS, REPO, make_project, reviewed_assets, run_mkdocs, run_script, write_docs

CASES_DIR = Path(__file__).parents[1] / "cases" / "careless"
CASE_PATHS = sorted(CASES_DIR.glob("*.yml"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) <= {"description", "files", "findings", "fixed"}, path.name
    return case


def page_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def read_docs(docs: Path):
    settings = load_settings(REPO, docs_dir=docs, site_name="测试", extra=None, reviewed_assets=reviewed_assets())
    return load_content(docs, tags=settings.tags, variables=settings.org, reviewed_assets=settings.reviewed_assets)


def findings_of(content, paths) -> list[str]:
    found = [e for e in content.errors + content.warnings if e.path in paths]
    return [f"docs/{e}" for e in sorted(found, key=sort_key)]


def write_case(docs: Path, case: dict) -> None:
    write_docs(docs, {**MINIMAL_DOCS, **{path: page_bytes(text) for path, text in case["files"].items()}})


def fix_in_place(docs: Path, paths) -> None:
    """What check.py --fix does, in-process: rounds of fixes from fresh readings."""
    for _ in range(3):
        content = read_docs(docs)
        edits = {path: e for path, e in content.edits.items() if path in paths}
        if not any([fix_file(docs / path, path, e) for path, e in edits.items()]):  # every file, not the first
            return


def test_corpus_is_complete():
    assert len(CASE_PATHS) >= 15
    paths = [path for case_path in CASE_PATHS for path in load_case(case_path)["files"]]
    assert len(paths) == len(set(paths)), "two cases use the same file: they share one project below"


@pytest.mark.parametrize("case_path", CASE_PATHS, ids=[p.stem for p in CASE_PATHS])
def test_each_mistake_is_named_where_it_is_with_its_fix(case_path: Path, tmp_path: Path, update_golden: bool):
    case = load_case(case_path)
    docs = tmp_path / "docs"
    write_case(docs, case)
    actual = findings_of(read_docs(docs), case["files"])
    if update_golden and actual != (case.get("findings") or []):
        rewrite_key(case_path, "findings", actual)
        case["findings"] = actual
    assert actual == (case.get("findings") or []), "the messages changed; if on purpose, run pytest --update-golden and review the diff"
    assert actual, "every careless page has something to say"
    for line in actual:
        # docs/path:line: message（hint）, with the column and code for the copy lint
        assert re.match(r"^docs/[\w./-]+\.md:\d+(?::\d+: ZH\d{3} |: )", line), line
        assert CHINESE.search(line) and line.endswith("）"), f"no Chinese fix: {line}"

    fix_in_place(docs, case["files"])
    fixed = {path: (docs / path).read_bytes().decode("utf-8") for path in case["files"]}
    changed = {path: text for path, text in fixed.items() if text != case["files"][path]}
    if update_golden and changed != (case.get("fixed") or {}):
        rewrite_key(case_path, "fixed", changed)
        case["fixed"] = changed
    assert changed == (case.get("fixed") or {})
    after = findings_of(read_docs(docs), case["files"])
    assert not [line for line in after if re.search(r": ZH(10[1-6]) 警告", line)], after


def test_build_and_check_report_the_same_lines_for_every_careless_page(tmp_path: Path):
    """All the careless pages in one project: the build (mkdocs itself) and check.py say the
    same lines, which are the corpus's findings; check.py --fix makes the corpus's fixes
    and the errors stay."""
    cases = [load_case(path) for path in CASE_PATHS]
    files = {path: page_bytes(text) for case in cases for path, text in case["files"].items()}
    expected = {re.sub(r"^docs/", "", line) for case in cases for line in case["findings"]}
    project = make_project(tmp_path / "project", {**MINIMAL_DOCS, **files})

    build = run_mkdocs(project, strict=False)
    check = run_script(project, "check.py")
    check_output = check.stdout + check.stderr
    assert build.returncode == 1 and check.returncode == 1
    assert "Traceback" not in build.output + check_output
    assert reported_errors(build.output) == reported_errors(check_output) == expected, (
        f"build:\n{build.output}\ncheck.py:\n{check_output}")
    # Paths as the editor types them, from the project folder, in both.
    for output in (build.output, check_output):
        named = re.findall(r"(?:^|\s)(\S+\.md):\d+", output, re.M)
        assert named and all(path.startswith("docs/") for path in named), named

    fix = run_script(project, "check.py", "--fix")
    assert "Traceback" not in fix.stdout + fix.stderr
    for case in cases:
        for path, text in case["files"].items():
            assert (project / "docs" / path).read_bytes() == page_bytes((case.get("fixed") or {}).get(path, text)), path
    fixed_lines = [line for line in fix.stderr.splitlines() if line.startswith("已改正 docs/")]
    assert len(fixed_lines) >= 30, fix.stderr
    remaining = reported_errors("\n".join(line for line in fix.stderr.splitlines() if not line.startswith("已改正")))
    assert remaining and not [line for line in remaining if re.search(r": ZH(10[1-6]) ", line)], remaining
    # What is left is what the same fixes leave in-process (the errors, and the YAML error
    # of problem-19, whose stray colon was a half-width one, is gone).
    docs = tmp_path / "in-process" / "docs"
    write_docs(docs, {**MINIMAL_DOCS, **files})
    fix_in_place(docs, files)
    assert remaining == {re.sub(r"^docs/", "", line) for line in findings_of(read_docs(docs), files)}
