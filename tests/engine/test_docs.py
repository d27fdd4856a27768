"""Every hook is documented for plugin authors and has a test named after it."""

from __future__ import annotations

import re

import pytest

from ecoute.engine import hookspecs
from tests.conftest import REPO

HOOKS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "ecoute_spec"))


def test_hooks_are_found() -> None:
    assert "register_sources" in HOOKS and "mentions_stored" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    docs = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert re.search(rf"^### {hook}$", docs, re.M), f"docs/plugins.md lacks '### {hook}'"
    assert f"def {hook}(" in docs
    spec = getattr(hookspecs, hook)
    assert spec.__doc__ and "Called" in spec.__doc__
    assert "Raises:" in spec.__doc__ or "raise" in spec.__doc__.lower()


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    tests = (REPO / "tests" / "engine" / "test_hooks.py").read_text(encoding="utf-8")
    assert re.search(rf"^(async )?def test_{hook}\b", tests, re.M), (
        f"tests/engine/test_hooks.py needs a test_{hook}"
    )
