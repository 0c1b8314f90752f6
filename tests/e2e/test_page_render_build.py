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


# Counts every read of a page's file through mkdocs' File (mkdocs' Page.read_source reads
# them so, then parses their front matter); reads one itself to show that it counts.
COUNT_READS = '''
import json
from mkdocs.structure.files import File

READS = []
_original = File.content_string


def on_config(config):
    def counted(self):
        if self.src_uri.endswith(".md"):
            READS.append(self.src_uri)
        return _original.fget(self)
    File.content_string = property(counted, _original.fset)
    return config


def on_files(files, config):
    files.get_file_from_path("index.md").content_string  # the control read
    return files


def on_post_build(config):
    File.content_string = _original
    with open("reads.json", "w", encoding="utf-8") as out:
        json.dump(READS, out)
'''


def test_mkdocs_reads_no_page_a_second_time(tmp_path: Path):
    """The loader has read every page and its front matter; mkdocs gets the body from it
    (on_page_read_source) instead of reading the file and parsing the front matter again."""
    import json

    project = make_project(tmp_path / "project")
    (project / "count_reads.py").write_text(COUNT_READS, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - count_reads.py\n", 1),
                      encoding="utf-8")
    # One process: reads in forks would not be counted here.
    result = run_mkdocs(project, env={"KB_PROCESSES": "1"}, site=tmp_path / "site")
    assert result.ok, result.output
    assert json.loads((project / "reads.json").read_text(encoding="utf-8")) == ["index.md"]  # the control's only
