"""Request bodies for the demo backend, written by hand in each runtime's
shape (not by the library's builders: the tests that use them check the
backend, and through it the reference, not our request code)."""

from __future__ import annotations

from typing import Any


def body_for(flavour: str, text: str, thread_id: str) -> dict[str, Any]:
    """One user message ``text`` as the ``flavour`` frontend sends it:
    ``"ai-sdk"``, ``"assistant-transport"``, else the sync-server body."""
    if flavour == "ai-sdk":
        return {
            "id": thread_id,
            "trigger": "submit-message",
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": text}]}],
        }
    if flavour == "assistant-transport":
        return {
            "commands": [
                {
                    "type": "add-message",
                    "message": {"role": "user", "parts": [{"type": "text", "text": text}]},
                    "parentId": None,
                    "sourceId": None,
                }
            ],
            "state": {"messages": []},
            "threadId": thread_id,
        }
    return {"threadId": thread_id, "messages": [{"role": "user", "content": text}]}
