"""``aui chat --tool module:function``: Python functions as frontend tools."""

from __future__ import annotations

import dataclasses
import importlib
import os
import sys
from collections.abc import Iterable

from assistant_ui._tools.tool import Tool
from assistant_ui.cli.common import CLIError

__all__ = ["load_tools"]


def _load(spec: str, *, approve: bool) -> Tool:
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise CLIError(f"--tool takes MODULE:FUNCTION (e.g. mytools:get_weather), got {spec!r}")
    # As `python -m` does: modules beside the user are importable (the
    # `aui` script alone would only see installed packages).
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise CLIError(f"--tool {spec}: cannot import {module_name!r} ({exc})") from exc
    value = module
    for name in attribute.split("."):
        if not hasattr(value, name):
            raise CLIError(f"--tool {spec}: {module_name!r} has no {attribute!r}")
        value = getattr(value, name)
    if isinstance(value, Tool):
        found = value
    elif callable(value):
        try:
            found = Tool.from_function(value)
        except Exception as exc:
            raise CLIError(f"--tool {spec}: not usable as a tool ({exc})") from exc
    else:
        raise CLIError(f"--tool {spec}: {attribute!r} is not a function")
    if found.function is None:
        raise CLIError(f"--tool {spec}: the tool has no function to run")
    # --approve: the library asks the approval callback before running it.
    return dataclasses.replace(found, needs_approval=True) if approve else found


def load_tools(specs: Iterable[str], *, approve: bool = False) -> list[Tool]:
    """The tools named by ``--tool`` arguments; ``approve`` makes each one
    wait for a yes before it runs.

    Raises:
        CLIError: a spec that does not name an importable function.
    """
    tools = [_load(spec, approve=approve) for spec in specs]
    names = [t.name for t in tools]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CLIError(f"--tool: two tools are named {', '.join(duplicates)}")
    return tools
