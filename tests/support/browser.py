"""Browser helpers for pytest: Debian chromium driven by Playwright (sync API).

No tests live here; import it from test modules::

    from browser import chromium_fixture, record_requests, open_search, search_titles

    browser = chromium_fixture(scope="module")   # one Playwright at a time per process

    def test_offline(browser, tmp_path):
        page = browser.new_page()
        with record_requests(page.context, allowed_dir=site_dir) as log:
            open_search(page, (site_dir / "index.html").as_uri())
            titles = search_titles(page, "一岗双责")
        assert log.outside == []
        assert titles

The browser is never downloaded: we use the distribution's /usr/bin/chromium
(override with $KB_CHROMIUM). Playwright's launch() gives every browser a
fresh temporary profile (user-data-dir), which it deletes on close.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
import contextlib
import dataclasses
import logging
import os
from pathlib import Path
import shutil
from urllib.parse import unquote, urlsplit

from kbtools.browser import (  # noqa: F401  (re-exported for the tests)
    SEARCH_INITIALIZER_TEXTS,
    SEARCH_INPUT,
    SEARCH_ITEM,
    SEARCH_META,
    SEARCH_NONE_TEXTS,
    open_search,
    search_titles,
    serve_folder,
)

log = logging.getLogger(__name__)

CHROMIUM_ENV = "KB_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# Flags needed to run the distribution's chromium headless as root, without
# it phoning home (component updates, sync, field trials, ...).
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-default-browser-check",
)

def chromium_executable() -> str:
    """Path of the chromium binary to drive; raises if it is not installed."""
    path = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    resolved = shutil.which(path) or (path if os.path.exists(path) else None)
    if not resolved:
        raise FileNotFoundError(
            f"chromium not found at {path!r}; install Debian's package "
            f"(apt-get install -y chromium) or set ${CHROMIUM_ENV}"
        )
    return resolved


def launch_chromium(playwright, *, extra_args: Sequence[str] = (), **launch_kwargs):
    """Launch Debian chromium through a started ``sync_playwright()`` instance."""
    args = list(CHROMIUM_ARGS) + list(extra_args)
    log.debug("launching %s %s", chromium_executable(), " ".join(args))
    return playwright.chromium.launch(
        executable_path=chromium_executable(), args=args, **launch_kwargs
    )


@contextlib.contextmanager
def chromium(*, extra_args: Sequence[str] = (), **launch_kwargs) -> Iterator[object]:
    """Context manager: start Playwright, launch chromium, yield the Browser, clean up."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p, extra_args=extra_args, **launch_kwargs)
        try:
            yield browser
        finally:
            browser.close()


def chromium_fixture(
    scope: str = "session", *, name: str = "browser", extra_args: Sequence[str] = ()
) -> Callable:
    """Return a pytest fixture (assign it to a module-level name) yielding a Browser.

    Fails (never skips) when chromium or playwright is missing: scripts/test.sh
    installs both, and a skipped browser test would hide a broken setup.
    """
    import pytest

    @pytest.fixture(scope=scope, name=name)
    def _browser():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on environment
            pytest.fail(f"playwright not installed: {exc}; run bash scripts/test.sh")
        try:
            chromium_executable()
        except FileNotFoundError as exc:  # pragma: no cover
            pytest.fail(f"{exc}; run bash scripts/test.sh")
        with chromium(extra_args=extra_args) as browser:
            yield browser

    return _browser


# --------------------------------------------------------------------------
# Request recording
# --------------------------------------------------------------------------


def _file_url_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


def url_is_inside(
    url: str, *, allowed_dir: str | os.PathLike | None = None, allowed_origin: str | None = None
) -> bool:
    """True if ``url`` stays inside the folder (file://) or the origin (http://host:port).

    ``data:``, ``blob:`` and ``about:`` URLs never leave the machine and count as inside.
    """
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True
    if allowed_dir is not None:
        path = _file_url_path(url)
        if path is not None:
            root = Path(allowed_dir).resolve()
            try:
                Path(os.path.normpath(path)).resolve().relative_to(root)
                return True
            except ValueError:
                return False
    if allowed_origin is not None:
        want = urlsplit(allowed_origin)
        got = urlsplit(url)
        if (got.scheme, got.netloc) == (want.scheme, want.netloc):
            return True
    return False


@dataclasses.dataclass
class RequestLog:
    """Every request URL seen by a browser context, and those that left the allowed area."""

    allowed_dir: str | None = None
    allowed_origin: str | None = None
    urls: list[str] = dataclasses.field(default_factory=list)
    outside: list[str] = dataclasses.field(default_factory=list)

    def add(self, url: str) -> None:
        self.urls.append(url)
        if not url_is_inside(url, allowed_dir=self.allowed_dir, allowed_origin=self.allowed_origin):
            log.warning("request outside the allowed area: %s", url)
            self.outside.append(url)


@contextlib.contextmanager
def record_requests(
    context,
    *,
    allowed_dir: str | os.PathLike | None = None,
    allowed_origin: str | None = None,
    block_outside: bool = True,
) -> Iterator[RequestLog]:
    """Record every request made by pages (and their iframes/workers) of ``context``.

    ``context`` is a Playwright BrowserContext (use ``page.context`` for a page).
    Give ``allowed_dir`` (a folder; file:// URLs under it are fine) and/or
    ``allowed_origin`` (e.g. ``http://127.0.0.1:8000``). After the block,
    ``log.outside`` lists the URLs that were not inside; with ``block_outside``
    those requests are also aborted so nothing actually reaches the network.
    """
    if allowed_dir is None and allowed_origin is None:
        raise ValueError("give allowed_dir and/or allowed_origin")
    rlog = RequestLog(
        allowed_dir=str(Path(allowed_dir).resolve()) if allowed_dir is not None else None,
        allowed_origin=allowed_origin,
    )

    def on_request(request) -> None:
        rlog.add(request.url)

    def route_handler(route) -> None:
        url = route.request.url
        if url_is_inside(url, allowed_dir=rlog.allowed_dir, allowed_origin=allowed_origin):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.on("request", on_request)
    if block_outside:
        # http(s)/ws requests go through the router; file:// ones are only observed.
        context.route("**/*", route_handler)
    try:
        yield rlog
    finally:
        if block_outside:
            with contextlib.suppress(Exception):
                context.unroute("**/*", route_handler)
        with contextlib.suppress(Exception):
            context.remove_listener("request", on_request)
