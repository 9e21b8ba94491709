"""How ``aui`` shows things: :class:`Output` (stdout for the assistant's
text, stderr for everything else, styled with rich on a terminal) and
:class:`EventRenderer` (canonical events as they arrive)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant_ui.protocol.events import Event

__all__ = ["EventRenderer", "Output", "message_text", "new_results", "to_json"]


class Output:
    """Where everything the CLI shows goes.

    Text deltas go to ``stdout``; everything else to ``stderr``, as whole
    lines. Both usually share one terminal, so the output remembers whether a
    line is left open and ends it before writing a line elsewhere.

    Args:
        stdout, stderr: the streams.
        color: style with rich (when it is installed).
    """

    def __init__(self, stdout: IO[str], stderr: IO[str], *, color: bool) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self._open: IO[str] | None = None
        self._console: Any = None
        if color:
            try:
                from rich.console import Console
            except ImportError:
                pass
            else:
                self._console = Console(file=stderr, highlight=False, soft_wrap=True)

    @classmethod
    def for_terminal(cls, *, plain: bool = False) -> Output:
        """Styled when stderr is a terminal (and ``plain`` is false)."""
        return cls(sys.stdout, sys.stderr, color=not plain and sys.stderr.isatty())

    def _write(self, stream: IO[str], text: str, style: str | None = None) -> None:
        if self._open is not None and self._open is not stream:
            self.end_line()
        if not text:
            return
        if style and self._console is not None and stream is self.stderr:
            self._console.print(text, style=style, end="", markup=False)
        else:
            stream.write(text)
        stream.flush()
        self._open = None if text.endswith("\n") else stream

    def end_line(self) -> None:
        """Ends the open line, if any."""
        if self._open is not None:
            stream, self._open = self._open, None
            stream.write("\n")
            stream.flush()

    def text(self, text: str) -> None:
        """Assistant text, to stdout as it arrives."""
        self._write(self.stdout, text)

    def reasoning(self, text: str) -> None:
        """Reasoning text, to stderr, dimmed."""
        self._write(self.stderr, text, "dim italic")

    def line(self, text: str, style: str | None = None) -> None:
        """A whole line on stderr (tool calls, statuses, errors)."""
        self.end_line()
        self._write(self.stderr, text + "\n", style)

    def print(self, text: str) -> None:
        """A whole line on stdout (``decode`` output, ``--json``)."""
        self.end_line()
        self._write(self.stdout, text + "\n")


def to_json(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON for the terminal (unicode kept, anything else repr'd)."""
    return json.dumps(value, ensure_ascii=False, indent=indent, default=repr)


@dataclass
class _PartView:
    kind: str
    name: str = ""
    call_id: str = ""
    args: list[str] = field(default_factory=list)
    shown: bool = False


