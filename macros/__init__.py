"""mkdocs-macros glue: the documented macros, rendered in the knowledge base's sandbox.

mkdocs-macros' own rendering is switched off (`render_by_default: false`, and
`render_macros` is forced off for every page), because it is an unsandboxed
Jinja environment. Pages are rendered by `kb.templating` after it, with only
the macros of `kb.site.MACRO_NAMES`. See docs/guide/macros.md.
"""
from __future__ import annotations

from macros import state


def define_env(env) -> None:
    if state.showing_errors():
        return  # under `mkdocs serve`, the pages show the content's errors (macros/hooks.py)
    kb = state.current()
    # Registered for mkdocs-macros' own listing (`{{ macros_info() }}` is not available to pages).
    for name, function in kb.names_for("index.md").items():
        if callable(function):
            env.macro(function, name)


def on_pre_page_macros(env) -> None:
    env.page.meta["render_macros"] = False


def on_post_page_macros(env) -> None:
    # Imported here: the hooks re-import kb for every build, and the error raised is the current one.
    from kb.errors import ContentError

    if state.showing_errors():
        return
    try:
        env.markdown = state.current().render_page(env.page.file.src_uri, env.markdown)
    except ContentError as error:
        # Reported with the others when every page has been rendered (see hooks.on_env).
        state.page_errors.append(error)
        env.markdown = ""
