"""Building blocks for the offline training bundle and the PDF handouts.

Plain functions, standard library only, except ``html_to_pdf`` which needs the
``playwright`` Python package and Debian's ``chromium`` (never a downloaded
browser), and the PDF inspection helpers which use poppler-utils
(``pdftotext``, ``pdffonts``).

System packages these functions expect (install them in the setup script):

    apt-get install -y chromium fonts-wqy-microhei poppler-utils

Main entry points:

* :func:`vendor_iframe_worker` - make Material's offline search load the
  vendored iframe-worker shim instead of ``https://unpkg.com/iframe-worker/shim``.
* :func:`find_external_references` - static check that a built site loads
  nothing from outside its folder.
* :func:`make_reproducible_zip` - byte-identical zip for identical input.
* :func:`html_to_pdf` - print an HTML file to PDF with page numbers and a
  CJK font whose text extracts as real ideographs (no Kangxi radicals).
* :func:`pdf_text`, :func:`pdf_tounicode_text`, :func:`find_radicals`,
  :func:`pdf_fonts` - checks for generated PDFs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import dataclasses
import datetime as _dt
import hashlib
import html
import html.parser
import logging
import os
from pathlib import Path
import posixpath
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib

from kb.sanitize import normalize_url

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "vendor"

# ---------------------------------------------------------------------------
# iframe-worker (offline search on file://)
# ---------------------------------------------------------------------------

IFRAME_WORKER_DIR = VENDOR_DIR / "iframe-worker"
#: Where the shim lands inside the built site. Keep "iframe-worker" in the
#: path: Material's offline plugin only skips adding the CDN URL when some
#: entry of ``extra.polyfills`` contains that string.
IFRAME_WORKER_SITE_PATH = "assets/javascripts/vendor/iframe-worker/shim.js"

# What Material 9.8.2 (material/plugins/offline/plugin.py, on_config) appends
# to config.extra["polyfills"]: script = "https://unpkg.com/iframe-worker/shim".
# Also accept versioned / explicit-file variants and either quote style.
_IFRAME_WORKER_CDN_SRC = re.compile(
    r"""(?P<attr>\bsrc\s*=\s*)(?P<q>["'])https?://unpkg\.com/iframe-worker(?:@[^/"']*)?/shim(?:/index\.js)?(?P=q)"""
)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()



def verify_vendored(vendor_subdir: str | os.PathLike = IFRAME_WORKER_DIR) -> None:
    """Check the files listed in ``<vendor_subdir>/SHA256SUMS``; raise ValueError on mismatch."""
    d = Path(vendor_subdir)
    sums = d / "SHA256SUMS"
    with open(sums, encoding="utf-8") as f:
        lines = [ln.split() for ln in f if ln.strip()]
    if not lines:
        raise ValueError(f"{sums} is empty")
    for digest, name in lines:
        name = name.lstrip("*")
        got = _sha256_file(d / name)
        if got != digest:
            raise ValueError(f"{d / name}: sha256 {got} != {digest} (run scripts/vendor.sh)")


def vendor_iframe_worker(
    site_dir: str | os.PathLike,
    *,
    vendor_dir: str | os.PathLike = IFRAME_WORKER_DIR,
    site_path: str = IFRAME_WORKER_SITE_PATH,
) -> list[Path]:
    """Serve the vendored iframe-worker shim from inside ``site_dir``.

    Run after ``mkdocs build`` of the offline bundle. It

    1. verifies ``vendor/iframe-worker`` against its SHA256SUMS,
    2. copies ``shim.js`` and its ``LICENSE`` to ``site_dir/<site_path>``,
    3. rewrites any remaining ``<script src="https://unpkg.com/iframe-worker/shim">``
       in the site's HTML to the relative path of the local copy.

    Step 3 is a no-op when mkdocs.yml already lists the local path in
    ``extra.polyfills`` (the recommended setup, see /tmp/offline-notes.md).
    Idempotent. Returns the HTML files that were rewritten.
    """
    site = Path(site_dir)
    vendor = Path(vendor_dir)
    if not site.is_dir():
        raise FileNotFoundError(f"site dir {site} does not exist")
    verify_vendored(vendor)

    dest = site / site_path
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(vendor / "shim.js", dest)
    shutil.copyfile(vendor / "LICENSE", dest.parent / "LICENSE")
    for p in (dest, dest.parent / "LICENSE"):
        os.chmod(p, 0o644)
    log.info("iframe-worker shim copied to %s", dest)

    rewritten: list[Path] = []
    for page in sorted(site.rglob("*.html")):
        with open(page, encoding="utf-8") as f:
            text = f.read()
        rel = posixpath.relpath(site_path, page.parent.relative_to(site).as_posix() or ".")
        new, n = _IFRAME_WORKER_CDN_SRC.subn(
            lambda m, rel=rel: f"{m.group('attr')}{m.group('q')}{html.escape(rel)}{m.group('q')}", text
        )
        if n:
            with open(page, "w", encoding="utf-8", newline="") as f:
                f.write(new)
            rewritten.append(page)
    if rewritten:
        log.info("pointed %d HTML file(s) at the local iframe-worker shim", len(rewritten))
    return rewritten


# ---------------------------------------------------------------------------
# Static scan for resources loaded from outside the site folder
# ---------------------------------------------------------------------------

_LOADING_LINK_RELS = {
    "stylesheet", "preconnect", "dns-prefetch", "preload", "prefetch",
    "modulepreload", "icon", "shortcut", "apple-touch-icon", "manifest",
}
# Attributes whose URL the browser fetches by itself, on any element (HTML and SVG).
_LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data-src", "background", "data", "imagesrcset"}
# Elements whose `href` (or `xlink:href`) is a load, not a link: SVG images, uses,
# filters and scripts, and the <set>/<animate> elements that can rewrite an href.
_LOADING_HREF_TAGS = {"image", "use", "feimage", "script", "link", "base"}
_ANIMATION_TAGS = {"set", "animate"}
_HAS_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Schemes that never reach the network or the disk outside the folder.
_LOCAL_SCHEMES = {"data", "blob", "about", "javascript"}


def is_outside_url(value: str) -> bool:
    """True if a browser would fetch `value` from outside the site's folder: any URL
    with a scheme other than data/blob/about, a host (`//host`, `\\\\host`, `https:host`),
    or a rooted path (`/etc/x`, which on file:// leaves the folder)."""
    url = normalize_url(value)  # the sanitizer's reading of a URL, the way browsers read it
    if not url:
        return False
    scheme = _HAS_SCHEME.match(url)
    if scheme:
        return scheme.group(1).lower() not in _LOCAL_SCHEMES
    return url.startswith("/")


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.S)
_CSS_URL_FUNCTION = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^()\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS_IMAGE_SET = re.compile(r"(?:-webkit-)?image-set\(((?:[^()]|\([^()]*\))*)\)", re.I)
_CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")


def _css_unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)
    return _CSS_ESCAPE.sub(replace, text)


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet loads: url(), @import and the strings of image-set()."""
    css = _css_unescape(_CSS_COMMENT.sub("", css))
    urls = [next(g for g in m.groups() if g is not None) for m in _CSS_URL_FUNCTION.finditer(css)]
    urls += [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(css)]
    for match in _CSS_IMAGE_SET.finditer(css):
        urls += [next(g for g in s.groups() if g is not None) for s in _CSS_STRING.finditer(match.group(1))]
    return urls


def _outside_css(css: str) -> list[str]:
    return [url for url in css_urls(css) if is_outside_url(url)]


class _RefParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        urls = []
        for key in _LOADING_ATTRIBUTES & set(a):
            if key.endswith("srcset"):
                urls += [part.strip().split(" ")[0] for part in a[key].split(",")]
            else:
                urls.append(a[key])
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & _LOADING_LINK_RELS:
                urls.append(a.get("href", ""))
        elif tag in _LOADING_HREF_TAGS:
            urls += [a.get("href", ""), a.get("xlink:href", "")]
        elif tag in _ANIMATION_TAGS:
            urls += [a.get("to", ""), a.get("from", ""), a.get("values", "")]
        self.refs += [url for url in urls if is_outside_url(url)]
        if "style" in a:
            self.refs += _outside_css(a["style"])
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.refs += _outside_css(data)


def find_external_references(site_dir: str | os.PathLike) -> dict[str, list[str]]:
    """Resources that the site's HTML and CSS would load from outside its folder.

    Looks at ``<script src>``, ``<img src>``, ``<iframe src>``, loading
    ``<link>`` tags (stylesheet, preconnect, icon, ...), inline styles and
    ``url()`` / ``@import`` in ``.css`` files. Plain ``<a href>`` links are not
    loads and are ignored, and so is JavaScript (Material's bundle mentions
    CDN URLs it only fetches conditionally: mermaid when a diagram is present,
    resize-observer-polyfill on browsers without ResizeObserver).
    Returns {relative path: [urls]} for files with at least one such reference.
    """
    site = Path(site_dir)
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".htm", ".css", ".svg") or not path.is_file():
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if path.suffix == ".css":
            refs = _outside_css(text)
        else:
            parser = _RefParser()
            parser.feed(text)
            refs = parser.refs
        if refs:
            found[path.relative_to(site).as_posix()] = refs
    return found


# ---------------------------------------------------------------------------
# Reproducible zip
# ---------------------------------------------------------------------------

_ZIP_EPOCH_MIN = _dt.datetime(1980, 1, 1, tzinfo=_dt.UTC)  # DOS date floor
_FILE_MODE = 0o100644
_DIR_MODE = 0o040755


def _zip_date_time(when: _dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    if when is None:
        sde = os.environ.get("SOURCE_DATE_EPOCH")
        if sde:
            when = _dt.datetime.fromtimestamp(int(sde), tz=_dt.UTC)
        else:
            when = _ZIP_EPOCH_MIN
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.UTC)
    when = max(when.astimezone(_dt.UTC), _ZIP_EPOCH_MIN)
    if when.year > 2107:
        raise ValueError(f"{when} is past the zip format's last date (2107)")
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def make_reproducible_zip(
    src_dir: str | os.PathLike,
    zip_path: str | os.PathLike,
    root_name: str,
    *,
    date_time: _dt.datetime | None = None,
    compresslevel: int = 9,
) -> Path:
    """Zip ``src_dir`` so that the same input always gives a byte-identical archive.

    * every entry lives under ``root_name/`` (pass ``""`` for no top folder);
    * entries are sorted by path (a directory entry precedes its contents),
      names are NFC-normalised and use ``/``;
    * all timestamps are ``date_time``, else ``$SOURCE_DATE_EPOCH``, else
      1980-01-01 00:00:00 (UTC; zip has a 2-second resolution and no zone);
    * permissions are fixed: files 0644, directories 0755, Unix "made by";
    * no extra fields, no archive comment; deflate at ``compresslevel``.

    Symlinks are refused (ValueError) rather than silently followed. Output
    identity also assumes the same zlib build (same Python/Debian image).
    ``zip_path`` may lie inside ``src_dir``; it is then skipped. The archive is
    written to a temporary file and renamed into place. Returns ``zip_path``.
    """
    src = Path(src_dir)
    out = Path(zip_path)
    if not src.is_dir():
        raise FileNotFoundError(f"{src} is not a directory")
    root = root_name.strip("/")
    if root and (root in (".", "..") or "/" in root or "\\" in root):
        raise ValueError(f"root_name must be a single folder name, got {root_name!r}")
    stamp = _zip_date_time(date_time)
    out_resolved = out.resolve()

    entries: list[tuple[tuple[str, ...], Path | None]] = []  # (parts, file or None for dir)
    for dirpath, dirnames, filenames in os.walk(src):
        d = Path(dirpath)
        for name in dirnames + filenames:
            p = d / name
            if p.is_symlink():
                raise ValueError(f"refusing symlink in bundle: {p}")
        rel_dir = d.relative_to(src).parts
        if rel_dir:
            entries.append((rel_dir, None))
        for name in filenames:
            p = d / name
            if p.resolve() == out_resolved:
                continue
            entries.append((rel_dir + (name,), p))
    entries.sort(key=lambda e: tuple(unicodedata.normalize("NFC", s) for s in e[0]))

    def arcname(parts: tuple[str, ...], is_dir: bool) -> str:
        name = "/".join(unicodedata.normalize("NFC", s) for s in ((root,) if root else ()) + parts)
        return name + "/" if is_dir else name

    def info(name: str, is_dir: bool) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(name, date_time=stamp)
        zi.create_system = 3  # Unix, so external_attr carries the mode
        zi.external_attr = ((_DIR_MODE if is_dir else _FILE_MODE) << 16) | (0x10 if is_dir else 0)
        zi.compress_type = zipfile.ZIP_STORED if is_dir else zipfile.ZIP_DEFLATED
        zi.extra = b""
        zi.comment = b""
        return zi

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".zip", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            if root:
                zf.writestr(info(root + "/", True), b"")
            for parts, path in entries:
                if path is None:
                    zf.writestr(info(arcname(parts, True), True), b"")
                else:
                    with open(path, "rb") as f:
                        data = f.read()
                    zf.writestr(info(arcname(parts, False), False), data,
                                compress_type=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
            zf.comment = b""
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise
    log.info("wrote %s (%d entries, sha256 %s)", out, len(entries) + bool(root), _sha256_file(out))
    return out


class _suppress_oserror:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return exc_type is not None and issubclass(exc_type, OSError)


# ---------------------------------------------------------------------------
# PDF handouts
# ---------------------------------------------------------------------------

#: Debian chromium, never a browser downloaded by playwright.
CHROMIUM_PATH = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-breakpad",
    "--no-default-browser-check",
)

#: CJK fonts whose cmap never maps a Kangxi radical (U+2F00-2FDF) or a CJK
#: radical supplement code point (U+2E80-2EFF) to the same glyph as an
#: ideograph, and which Chromium embeds as real subset CID TrueType fonts.
#: Any one of them is enough (the CSS stack uses the first installed one):
#: fonts-wqy-microhei (preferred: Chromium synthesises bold for headings),
#: fonts-wqy-zenhei, fonts-droid-fallback. Noto / Source Han CJK share ~280
#: such glyphs, so their PDFs carry radicals in the ToUnicode CMaps.
PDF_FONT_FAMILIES: tuple[str, ...] = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback")
PDF_MONO_FAMILIES: tuple[str, ...] = ("WenQuanYi Micro Hei Mono", "WenQuanYi Zen Hei Mono")
PDF_FONT_APT_PACKAGE = "fonts-wqy-microhei"
#: PostScript names (as embedded in the PDF, after the "ABCDEF+" subset tag).
PDF_SAFE_FONT_NAMES: frozenset[str] = frozenset({
    "WenQuanYiMicroHei", "WenQuanYiMicroHeiMono", "WenQuanYiZenHei", "WenQuanYiZenHeiMono",
    "DroidSansFallback", "DroidSansFallbackFull",
})

#: Kangxi radicals + CJK radicals supplement (+ the ideographic description
#: characters in between): text in these blocks means broken extraction.
RADICAL_RANGE = (0x2E80, 0x2FDF)


def _css_family_list(families: Sequence[str], generic: str) -> str:
    return ", ".join([f'"{f}"' for f in families] + [generic])


def handout_font_css(
    families: Sequence[str] = PDF_FONT_FAMILIES, mono_families: Sequence[str] = PDF_MONO_FAMILIES
) -> str:
    """CSS that puts every element (Material pages included) on the PDF-safe fonts."""
    text = _css_family_list(families, "sans-serif")
    mono = _css_family_list(list(mono_families) + list(families), "monospace")
    return (
        f":root {{ --md-text-font: {text}; --md-code-font: {mono}; }}\n"
        f"html, body, body * {{ font-family: {text} !important; }}\n"
        f"code, kbd, pre, samp, tt, code *, pre * {{ font-family: {mono} !important; }}\n"
    )


def font_is_installed(family: str) -> bool:
    """True if fontconfig knows a font whose family name is exactly ``family``."""
    try:
        res = subprocess.run(
            ["fc-list", f":family={family}", "family"], capture_output=True, text=True, check=True
        )
    except (FileNotFoundError, subprocess.CalledProcessError):
        return False
    return any(family in [n.strip() for n in ln.split(",")] for ln in res.stdout.splitlines())


def _template(body: str, families: Sequence[str]) -> str:
    # Chromium renders header/footer templates in their own document: default
    # font size is ~0 and no page CSS applies, so style them inline.
    body = body.replace("{page}", '<span class="pageNumber"></span>')
    body = body.replace("{pages}", '<span class="totalPages"></span>')
    body = body.replace("{title}", '<span class="title"></span>')
    return (
        f'<div style="width:100%; margin:0 12mm; font-size:9pt; color:#444; text-align:center; '
        f"font-family:{html.escape(_css_family_list(families, 'sans-serif'), quote=True)};\">{body}</div>"
    )


DEFAULT_FOOTER_HTML = "第 {page} 页 / 共 {pages} 页"


def html_to_pdf(
    html_path: str | os.PathLike,
    pdf_path: str | os.PathLike,
    *,
    header_html: str | None = None,
    footer_html: str | None = DEFAULT_FOOTER_HTML,
    font_families: Sequence[str] = PDF_FONT_FAMILIES,
    mono_families: Sequence[str] = PDF_MONO_FAMILIES,
    force_font: bool = True,
    require_installed_font: bool = True,
    paper_format: str = "A4",
    margin: dict[str, str] | None = None,
    allow_network: bool = False,
    browser=None,
    timeout_ms: float = 60_000,
    outline: bool = False,
) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Debian chromium.

    ``header_html`` / ``footer_html`` are small HTML snippets; ``{page}``,
    ``{pages}`` and ``{title}`` become the current page number, the page count
    and the document title. The default footer is "第 {page} 页 / 共 {pages} 页";
    pass ``None`` for no header/footer text.

    With ``force_font`` (default) a stylesheet puts every element on
    ``font_families`` (code on ``mono_families``), so no glyph comes from Noto
    CJK via fontconfig fallback. One of the families must be installed
    (``apt-get install fonts-wqy-microhei``), else RuntimeError; pass
    ``require_installed_font=False`` when the HTML defines the family itself
    with ``@font-face`` (e.g. ``src: url("font.ttf")`` next to the HTML).

    Requests that leave the local machine are aborted unless ``allow_network``
    (file://, data: and blob: URLs are always allowed). Pass a running
    Playwright ``browser`` to reuse it across many handouts; otherwise one is
    launched and closed here.

    With ``outline`` the PDF gets bookmarks built from the headings (a tagged PDF).
    """
    src = Path(html_path).resolve()
    out = Path(pdf_path)
    if not src.is_file():
        raise FileNotFoundError(src)
    if (force_font and require_installed_font and font_families
            and not any(font_is_installed(f) for f in font_families)):
        raise RuntimeError(
            f"none of the fonts {list(font_families)} is installed; "
            f"run: apt-get install -y {PDF_FONT_APT_PACKAGE}"
        )
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
            try:
                return html_to_pdf(
                    src, out, header_html=header_html, footer_html=footer_html,
                    font_families=font_families, mono_families=mono_families,
                    force_font=force_font, require_installed_font=require_installed_font,
                    paper_format=paper_format, margin=margin,
                    allow_network=allow_network, browser=b, timeout_ms=timeout_ms,
                    outline=outline,
                )
            finally:
                b.close()

    context = browser.new_context()
    try:
        if not allow_network:
            def _route(route):
                url = route.request.url
                if url.split(":", 1)[0] in ("file", "data", "blob"):
                    route.continue_()
                else:
                    log.warning("handout %s: blocked network request %s", src.name, url)
                    route.abort("blockedbyclient")

            context.route("**/*", _route)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        page.goto(src.as_uri(), wait_until="load")
        if force_font:
            page.add_style_tag(content=handout_font_css(font_families, mono_families))
        page.evaluate("() => document.fonts.ready.then(() => true)")
        show = header_html is not None or footer_html is not None
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(out),
            format=paper_format,
            print_background=True,
            display_header_footer=show,
            header_template=_template(header_html or "", font_families) if show else "",
            footer_template=_template(footer_html or "", font_families) if show else "",
            margin=margin or {"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            # None leaves Chromium's defaults alone when no outline is asked for.
            outline=True if outline else None,
            tagged=True if outline else None,
        )
    finally:
        context.close()
    log.info("wrote %s", out)
    return out


# ---------------------------------------------------------------------------
# PDF checks
# ---------------------------------------------------------------------------


def find_radicals(text: str) -> list[str]:
    """Sorted distinct characters of ``text`` in U+2E80-U+2FDF (radical look-alikes)."""
    lo, hi = RADICAL_RANGE
    return sorted({c for c in text if lo <= ord(c) <= hi})


def pdf_text(pdf_path: str | os.PathLike) -> str:
    """Text of a PDF as ``pdftotext -enc UTF-8`` (poppler) extracts it."""
    res = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True
    )
    return res.stdout.decode("utf-8")


@dataclasses.dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool


def pdf_fonts(pdf_path: str | os.PathLike) -> list[PdfFont]:
    """Fonts of a PDF as listed by poppler's ``pdffonts``."""
    res = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True)
    fonts = []
    for line in res.stdout.splitlines()[2:]:
        cols = line.split()
        if len(cols) < 7:
            continue
        # name [type words...] encoding emb sub uni objnum gen
        emb, sub, uni = cols[-5:-2]
        fonts.append(PdfFont(cols[0], " ".join(cols[1:-6]), emb == "yes", sub == "yes", uni == "yes"))
    return fonts


_STREAM = re.compile(rb"<<(?P<dict>(?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", re.S)
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")