class EventRenderer:
    """Shows canonical events as they arrive.

    Text parts stream to stdout; reasoning streams dimmed to stderr (after a
    ``thinking:`` label); a tool call is shown once its arguments are
    complete, then its result; sources, files, data, approvals and errors
    each get one line.

    Args:
        out: the output.
        json_lines: print every event as a JSON line instead (``--json``).
    """

    def __init__(self, out: Output, *, json_lines: bool = False) -> None:
        self.out = out
        self.json_lines = json_lines
        self.parts: list[_PartView] = []
        self.error_shown = False
        self._results_shown: set[str] = set()

    def line(self, text: str, style: str | None = None) -> None:
        """One line of annotation (stderr)."""
        self.out.line(text, style)

    def new_response(self, message: dict[str, Any] | None = None) -> None:
        """A new response starts: its parts are numbered from 0 again. The
        results of tools this side ran for ``message`` are shown first."""
        self.out.end_line()
        if message is not None and not self.json_lines:
            self.show_local_results(message)
        self.parts.clear()

    def show_local_results(self, message: dict[str, Any]) -> None:
        """The results of tools run here, not shown yet."""
        for part in new_results(message, self._results_shown):
            label = "tool error" if part.get("isError") else "tool result"
            name = part.get("toolName")
            self.out.line(f"[{label}] {name} -> {to_json(part['result'])}", "green")

    def handle(self, event: Event) -> None:
        """Shows one event."""
        if self.json_lines:
            from assistant_ui.protocol.events import event_to_dict

            self.out.print(to_json(event_to_dict(event)))
            return
        handler = getattr(self, "_on_" + event.type.replace("-", "_"), None)
        if handler is not None:
            handler(event)

    def _part(self, event: Any) -> _PartView | None:
        path: tuple[int, ...] = event.path
        if len(path) == 1 and 0 <= path[0] < len(self.parts):
            return self.parts[path[0]]
        return None

    def _on_part_start(self, event: Any) -> None:
        part = event.part
        kind = str(part.get("type"))
        view = _PartView(
            kind, name=str(part.get("toolName", "")), call_id=str(part.get("toolCallId", ""))
        )
        self.parts.append(view)
        if kind == "reasoning":
            self.out.line("thinking:", "dim")
        elif kind == "source":
            title = part.get("title") or part.get("id", "")
            self.out.line(f"[source] {title} {part.get('url', '')}".rstrip(), "blue")
        elif kind == "file":
            self.out.line(f"[file] {part.get('mimeType', '')}", "blue")
        elif kind == "data":
            self.out.line(f"[data] {part.get('name', '')}: {to_json(part.get('data'))}", "blue")

    def _on_text_delta(self, event: Any) -> None:
        view = self._part(event)
        if view is None or view.kind == "text":
            self.out.text(event.text_delta)
        elif view.kind == "reasoning":
            self.out.reasoning(event.text_delta)
        elif view.kind == "tool-call":
            view.args.append(event.text_delta)

    def _show_call(self, view: _PartView) -> None:
        if view.kind != "tool-call" or view.shown:
            return
        view.shown = True
        args = "".join(view.args) or "{}"
        self.out.line(f"[tool call] {view.name}({args})", "cyan")

    def _on_part_finish(self, event: Any) -> None:
        # Also a tool call's argument text finish: the call is shown once.
        view = self._part(event)
        if view is not None:
            self._show_call(view)

    _on_tool_call_args_text_finish = _on_part_finish

    def _on_result(self, event: Any) -> None:
        view = self._part(event)
        if view is None:
            return
        self._show_call(view)
        if view.call_id:
            self._results_shown.add(view.call_id)
        label = "tool error" if event.is_error else "tool result"
        self.out.line(f"[{label}] {view.name} -> {to_json(event.result)}", "green")

    def _on_tool_call_approval(self, event: Any) -> None:
        view = self._part(event)
        name = view.name if view is not None else "tool"
        self.out.line(f"[approval] {name}: {to_json(event.approval)}", "magenta")

    def _on_error(self, event: Any) -> None:
        self.error_shown = True
        self.out.line(f"[error] {event.text}", "bold red")

    def finish(self, message: dict[str, Any] | None, *, quiet: bool = False) -> None:
        """Ends the reply: pending tool calls, the open line, and (unless
        ``quiet``: a failure line follows) an unusual status or an empty reply."""
        from assistant_ui.cli.failures import is_empty, status_line

        if self.json_lines:
            self.out.print(to_json({"type": "final-message", "message": message}))
            return
        for view in self.parts:
            self._show_call(view)
        self.out.end_line()
        if quiet:
            return
        if message is not None and is_empty(message):
            self.out.line("(empty reply)", "dim")
        line = status_line(message)
        # The error frame was shown as it came: its status would say it twice.
        if line and not (self.error_shown and "(error)" in line):
            self.out.line(line, "yellow")


def new_results(message: dict[str, Any], shown: set[str]) -> list[dict[str, Any]]:
    """The tool-call parts of ``message`` with a result whose id is not in
    ``shown`` (which gains them): results of tools run on this side."""
    found = []
    for part in message.get("parts") or []:
        call_id = part.get("toolCallId")
        is_result = part.get("type") == "tool-call" and "result" in part
        if is_result and call_id and call_id not in shown:
            shown.add(call_id)
            found.append(part)
    return found


def message_text(message: dict[str, Any] | None) -> str:
    """The text parts of a message, joined (reasoning excluded)."""
    parts = (message or {}).get("parts") or (message or {}).get("content") or []
    if isinstance(parts, str):
        return parts
    return "".join(p.get("text", "") for p in parts if p.get("type") == "text")
