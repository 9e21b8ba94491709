"""High-level stream events: what ``for event in stream`` yields.

Small typed classes that work with ``match``::

    from assistant_ui import events

    with thread.stream_sync(messages=messages) as stream:
        for event in stream:
            match event:
                case events.TextEvent(delta=delta):
                    print(delta, end="")
                case events.ToolCallReadyEvent(tool_name=name, args=args):
                    print(f"\\n[{name}({args})]")
                case events.MessageFinishEvent(status=status):
                    print(f"\\n({status['type']})")

``send_stream()`` yields them too, for every response of a run, with
:class:`ToolExecutionStartEvent` / :class:`ToolExecutionEndEvent` around the
Python tools it runs. The canonical low-level events are
``stream.raw_events()`` (:mod:`assistant_ui.protocol.events`).
"""

from assistant_ui.protocol.stream_events import (
    DataEvent,
    FileEvent,
    MessageFinishEvent,
    ReasoningEvent,
    SourceEvent,
    StateEvent,
    StepFinishEvent,
    StepStartEvent,
    StreamErrorEvent,
    StreamEvent,
    TextEvent,
    ToolCallArgsEvent,
    ToolCallReadyEvent,
    ToolCallStartEvent,
    ToolExecutionEndEvent,
    ToolExecutionStartEvent,
    ToolResultEvent,
)

__all__ = [
    "DataEvent",
    "FileEvent",
    "MessageFinishEvent",
    "ReasoningEvent",
    "SourceEvent",
    "StateEvent",
    "StepFinishEvent",
    "StepStartEvent",
    "StreamErrorEvent",
    "StreamEvent",
    "TextEvent",
    "ToolCallArgsEvent",
    "ToolCallReadyEvent",
    "ToolCallStartEvent",
    "ToolExecutionEndEvent",
    "ToolExecutionStartEvent",
    "ToolResultEvent",
]

for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj
