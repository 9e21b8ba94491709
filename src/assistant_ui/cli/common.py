"""What several ``aui`` commands share: the one-line error, header
arguments and opening a client."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from assistant_ui._client import AssistantClient

__all__ = [
    "AddCommand",
    "CLIError",
    "Handler",
    "add_header_option",
    "one_line",
    "open_client",
    "parse_headers",
]

AddCommand: TypeAlias = Callable[..., argparse.ArgumentParser]
"""Adds a subcommand's parser (``add_parser`` with the shared options)."""

Handler: TypeAlias = Callable[[argparse.Namespace, Any], int]
"""A command: the parsed arguments and the output; returns the exit status."""


class CLIError(Exception):
    """A failure to report as one line (exit status 1)."""


def one_line(exc: BaseException) -> str:
    """An exception's message on one line (URLs without their userinfo)."""
    from assistant_ui._redact import scrub

    text = scrub(str(exc) or type(exc).__name__, ())
    return " ".join(text.split())


def parse_headers(values: Iterable[str]) -> dict[str, str]:
    """``-H 'Name: value'`` arguments as a mapping.

    Raises:
        CLIError: a value without a colon or a name.
    """
    headers: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise CLIError(f"a header must look like 'Name: value', got {value!r}")
        headers[name.strip()] = content.strip()
    return headers


def add_header_option(command: argparse.ArgumentParser, what: str) -> None:
    """``-H/--header 'Name: value'`` (repeatable), read by :func:`parse_headers`."""
    command.add_argument(
        "-H", "--header", action="append", default=[], metavar="'Name: value'",
        help=f"{what} (repeatable)",
    )  # fmt: skip


def open_client(base_url: str, headers: dict[str, str], chat_path: str) -> AssistantClient:
    """The client of a command (imported late: ``aui decode`` needs no httpx)."""
    from assistant_ui._client import AssistantClient

    return AssistantClient(base_url, headers=headers or None, chat_path=chat_path)
