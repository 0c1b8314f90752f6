"""The golden corpus of bad inputs (tests/cases/bad/*.yml), each built by real mkdocs.

Every bad input must stop the build with a Chinese message naming the file (and
line), print no Traceback, and leave the site of the previous good build alone.
See tests/cases/bad/README.md for the case format.
"""
from __future__ import annotations

from pathlib import Path
import shutil
import textwrap

import pytest
import yaml

from tests.support.project import MINIMAL_DOCS, make_project, run_mkdocs, run_script
from tests.support.site import changed_files, snapshot

CASES_DIR = Path(__file__).parents[1] / "cases" / "bad"
CASE_PATHS = sorted(CASES_DIR.glob("*.yml"))
CASE_KEYS = {"description", "files", "files_hex", "encoding", "pad_to", "expect", "replaces_output"}
ENCODINGS = {"gbk": "gbk", "utf-16": "utf-16"}
PAD_LINE = "填充内容，用来把页面撑大。\n"

# A valid problem and measure in the shape the corpus cases break, for the control build.
VALID_PROBLEM = """\
---
id: problem-05
type: problem
title: 测试问题五
source: 测试报告 二、5
---
## 主要表现

- 表现一。

## 原因分析

原因一。
"""
VALID_MEASURE = """\
---
id: measure-05
type: measure
title: 测试措施五
source: 测试报告 三、五
status: 整改中
problems:
  - problem-05
---
## 工作要求

要求。
"""


def load_case(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict), path
    assert set(case) <= CASE_KEYS, f"{path.name}: unknown keys {set(case) - CASE_KEYS}"
    assert case.get("description") and case.get("expect"), f"{path.name}: description and expect are required"
    assert case.get("files") or case.get("files_hex"), f"{path.name}: no files"
    assert case.get("replaces_output") in (None, "allowed"), path.name
    return case


def case_files(case: dict) -> dict[str, str | bytes]:
    """MINIMAL_DOCS with the case's files added or replaced, as exact bytes."""
    files: dict[str, str | bytes] = dict(MINIMAL_DOCS)
    encoding = ENCODINGS.get(case.get("encoding", ""), "utf-8")
    for rel, text in (case.get("files") or {}).items():
        data = text.encode(encoding)
        size = (case.get("pad_to") or {}).get(rel)
        if size:
            pad = PAD_LINE.encode("utf-8")
            data += pad * ((size - len(data)) // len(pad) + 1)
        files[rel] = data
    for rel, hex_text in (case.get("files_hex") or {}).items():
        files[rel] = bytes.fromhex(hex_text)
    return files


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """The previous good build whose site every bad build must leave alone."""
    root = tmp_path_factory.mktemp("good")
    result = run_mkdocs(make_project(root / "project", MINIMAL_DOCS), site=root / "site")
    assert result.ok, result.output
    return result


def test_corpus_is_complete():
    names = {path.stem for path in CASE_PATHS}
    assert len(names) >= 27, names
    for path in CASE_PATHS:
        load_case(path)


@pytest.mark.parametrize("case_path", CASE_PATHS, ids=[p.stem for p in CASE_PATHS])
def test_bad_input(case_path: Path, good_build, tmp_path: Path):
    case = load_case(case_path)
    project = make_project(tmp_path / "project", case_files(case))
    site = tmp_path / "site"
    shutil.copytree(good_build.site, site)
    before = snapshot(site)

    result = run_mkdocs(project, site=site)

    assert result.returncode != 0, f"{case['description']}: the build passed\n{result.output}"
    missing = [text for text in case["expect"] if text not in result.output]
    assert not missing, f"{case['description']}: missing {missing}\n{result.output}"
    assert "构建已中止" in result.output, result.output
    assert "Traceback" not in result.output, result.output
    if case.get("replaces_output") == "allowed":
        return  # found while rendering, after mkdocs cleaned the site: see test_safe_build_keeps_site
    assert (site / "index.html").read_bytes() == (good_build.site / "index.html").read_bytes()
    assert not changed_files(before, snapshot(site)), "a failed build changed the previous site"


def test_good_build_has_no_expected_message(good_build):
    """Control: the same project without the bad file builds, and says none of the corpus messages."""
    assert "ERROR" not in good_build.output and "WARNING" not in good_build.output, good_build.output
    for path in CASE_PATHS:
        for text in load_case(path)["expect"]:
            assert text not in good_build.output, (path.name, text)


def test_valid_version_of_the_case_pages_builds(tmp_path: Path):
    """Control: the problem and measure every case breaks are valid as written here."""
    files = {**MINIMAL_DOCS, "problems/problem-05.md": VALID_PROBLEM.encode(), "measures/measure-05.md": VALID_MEASURE.encode()}
    result = run_mkdocs(make_project(tmp_path / "project", files))
    assert result.ok, result.output
    assert "测试问题五" in result.html("problems/problem-05/index.html")
    assert "测试措施五" in result.html("problems/problem-05/index.html")


RENDER_TIME_CASES = [p for p in CASE_PATHS if load_case(p).get("replaces_output") == "allowed"]


@pytest.mark.parametrize("case_path", RENDER_TIME_CASES, ids=[p.stem for p in RENDER_TIME_CASES])
def test_safe_build_keeps_site(case_path: Path, good_build, tmp_path: Path):
    """Errors found while rendering come after mkdocs has emptied the site folder;
    scripts/build.py must build elsewhere and only replace site/ on success."""
    case = load_case(case_path)
    project = make_project(tmp_path / "project", case_files(case))
    shutil.copytree(good_build.site, project / "site")
    before = snapshot(project / "site")
    result = run_script(project, "build.py")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert all(text in output for text in case["expect"]), output
    assert "Traceback" not in output, output
    assert not changed_files(before, snapshot(project / "site")), "scripts/build.py changed the previous site"


def _problem_01() -> str:
    return textwrap.dedent(MINIMAL_DOCS["problems/problem-01.md"]).lstrip("\n")


def test_bom_and_crlf_build_like_plain_utf8(tmp_path: Path):
    """A page saved by Windows Notepad (UTF-8 with BOM, CRLF) builds, and exactly like the plain file."""
    text = _problem_01()
    windows = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert windows.count(b"\r\n") == text.count("\n") > 10
    bom = run_mkdocs(make_project(tmp_path / "bom", {**MINIMAL_DOCS, "problems/problem-01.md": windows}))
    assert bom.ok, bom.output
    page = bom.html("problems/problem-01/index.html")
    assert "主体责任压力传导不够" in page and "压力传导执行力度不够" in page
    assert "\ufeff" not in page and "\r" not in page and "id: problem-01" not in page

    # Control: the same content without BOM and with LF line endings gives the same site, byte for byte.
    plain = run_mkdocs(make_project(tmp_path / "plain", {**MINIMAL_DOCS, "problems/problem-01.md": text.encode("utf-8")}))
    assert plain.ok, plain.output
    assert snapshot(bom.site) == snapshot(plain.site)
