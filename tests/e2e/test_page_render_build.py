"""The real site built with one Markdown instance per process (macros/page_render.py) is the
site mkdocs' own Page.render builds (a new instance per page): the generated ledger and
listing pages, macros expanded, byte for byte."""
from __future__ import annotations

from pathlib import Path

from tests.e2e.test_forked_pages import messages, site_files
from tests.support.project import make_project, run_mkdocs

# Every page converted by mkdocs' own Page.render: the project's kept instance is never used.
MKDOCS_OWN = '''
import sys


def on_config(config):
    sys.modules["macros.page_render"].applies_to = lambda page: False
    return config


def on_post_build(config):
    assert sys.modules["macros.page_render"]._kept is None, "the kept instance was used"
'''


def test_the_real_site_converts_as_mkdocs_own_conversion(tmp_path: Path):
    project = make_project(tmp_path / "project")
    ours = {}
    for audience in ("public", "internal"):
        ours[audience] = run_mkdocs(project, env={"KB_AUDIENCE": audience}, site=tmp_path / f"ours-{audience}")
    (project / "mkdocs_own.py").write_text(MKDOCS_OWN, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - mkdocs_own.py\n", 1),
                      encoding="utf-8")
    for audience in ("public", "internal"):
        own = run_mkdocs(project, env={"KB_AUDIENCE": audience}, site=tmp_path / f"own-{audience}")
        assert ours[audience].ok and own.ok, ours[audience].output + own.output
        expected, built = site_files(own.site), site_files(ours[audience].site)
        assert len(built) > 100 and any(path.startswith("measures/") for path in built)
        assert built.keys() == expected.keys()
        assert [path for path in built if built[path] != expected[path]] == []
        assert messages(ours[audience]) == messages(own)
