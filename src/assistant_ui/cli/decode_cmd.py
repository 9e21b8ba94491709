"""``aui decode FILE``: the events, final message and state of a captured
response body, decoded offline."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assistant_ui.cli.common import AddCommand, CLIError, add_header_option, parse_headers
from assistant_ui.cli.render import Output, message_text, to_json
from assistant_ui.protocol.encodings import ENCODING_NAMES as ENCODINGS

__all__ = ["add_decode_command", "cmd_decode"]


def add_decode_command(add: AddCommand) -> None:
    """Adds ``aui decode``."""
    decode = add("decode", help="decode a captured response body")
    decode.add_argument("file", metavar="FILE", help="the body ('-' for stdin)")
    decode.add_argument("--encoding", choices=ENCODINGS, help="the encoding (else detected)")
    add_header_option(decode, "a response header, for detection")
    decode.add_argument("--strict", action="store_true", help="decode as the reference does")
    decode.add_argument("--json", action="store_true", help="one JSON document")
    decode.set_defaults(handler=cmd_decode)


def _describe(event: Any) -> str:
    from assistant_ui.protocol.events import event_to_dict

    data = event_to_dict(event)
    kind = data.pop("type")
    path = data.pop("path", [])
    where = f"[{','.join(map(str, path))}]" if path else ""
    return f"{kind}{where} {to_json(data)}" if data else f"{kind}{where}"


def _read(file: str) -> bytes:
    try:
        if file == "-":
            return sys.stdin.buffer.read()
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CLIError(f"cannot read {file}: {exc.strerror or exc}") from exc


def cmd_decode(args: argparse.Namespace, out: Output) -> int:
    """Decodes ``args.file``; one JSON document with ``--json``."""
    from assistant_ui._decoding import decode_stream

    data = _read(args.file)
    headers = parse_headers(args.header)
    result = decode_stream(
        data, encoding=args.encoding, headers=headers or None, strict=args.strict, events=True
    )
    if args.json:
        from assistant_ui.protocol.events import event_to_dict

        document = {
            "encoding": result.encoding,
            "events": [event_to_dict(e) for e in result.events],
            "message": result.message,
            "state": result.state,
            "warnings": result.warnings,
        }
        out.print(to_json(document, indent=2))
        return 0
    out.line(f"encoding: {result.encoding}", "bold")
    for index, event in enumerate(result.events):
        out.print(f"{index:4d}  {_describe(event)}")
    for warning in result.warnings:
        out.line(f"warning: {warning}", "yellow")
    out.print("")
    out.print("message:")
    out.print(to_json(result.message, indent=2))
    if result.state is not None:
        out.print("state:")
        out.print(to_json(result.state, indent=2))
    out.print("")
    out.print("text:")
    out.print(message_text(result.message))
    return 0
