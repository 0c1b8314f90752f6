"""Tests for kbtools/offline.py (bundle zip, iframe-worker vendoring, PDF handouts)
and, end to end, for the offline-search recipe using tests/support/browser.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from kbtools import offline as _offline
from tests.support.browser import chromium_fixture, open_search, record_requests, search_titles

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

browser = chromium_fixture(scope="module")  # one playwright at a time per process

PHRASES = ("一岗双责", "清廉建设", "第一种形态", "整改措施", "四风")
# Ideographs that have Kangxi-radical / radical-supplement look-alikes.
LOOKALIKES = ["一", "丨", "丶", "丿", "乙", "亅", "二", "亠", "人", "儿", "入", "八", "冂", "冖", "冫", "几", "凵", "刀", "力", "勹", "匕", "匚", "十", "卜", "卩", "厂", "厶", "又", "口", "囗", "土", "士", "夂", "夕", "大", "女", "子", "宀", "寸", "小", "尢", "尸", "屮", "山", "川", "工", "己", "巾", "干", "幺", "广", "廴", "廾", "弋", "弓", "彐", "彡", "彳", "心", "戈", "户", "手", "支", "攴", "文", "斗", "斤", "方", "无", "日", "曰", "月", "木", "欠", "止", "歹", "殳", "毋", "比", "毛", "氏", "气", "水", "火", "爪", "父", "爻", "片", "牙", "牛", "犬", "玄", "玉", "瓜", "瓦", "甘", "生", "用", "田", "疋", "疒", "癶", "白", "皮", "皿", "目", "矛", "矢", "石", "示", "禸", "禾", "穴", "立", "竹", "米", "糸", "缶", "网", "羊", "羽", "老", "而", "耒", "耳", "聿", "肉", "臣", "自", "至", "臼", "舌", "舛", "舟", "艮", "色", "艸", "虍", "虫", "血", "行", "衣", "襾", "見", "角", "言", "谷", "豆", "豕", "豸", "貝", "赤", "走", "足", "身", "車", "辛", "辰", "辵", "邑", "酉", "釆", "里", "金", "長", "門", "阜", "隶", "隹", "雨", "青", "非", "面", "革", "韋", "韭", "音", "頁", "風", "飛", "食", "首", "香", "馬", "骨", "高", "髟", "鬥", "鬯", "鬲", "鬼", "魚", "鳥", "鹵", "鹿", "麥", "麻", "黃", "黍", "黑", "黹", "黽", "鼎", "鼓", "鼠", "鼻", "齊", "齒", "龍", "龜", "龠", "见", "贝", "车", "门", "页", "风", "飞", "马", "鱼", "鸟", "龙", "齿", "长"]
PARAGRAPH = "落实全面从严治党“一岗双责”，推进清廉建设，运用监督执纪第一种形态，制定整改措施，持续纠治四风问题。"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _have(*tools: str) -> bool:
    return all(shutil.which(t) for t in tools)


needs_poppler = pytest.mark.skipif(not _have("pdftotext", "pdffonts"), reason="poppler-utils not installed")
needs_chromium = pytest.mark.skipif(
    not os.path.exists(_offline.CHROMIUM_PATH), reason="Debian chromium not installed"
)


# ---------------------------------------------------------------------------
# make_reproducible_zip
# ---------------------------------------------------------------------------


def _make_tree(root: Path) -> None:
    (root / "assets" / "js").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "指南").mkdir()
    (root / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")
    (root / "assets" / "js" / "app.js").write_text("console.log(1)\n", encoding="utf-8")
    (root / "指南" / "一岗双责.html").write_text("<p>一岗双责</p>", encoding="utf-8")
    (root / "bin.dat").write_bytes(bytes(range(256)) * 10)


def _scramble_metadata(root: Path, when: float, mode: int) -> None:
    for p in sorted(root.rglob("*")):
        if p.is_file():
            os.chmod(p, mode)
        os.utime(p, (when, when))


def test_zip_is_byte_identical_for_same_input(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = tmp_path / "a", tmp_path / "b"
    _make_tree(a)
    _make_tree(b)  # same content, created later, different mtimes/permissions:
    _scramble_metadata(a, 1_000_000_000, 0o600)
    _scramble_metadata(b, 1_700_000_000, 0o755)
    when = dt.datetime(2024, 5, 1, 8, 30, 0, tzinfo=dt.UTC)

    z1 = _offline.make_reproducible_zip(a, tmp_path / "one.zip", "kb-offline", date_time=when)
    z2 = _offline.make_reproducible_zip(b, tmp_path / "out" / "two.zip", "kb-offline", date_time=when)
    assert z1.read_bytes() == z2.read_bytes()

    with zipfile.ZipFile(z1) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "kb-offline/"
        assert all(n.startswith("kb-offline/") for n in names)
        assert "kb-offline/empty/" in names
        assert "kb-offline/指南/一岗双责.html" in names
        assert names.index("kb-offline/assets/") < names.index("kb-offline/assets/js/app.js")
        assert {i.date_time for i in infos} == {(2024, 5, 1, 8, 30, 0)}
        for i in infos:
            assert i.create_system == 3
            assert i.extra == b""
            mode = i.external_attr >> 16
            assert mode == (0o040755 if i.is_dir() else 0o100644), (i.filename, oct(mode))
        assert zf.comment == b""
        assert zf.read("kb-offline/指南/一岗双责.html").decode("utf-8") == "<p>一岗双责</p>"
        assert zf.testzip() is None

    # content change -> different archive
    (b / "index.html").write_text("<h1>首页!</h1>", encoding="utf-8")
    z3 = _offline.make_reproducible_zip(b, tmp_path / "three.zip", "kb-offline", date_time=when)
    assert z3.read_bytes() != z1.read_bytes()


def test_zip_uses_source_date_epoch(tmp_path, monkeypatch):
    src = tmp_path / "src"
    _make_tree(src)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714552201")  # 2024-05-01T08:30:01Z -> even seconds
    z1 = _offline.make_reproducible_zip(src, tmp_path / "a.zip", "kb")
    os.utime(src / "index.html", (1, 1))
    z2 = _offline.make_reproducible_zip(src, tmp_path / "b.zip", "kb")
    assert hashlib.sha256(z1.read_bytes()).digest() == hashlib.sha256(z2.read_bytes()).digest()
    with zipfile.ZipFile(z1) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2024, 5, 1, 8, 30, 0)}

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    z3 = _offline.make_reproducible_zip(src, tmp_path / "c.zip", "kb")
    with zipfile.ZipFile(z3) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_zip_skips_itself_and_refuses_symlinks(tmp_path):
    src = tmp_path / "src"
    _make_tree(src)
    inside = _offline.make_reproducible_zip(src, src / "bundle.zip", "")
    again = _offline.make_reproducible_zip(src, src / "bundle.zip", "")  # now exists inside src
    assert inside == again
    with zipfile.ZipFile(again) as zf:
        names = zf.namelist()
    assert "bundle.zip" not in names and "index.html" in names

    (src / "link.html").symlink_to(src / "index.html")
    with pytest.raises(ValueError, match="symlink"):
        _offline.make_reproducible_zip(src, tmp_path / "x.zip", "kb")


# ---------------------------------------------------------------------------
# iframe-worker vendoring and static reference scan (no browser)
# ---------------------------------------------------------------------------

CDN_TAG = '<script src="https://unpkg.com/iframe-worker/shim"></script>'


def _fake_site(site: Path) -> None:
    (site / "guide" / "deep").mkdir(parents=True)
    head = '<link rel="stylesheet" href="assets/main.css"><link rel="canonical" href="https://kb.example/x">'
    for rel in ("index.html", "guide/a.html", "guide/deep/b.html"):
        (site / rel).write_text(
            f"<html><head>{head}{CDN_TAG}</head><body><a href='https://example.org'>外链</a></body></html>",
            encoding="utf-8",
        )


def test_vendored_files_match_their_checksums():
    _offline.verify_vendored(_offline.IFRAME_WORKER_DIR)
    with open(_offline.IFRAME_WORKER_DIR / "VERSION", encoding="utf-8") as f:
        assert f.read().strip() == "1.0.4"


def test_vendor_iframe_worker_rewrites_cdn_tags(tmp_path):
    site = tmp_path / "site"
    _fake_site(site)
    before = _offline.find_external_references(site)
    assert before == {
        rel: ["https://unpkg.com/iframe-worker/shim"]
        for rel in ("guide/a.html", "guide/deep/b.html", "index.html")
    }

    rewritten = _offline.vendor_iframe_worker(site)
    assert sorted(p.relative_to(site).as_posix() for p in rewritten) == [
        "guide/a.html", "guide/deep/b.html", "index.html"
    ]
    shim = site / _offline.IFRAME_WORKER_SITE_PATH
    assert shim.read_bytes() == (_offline.IFRAME_WORKER_DIR / "shim.js").read_bytes()
    assert (shim.parent / "LICENSE").is_file()
    b = (site / "guide/deep/b.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/javascripts/vendor/iframe-worker/shim.js"></script>' in b
    assert '<script src="assets/javascripts/vendor/iframe-worker/shim.js"></script>' in (
        site / "index.html"
    ).read_text(encoding="utf-8")
    assert _offline.find_external_references(site) == {}
    assert _offline.vendor_iframe_worker(site) == []  # idempotent


def test_vendor_iframe_worker_rejects_tampered_copy(tmp_path):
    vendor = tmp_path / "iframe-worker"
    shutil.copytree(_offline.IFRAME_WORKER_DIR, vendor)
    with open(vendor / "shim.js", "a", encoding="utf-8") as f:
        f.write("\n// changed\n")
    site = tmp_path / "site"
    _fake_site(site)
    with pytest.raises(ValueError, match="sha256"):
        _offline.vendor_iframe_worker(site, vendor_dir=vendor)


def test_find_external_references_sees_fonts_and_css(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<style>@import "https://x.example/y.css";</style><img src="//cdn.example/i.png">'
        '<a href="https://ok.example/">ok</a><script src="local.js"></script>',
        encoding="utf-8",
    )
    (tmp_path / "s.css").write_text("a{background:url(https://cdn.example/bg.png)}", encoding="utf-8")
    refs = _offline.find_external_references(tmp_path)
    assert refs == {
        "a.html": [
            "https://fonts.gstatic.com",
            "https://fonts.googleapis.com/css?family=Roboto",
            "https://x.example/y.css",
            "//cdn.example/i.png",
        ],
        "s.css": ["https://cdn.example/bg.png"],
    }


# ---------------------------------------------------------------------------
# html_to_pdf: CJK text must extract as ideographs, not radicals
# ---------------------------------------------------------------------------


def _handout(path: Path, style: str = "") -> Path:
    body = "".join(
        f"<h2>第{i}部分 整改措施</h2><p>{PARAGRAPH}</p><p>{' '.join(LOOKALIKES)}</p>"
        f"<pre><code>代码示例：一岗双责 = True</code></pre>"
        for i in range(1, 5)
    )
    path.write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>清廉建设讲义</title>'
        f"<style>{style}</style></head><body><h1>清廉建设讲义</h1>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def _assert_clean_cjk(pdf: Path) -> str:
    text = _offline.pdf_text(pdf)
    flat = _flat(text)
    for phrase in PHRASES:
        assert phrase in flat, phrase
    assert _offline.find_radicals(text) == []
    missing = [c for c in LOOKALIKES if c not in flat]
    assert missing == []
    # pdftotext prefers Chromium's /ActualText spans; copy/paste and most other
    # extractors use the ToUnicode CMaps, so those must be clean as well.
    tounicode, cmaps = _offline.pdf_tounicode_text(pdf)
    assert cmaps > 0
    assert _offline.find_radicals(tounicode) == []
    return text


@needs_chromium
@needs_poppler
@pytest.mark.skipif(
    not any(_offline.font_is_installed(f) for f in _offline.PDF_FONT_FAMILIES),
    reason="apt-get install fonts-wqy-microhei",
)
def test_html_to_pdf_text_extracts_as_ideographs(tmp_path):
    pdf = _offline.html_to_pdf(
        _handout(tmp_path / "h.html"), tmp_path / "out" / "h.pdf", header_html="培训讲义 · {title}"
    )
    text = _assert_clean_cjk(pdf)
    flat = _flat(text)
    pages = re.findall(r"第(\d+)页/共(\d+)页", flat)
    assert pages, "footer page numbers missing"
    total = int(pages[0][1])
    assert total >= 2
    assert [int(n) for n, _ in pages] == list(range(1, total + 1))
    assert "培训讲义·清廉建设讲义" in flat
    fonts = _offline.pdf_fonts(pdf)
    assert fonts and all(f.embedded for f in fonts)
    # Real (CID TrueType) fonts only from the safe set: no Noto CJK via fallback.
    # (Type 3 entries are Chromium's synthetic bold, drawn as outlines.)
    cid = {f.name.split("+")[-1] for f in fonts if f.type.startswith("CID")}
    assert cid and cid <= _offline.PDF_SAFE_FONT_NAMES, cid
    if _offline.font_is_installed("WenQuanYi Micro Hei"):
        assert {"WenQuanYiMicroHei", "WenQuanYiMicroHeiMono"} <= cid  # <code> gets the mono face


@needs_chromium
@needs_poppler
def test_font_face_from_local_file(tmp_path, browser):
    """Handout HTML built in a temp dir with the font file beside it (@font-face, file://)."""
    ttf = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    if not ttf.is_file():
        pytest.skip("apt-get install fonts-droid-fallback")
    shutil.copyfile(ttf, tmp_path / "handout-font.ttf")
    style = '@font-face { font-family: "KB Handout"; src: url("handout-font.ttf"); }'
    pdf = _offline.html_to_pdf(
        _handout(tmp_path / "h.html", style),
        tmp_path / "h.pdf",
        font_families=("KB Handout",),
        mono_families=("KB Handout",),
        require_installed_font=False,
        browser=browser,
    )
    _assert_clean_cjk(pdf)
    assert any("DroidSansFallback" in f.name and f.embedded for f in _offline.pdf_fonts(pdf))


@needs_chromium
@needs_poppler
def test_negative_control_noto_cjk_maps_glyphs_to_radicals(tmp_path, browser):
    """Noto Sans CJK shares glyphs between ideographs and radicals: its PDF's
    ToUnicode CMaps send e.g. 一 to ⼀ (U+2F00). This is what the chosen font avoids."""
    if not _offline.font_is_installed("Noto Sans CJK SC"):
        pytest.skip("fonts-noto-cjk not installed")
    pdf = _offline.html_to_pdf(
        _handout(tmp_path / "h.html"),
        tmp_path / "noto.pdf",
        font_families=("Noto Sans CJK SC",),
        mono_families=("Noto Sans Mono CJK SC",),
        browser=browser,
    )
    tounicode, cmaps = _offline.pdf_tounicode_text(pdf)
    assert cmaps > 0
    radicals = _offline.find_radicals(tounicode)
    assert "⼀" in radicals and len(radicals) > 100, radicals


# ---------------------------------------------------------------------------
# End to end: offline search from file:// with the vendored shim
# ---------------------------------------------------------------------------


@needs_chromium
def test_offline_site_search_without_leaving_folder(tmp_path, browser):
    pytest.importorskip("material")
    proj = tmp_path / "proj"
    (proj / "docs" / "guide").mkdir(parents=True)
    (proj / "mkdocs.yml").write_text(
        "site_name: 离线测试\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search\n  - offline\n",
        encoding="utf-8",
    )
    (proj / "docs" / "index.md").write_text("# 首页\n\n欢迎。\n", encoding="utf-8")
    (proj / "docs" / "guide" / "duty.md").write_text(
        "# 一岗双责\n\n落实一岗双责，推进清廉建设。\n\n## 整改措施\n\n针对四风问题制定整改措施。\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(proj / "mkdocs.yml")],
        check=True, cwd=proj, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    site = proj / "site"
    # 404.html links its assets from the server root (/assets/…), which on file:// leaves
    # the folder; bundles leave it out (SERVER_ONLY_FILES), and so does this one.
    assert _offline.find_external_references(site)["404.html"][0].startswith("/assets/")
    (site / "404.html").unlink()
    assert _offline.find_external_references(site)  # the CDN shim, before vendoring
    _offline.vendor_iframe_worker(site)
    assert _offline.find_external_references(site) == {}

    context = browser.new_context()
    try:
        page = context.new_page()
        with record_requests(context, allowed_dir=site) as log:
            open_search(page, (site / "guide" / "duty.html").as_uri())
            titles = search_titles(page, "整改措施")
            none = search_titles(page, "不存在的词语")
        assert "整改措施" in titles
        assert none == []
        assert log.outside == []
        assert any(u.endswith("iframe-worker/shim.js") for u in log.urls)
    finally:
        context.close()


# Loads a browser makes from outside the folder, written the ways that slipped past the
# first checker (no slashes after the scheme, a leading control byte, SVG, image-set()).
OUTSIDE_LOADS = [
    ("scheme-without-slashes", '<img src="https:example.org/x.png">'),
    ("control-byte", '<img src="\x01https://example.org/x.png">'),
    ("tab-inside-scheme", '<img src="ht\ttps://example.org/x.png">'),
    ("protocol-relative", '<script src="//example.org/x.js"></script>'),
    ("backslashes", '<img src="\\\\example.org\\x.png">'),
    ("rooted-path", '<img src="/etc/x.png">'),
    ("srcset", '<img src="a.png" srcset="a.png 1x, https://example.org/b.png 2x">'),
    ("svg-image-href", '<svg><image href="https://example.org/x.png"/></svg>'),
    ("svg-xlink-href", '<svg><use xlink:href="https://example.org/s.svg#a"/></svg>'),
    ("svg-set-to", '<svg><image><set attributeName="href" to="https://example.org/x.png"/></image></svg>'),
    ("css-image-set", '<div style="background-image: image-set(\'https://example.org/x.png\' 1x)"></div>'),
    ("css-escaped-url", '<style>body{background:u\\72l(https://example.org/x.png)}</style>'),
    ("css-import", '<style>@import "https://example.org/x.css";</style>'),
    ("css-comment-split", '<style>body{background:url(/**/https://example.org/x.png)}</style>'),
    ("object-data", '<object data="https://example.org/x.swf"></object>'),
    ("video-poster", '<video poster="https://example.org/x.png"></video>'),
    ("link-preload", '<link rel="preload" href="https://example.org/x.woff2">'),
]
INSIDE_LOADS = [
    '<img src="pic.png">', '<img src="../assets/x.png">', '<img src="data:image/png;base64,AAAA">',
    '<a href="https://example.org/">链接不是加载</a>', '<style>body{background:url(x.png)}</style>',
    '<svg><use href="#icon"/></svg>',
]


@pytest.mark.parametrize("markup", [m for _, m in OUTSIDE_LOADS], ids=[i for i, _ in OUTSIDE_LOADS])
def test_offline_check_finds_loads_from_outside(tmp_path, markup):
    (tmp_path / "page.html").write_text(f"<!doctype html><body>{markup}</body>", encoding="utf-8")
    assert list(_offline.find_external_references(tmp_path)) == ["page.html"]


def test_offline_check_passes_local_loads_and_plain_links(tmp_path):
    (tmp_path / "page.html").write_text("<!doctype html><body>" + "".join(INSIDE_LOADS) + "</body>", encoding="utf-8")
    (tmp_path / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><use href="#a"/></svg>', encoding="utf-8")
    assert _offline.find_external_references(tmp_path) == {}
    (tmp_path / "x.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>', encoding="utf-8")
    assert list(_offline.find_external_references(tmp_path)) == ["x.svg"]
