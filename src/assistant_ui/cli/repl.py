"""The ``aui chat URL`` REPL: a prompt with line editing and history, slash
commands, and replies shown live. Every command acts through the thread's
conversation methods (send, regenerate, edit, reset, messages, state)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant_ui._conversation import FlowRun, iter_flow
from assistant_ui.cli.common import one_line
from assistant_ui.cli.failures import cancelled_line, failure_line
from assistant_ui.cli.line_input import LineReader, interactive_terminal
from assistant_ui.cli.render import to_json
from assistant_ui.errors import AssistantUIError, StreamError

if TYPE_CHECKING:
    from assistant_ui.cli.terminal import Interrupts, TypeAhead
    from assistant_ui.cli.turns import Chat, Start

__all__ = ["COMMANDS", "Repl"]

PROMPT = "you> "

#: The slash commands and what they do (``/help`` prints this).
COMMANDS = {
    "/help": "this list",
    "/reset": "forget the conversation (messages, state) and start afresh",
    "/regenerate": "drop the last reply and ask again",
    "/edit [TEXT]": "replace your last message (without TEXT: edit it in the prompt) and ask again",
    "/state": "the thread id, runtime, message count and thread state",
    "/save FILE": "write the conversation to FILE as JSON",
    "/quit, /exit": "leave (so does Ctrl-D)",
}


class Repl:
    """The REPL around one :class:`~assistant_ui.cli.chat.Chat`.

    Args:
        chat: the conversation.
        renderer: shows replies (``EventRenderer`` or ``RichRenderer``).
        interrupts: Ctrl-C handling during a reply.
        typeahead: keeps keys typed during a reply for the next prompt.
        url: shown in the banner.
        plain: no colours in the prompt.
    """

    def __init__(
        self,
        chat: Chat,
        renderer: Any,
        interrupts: Interrupts,
        typeahead: TypeAhead,
        *,
        url: str,
        plain: bool = False,
    ) -> None:
        self.chat = chat
        self.renderer = renderer
        self.interrupts = interrupts
        self.typeahead = typeahead
        self.url = url
        self.reader = LineReader(interactive=interactive_terminal(), plain=plain)
        self._handlers: dict[str, Callable[[str], bool]] = {
            "/help": self._help,
            "/reset": self._reset,
            "/regenerate": self._regenerate,
            "/edit": self._edit,
            "/state": self._state,
            "/save": self._save,
            "/quit": self._quit,
            "/exit": self._quit,
        }

    def say(self, text: str, style: str | None = "dim") -> None:
        """A line of the REPL's own (not part of a reply)."""
        self.renderer.line(text, style)

    def run(self) -> int:
        """Reads and runs lines until Ctrl-D or ``/quit``; returns 0."""
        thread = self.chat.thread
        self.say(f"Chatting with {self.url} (thread {thread.thread_id}).")
        self.say("Ctrl-C stops a reply; /help lists the commands; Ctrl-D or /quit leaves.")
        while True:
            try:
                text = self.reader.read(PROMPT, self.typeahead.next_prefill())
            except EOFError:
                self.renderer.line("")
                return 0
            except KeyboardInterrupt:
                continue
            line = text.strip()
            if not line:
                continue
            if line.startswith("//"):  # an escaped slash: a message that starts with "/"
                self.send(line[1:])
            elif line.startswith("/"):
                if not self.command(line):
                    return 0
            else:
                self.send(text)

    # -- turns ----------------------------------------------------------------

    def send(self, content: str) -> None:
        """Sends a message and shows the reply."""
        thread = self.chat.thread
        self.turn(
            lambda on_request: thread.send_stream_sync(content, on_request=on_request).raw_events()
        )

    def turn(self, start: Start) -> None:
        """Runs one reply; a failure is one line and ends the turn, not the REPL."""
        from assistant_ui.cli.turns import run_events

        with self.interrupts.installed(), self.typeahead.quiet():
            try:
                run_events(self.chat, start, self.renderer)
            except KeyboardInterrupt:
                kept = "shown above and kept in the conversation"
                self.say(cancelled_line(self.chat.last_reply(), kept=kept), "yellow")
            except StreamError as exc:
                shown = self.renderer.error_shown
                line = failure_line(exc, self.chat.last_reply(), error_shown=shown)
                if line:
                    self.say(line, "bold red")
            except AssistantUIError as exc:
                self.say(f"error: {one_line(exc)}", "bold red")

    def _flow(self, flow: Callable[[], Any]) -> Start:
        chat = self.chat

        def start(on_request: Any) -> Any:
            return iter_flow(FlowRun(chat.conversation, flow(), None, on_request), chat.thread)

        return start

    # -- commands ---------------------------------------------------------------

    def command(self, line: str) -> bool:
        """Runs a slash command; False to leave. An unknown one is never sent."""
        name, _, rest = line.partition(" ")
        handler = self._handlers.get(name.lower())
        if handler is None:
            self.say(
                f"unknown command {name}: /help lists the commands "
                "(to send a message that starts with '/', type '//')",
                "yellow",
            )
            return True
        return handler(rest.strip())

    def _help(self, _: str) -> bool:
        width = max(len(name) for name in COMMANDS)
        lines = [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
        lines.append("  //TEXT sends TEXT with its leading '/'; anything else is a message.")
        self.say("\n".join(lines), None)
        return True

    def _quit(self, _: str) -> bool:
        return False

    def _reset(self, _: str) -> bool:
        self.chat.thread.reset()
        self.say("The conversation is cleared (messages, state and queued commands).")
        return True

    def _regenerate(self, _: str) -> bool:
        if not self.chat.messages:
            self.say("Nothing to regenerate yet: send a message first.", "yellow")
            return True
        self.turn(self._flow(self.chat.conversation.regenerate))
        return True

    def _last_user(self) -> dict[str, Any] | None:
        users = [m for m in self.chat.messages if m.get("role") == "user"]
        return users[-1] if users else None

    def _edit(self, text: str) -> bool:
        message = self._last_user()
        if message is None:
            self.say("Nothing to edit yet: send a message first.", "yellow")
            return True
        if not text:
            old = "".join(p.get("text", "") for p in message.get("parts", []) if "text" in p)
            try:
                text = self.reader.read("edit> ", old).strip()
            except (EOFError, KeyboardInterrupt):
                text = ""
            if not text:
                self.say("Edit abandoned.", "yellow")
                return True
        conversation = self.chat.conversation
        message_id = str(message["id"])
        self.turn(self._flow(lambda: conversation.edit(message_id, text)))
        return True

    def _state(self, _: str) -> bool:
        thread = self.chat.thread
        conversation = self.chat.conversation
        messages = self.chat.messages
        lines = [
            f"thread {thread.thread_id}, runtime {conversation.runtime}, "
            f"{len(messages)} message{'s' if len(messages) != 1 else ''}"
        ]
        tools = sorted(conversation.tools)
        if tools:
            lines.append(f"tools: {', '.join(tools)}")
        state = thread.state
        if state is None:
            lines.append("state: none (assistant-transport backends keep one)")
        else:
            lines.append("state: " + to_json(state, indent=2))
        self.say("\n".join(lines), None)
        return True

    def _save(self, argument: str) -> bool:
        try:
            names = shlex.split(argument)
        except ValueError:
            names = []
        if len(names) != 1:
            self.say("usage: /save FILE", "yellow")
            return True
        path = Path(names[0]).expanduser()
        document = {
            "threadId": self.chat.thread.thread_id,
            "runtime": self.chat.conversation.runtime,
            "messages": self.chat.messages,
            "state": self.chat.thread.state,
        }
        try:
            path.write_text(
                json.dumps(document, ensure_ascii=False, indent=2, default=repr) + "\n",
                encoding="utf-8",
            )
        except OSError as exc:
            self.say(f"cannot write {path}: {exc.strerror or exc}", "bold red")
            return True
        count = len(document["messages"])
        self.say(f"Saved {count} message{'s' if count != 1 else ''} to {path}.")
        return True
