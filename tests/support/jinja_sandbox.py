"""The Jinja sandbox pages were rendered in before kb/templating.render walked the parse
tree itself: the tests compare the two (tests/unit/test_template_walker.py) and show what
Jinja does with plain text (tests/unit/test_template_fast_path.py)."""
from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment


def sandbox_environment() -> ImmutableSandboxedEnvironment:
    """As kb/templating.py made it: immutable sandbox, strict undefined, no autoescape, the
    page's last newline kept, no default globals."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    return env
