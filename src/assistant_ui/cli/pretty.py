"""The rich renderer of ``aui chat`` on a terminal: Markdown, a code block
highlighted once it is complete, reasoning dimmed, tool calls and results
as compact panels, and a spinner with the elapsed time until the first
token.

Finished blocks (a paragraph once a blank line follows it, a fenced code
block once its fence closes) are printed for good; only the block still
being written is live, redrawn at a few frames a second at the bottom.
That keeps a reply of any length scrolling normally.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant_ui.cli.render import new_results, to_json

if TYPE_CHECKING:
    from assistant_ui.protocol.events import Event

__all__ = ["RichRenderer", "split_blocks"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RESULT_CHARS = 600


def split_blocks(text: str) -> tuple[str, str]:
    """Splits Markdown being streamed into ``(finished, rest)``: finished
    ends after the last blank line outside a code fence, or after the last
    closing fence."""
    cut = 0
    fence: str | None = None
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        if not line.endswith("\n"):
            break  # the line is still being written
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif not line.strip():
                cut = position
        elif (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not line[match.end() :].strip()
        ):
            fence = None
            cut = position
    return text[:cut], text[cut:]


@dataclass
class _Part:
    kind: str
    name: str = ""
    call_id: str = ""
    buffer: str = ""
    args: list[str] = field(default_factory=list)
    shown: bool = False
    printed_any: bool = False


class _LiveView:
    """What the live area shows: a spinner until the first token, then the
    tail of the block being written."""

    def __init__(self) -> None:
        from rich.spinner import Spinner

        self.spinner = Spinner("dots", style="cyan")
        self.started = time.monotonic()
        self.waiting = "waiting for the reply"
        self.text = ""
        self.style = ""

    def reset(self, waiting: str) -> None:
        self.started = time.monotonic()
        self.waiting = waiting
        self.text = ""

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        text = self.text
        if self.waiting:
            elapsed = time.monotonic() - self.started
            self.spinner.update(text=Text(f" {self.waiting}… {elapsed:.1f}s", style="dim"))
            yield self.spinner
            return
        if not text:
            return
        # Only the tail: the live area must fit the screen to redraw cleanly.
        lines = Text(text, style=self.style).wrap(console, options.max_width)
        room = max(3, options.size.height - 4)
        yield from list(lines)[-room:]


class RichRenderer:
    """Shows canonical events on a rich console (``EventRenderer``'s interface).

    Args:
        console: a ``rich.console.Console`` on the terminal.
        defer: a context manager factory holding Ctrl-C back while drawing.
    """

    json_lines = False

    def __init__(self, console: Any, *, defer: Any = None) -> None:
        from rich.live import Live

        self.console = console
        self._defer = defer
        self.view = _LiveView()
        self.live = Live(
            self.view,
            console=console,
            refresh_per_second=12,
            transient=True,
            # Questions (--approve) write to the real stdout, not through rich.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.parts: list[_Part] = []
        self.error_shown = False
        self._results_shown: set[str] = set()

    # -- the live area ------------------------------------------------------

    def _guard(self) -> Any:
        import contextlib

        return self._defer() if self._defer is not None else contextlib.nullcontext()

    def start(self, waiting: str = "waiting for the reply") -> None:
        """Starts the spinner (a new turn or a follow-up request)."""
        self.view.reset(waiting)
        if not self.live.is_started:
            self.live.start()

    def suspend(self) -> None:
        """Shows what is buffered and stops the live area (before a question)."""
        self._flush_all()
        if self.live.is_started:
            self.live.stop()

    def line(self, text: str, style: str | None = None) -> None:
        """One line of annotation."""
        from rich.text import Text

        # Not wrapped by rich: the terminal wraps it, and a copy stays one line.
        with self._guard():
            self.console.print(Text(text, style=style or ""), soft_wrap=True)

    # -- events -------------------------------------------------------------

    def new_response(self, message: dict[str, Any] | None = None) -> None:
        """A response starts (parts numbered from 0 again); tool results this
        side produced since the last response are shown first."""
        self._flush_all()
        if message is not None:
            self.show_local_results(message)
        self.parts.clear()
        self.start()

    def show_local_results(self, message: dict[str, Any]) -> None:
        """Panels for the results of tools run here, not shown yet."""
        for part in new_results(message, self._results_shown):
            self._result_panel(str(part.get("toolName")), part["result"], part.get("isError"))

    def handle(self, event: Event) -> None:
        """Shows one event."""
        handler = getattr(self, "_on_" + event.type.replace("-", "_"), None)
        if handler is not None:
            with self._guard():
                handler(event)

    def _part(self, event: Any) -> _Part | None:
        path: tuple[int, ...] = event.path
        if len(path) == 1 and 0 <= path[0] < len(self.parts):
            return self.parts[path[0]]
        return None

    def _on_part_start(self, event: Any) -> None:
        from rich.text import Text

        part = event.part
        kind = str(part.get("type"))
        self._flush_all()
        view = _Part(
            kind, name=str(part.get("toolName", "")), call_id=str(part.get("toolCallId", ""))
        )
        self.parts.append(view)
        if kind == "reasoning":
            self.view.waiting = ""
            self.console.print(Text("thinking…", style="dim"))
        elif kind == "source":
            title = part.get("title") or part.get("id", "")
            self.console.print(Text(f"source: {title} {part.get('url', '')}".rstrip(), "blue"))
        elif kind == "file":
            self.console.print(Text(f"file: {part.get('mimeType', '')}", "blue"))
        elif kind == "data":
            shown = to_json(part.get("data"))
            self.console.print(Text(f"data {part.get('name', '')}: {shown}", "blue"))

    def _on_text_delta(self, event: Any) -> None:
        view = self._part(event)
        if view is None or view.kind in ("text", "reasoning"):
            if view is None:
                view = _Part("text")
                self.parts.append(view)
            self.view.waiting = ""
            view.buffer += event.text_delta
            finished, view.buffer = split_blocks(view.buffer)
            if finished:
                self._emit(view, finished)
            self.view.text = view.buffer
            self.view.style = "dim italic" if view.kind == "reasoning" else ""
        elif view.kind == "tool-call":
            view.args.append(event.text_delta)

    def _emit(self, view: _Part, text: str) -> None:
        from rich.markdown import Markdown
        from rich.text import Text

        text = text.strip("\n")
        if not text.strip():
            return
        if view.printed_any:
            self.console.print()
        view.printed_any = True
        if view.kind == "reasoning":
            self.console.print(Text(text, style="dim italic"))
        else:
            self.console.print(Markdown(text, code_theme="monokai"))

    def _flush(self, view: _Part) -> None:
        if view.buffer:
            self._emit(view, view.buffer)
            view.buffer = ""
            self.view.text = ""
        self._show_call(view)

    def _flush_all(self) -> None:
        for view in self.parts:
            self._flush(view)

    def _show_call(self, view: _Part) -> None:
        from rich.panel import Panel
        from rich.text import Text

        if view.kind != "tool-call" or view.shown:
            return
        view.shown = True
        self.view.waiting = ""
        args = "".join(view.args) or "{}"
        body = Text.assemble((view.name, "bold"), f"({args})")
        self.console.print(
            Panel(body, title="tool call", title_align="left", border_style="cyan", expand=False)
        )

    def _result_panel(self, name: str, result: Any, is_error: Any) -> None:
        from rich.panel import Panel
        from rich.text import Text

        shown = to_json(result)
        if len(shown) > _RESULT_CHARS:
            shown = shown[:_RESULT_CHARS] + "…"
        title = f"{name} {'error' if is_error else 'result'}"
        style = "red" if is_error else "green"
        self.console.print(
            Panel(Text(shown), title=title, title_align="left", border_style=style, expand=False)
        )

    def _on_part_finish(self, event: Any) -> None:
        view = self._part(event)
        if view is not None:
            self._flush(view)

    _on_tool_call_args_text_finish = _on_part_finish

    def _on_result(self, event: Any) -> None:
        view = self._part(event)
        if view is None:
            return
        self._show_call(view)
        if view.call_id:
            self._results_shown.add(view.call_id)
        self._result_panel(view.name, event.result, event.is_error)

    def _on_tool_call_approval(self, event: Any) -> None:
        from rich.text import Text

        view = self._part(event)
        name = view.name if view is not None else "tool"
        self.console.print(Text(f"approval {name}: {to_json(event.approval)}", "magenta"))

    def _on_error(self, event: Any) -> None:
        from rich.text import Text

        self._flush_all()
        self.error_shown = True
        self.console.print(Text(f"[error] {event.text}", "bold red"))

    def finish(self, message: dict[str, Any] | None, *, quiet: bool = False) -> None:
        """Ends the reply: what is still buffered, the live area, and (unless
        ``quiet``: a failure line follows) an unusual status or an empty reply."""
        from assistant_ui.cli.failures import is_empty, status_line

        with self._guard():
            self._flush_all()
            self.suspend()
            if quiet:
                return
            if message is not None and is_empty(message):
                self.line("(empty reply)", "dim")
            line = status_line(message)
            if line and not (self.error_shown and "(error)" in line):
                self.line(line, "yellow")
