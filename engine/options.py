"""Declared configuration options of a plugin component, and their validation."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


@dataclass(frozen=True, slots=True)
class Option:
    """One option a component accepts in its config table.

    A ``secret`` option is never written in the file: the user writes
    ``<name>_env = "VARIABLE"`` and the value is read from that environment
    variable when the component starts.
    """

    name: str
    type: type = str
    default: Any = None
    required: bool = False
    help: str = ""
    secret: bool = False
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None

    def describe_type(self) -> str:
        """The expected type in words, for error messages."""
        return _TYPE_NAMES.get(self.type, self.type.__name__)


class OptionProblem(ValueError):
    """One option is wrong: ``key`` is the option's key, ``hint`` says how to fix it."""

    def __init__(self, key: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.hint = hint


def validate_options(
    declared: Sequence[Option],
    given: Mapping[str, Any],
    *,
    reserved: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check ``given`` against ``declared``; return (options with defaults, secret env names).

    ``reserved`` keys (like ``type`` and ``name``) belong to the engine and are skipped.
    Secrets are not resolved here (see :func:`resolve_secrets`) so that
    ``config check`` can name a missing variable without reading its value.

    Raises:
        OptionProblem: the first problem found.
    """
    by_name = {option.name: option for option in declared}
    allowed = set(by_name) | set(reserved)
    allowed |= {f"{option.name}_env" for option in declared if option.secret}
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            known = ", ".join(sorted(by_name)) or "(none)"
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise OptionProblem(key, "unknown option", f"{hint}known options: {known}")
    values: dict[str, Any] = {}
    secret_envs: dict[str, str] = {}
    for option in declared:
        if option.secret:
            if option.name in given:
                raise OptionProblem(
                    option.name,
                    "secrets are never written in the config file",
                    f'write {option.name}_env = "SOME_VARIABLE" and export SOME_VARIABLE',
                )
            env_key = f"{option.name}_env"
            if env_key in given:
                env_name = given[env_key]
                if not isinstance(env_name, str) or not env_name:
                    raise OptionProblem(env_key, "must name an environment variable")
                secret_envs[option.name] = env_name
            elif option.required:
                raise OptionProblem(
                    env_key, "missing", f'add {env_key} = "SOME_VARIABLE" naming the variable'
                )
            continue
        if option.name not in given:
            if option.required:
                raise OptionProblem(
                    option.name,
                    "missing",
                    f"add {option.name} = ... ({option.help or option.describe_type()})",
                )
            values[option.name] = option.default
            continue
        values[option.name] = _check_value(option, given[option.name])
    return values, secret_envs


def _check_value(option: Option, value: Any) -> Any:
    expected = option.type
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise OptionProblem(
            option.name,
            f"must be {option.describe_type()}, got {type(value).__name__} {value!r}",
            option.help or None,
        )
    if option.choices is not None and value not in option.choices:
        choices = ", ".join(repr(c) for c in option.choices)
        raise OptionProblem(option.name, f"{value!r} is not one of {choices}")
    if option.minimum is not None and value < option.minimum:
        raise OptionProblem(option.name, f"must be at least {option.minimum}, got {value!r}")
    return value


def resolve_secrets(secret_envs: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """Read each secret from its environment variable.

    Raises:
        OptionProblem: a named variable is not set (its value is never shown).
    """
    secrets: dict[str, str] = {}
    for name, env_name in secret_envs.items():
        if env_name not in environ or not environ[env_name]:
            raise OptionProblem(
                f"{name}_env",
                f"environment variable {env_name} is not set",
                f"export {env_name}=... before starting ecoute",
            )
        secrets[name] = environ[env_name]
    return secrets