def _pdf_streams(data: bytes) -> Iterable[bytes]:
    for m in _STREAM.finditer(data):
        start = m.end()
        lm = _LENGTH.search(m.group("dict"))
        end = start + int(lm.group(1)) if lm else data.find(b"endstream", start)
        raw = data[start:end]
        if b"/FlateDecode" in m.group("dict"):
            try:
                raw = zlib.decompressobj().decompress(raw)
            except zlib.error:
                continue
        yield raw


def _utf16be(hexstr: bytes) -> str:
    return bytes.fromhex(hexstr.decode("ascii")).decode("utf-16-be", errors="replace")


def pdf_tounicode_text(pdf_path: str | os.PathLike) -> tuple[str, int]:
    """All destination strings of the PDF's ToUnicode CMaps, and how many CMaps were read.

    This is the glyph -> text mapping that copy/paste, search and most
    extractors (pypdf, pdfminer, PDF.js) use. Chromium also wraps text in
    /ActualText spans, which poppler's pdftotext prefers, so pdftotext alone can
    hide radicals that other readers will show: check both.
    """
    with open(pdf_path, "rb") as f:
        data = f.read()
    out: list[str] = []
    cmaps = 0
    hexs = rb"<([0-9A-Fa-f]+)>"
    for s in _pdf_streams(data):
        if b"begincmap" not in s:
            continue
        cmaps += 1
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
            out.extend(_utf16be(dst) for _src, dst in re.findall(hexs + rb"\s*" + hexs, block))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", s, re.S):
            for lo, hi, rest in re.findall(hexs + rb"\s*" + hexs + rb"\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
                if rest.startswith(b"["):
                    out.extend(_utf16be(h) for h in re.findall(hexs, rest))
                    continue
                base_bytes = bytes.fromhex(rest[1:-1].decode("ascii"))
                base = int.from_bytes(base_bytes, "big")
                for k in range(int(hi, 16) - int(lo, 16) + 1):
                    out.append((base + k).to_bytes(len(base_bytes), "big").decode("utf-16-be", errors="replace"))
    return "".join(out), cmaps
