"""A thread's conversation and the frontend tool loop, sans-IO.

Strategy (the pattern of httpx's ``auth_flow``): :class:`Conversation` holds
the pure state of one thread: the messages in our parts shape, the AI SDK's
own UIMessages, the assistant-transport state and command queue, the
tools. Its ``send``/``regenerate``/``edit``/``resume_tools`` methods return
a *flow*: a generator that yields steps and receives their outcomes.

- :class:`SendRequest`: POST this body; send back a :class:`Reply` (the
  decoded message). While the reply streams, the driver hands the live
  snapshot to :meth:`Conversation.watch`, so ``messages`` shows the growing
  reply at any time.
- :class:`RunTools`: run these tool calls (concurrently, after asking for
  approval where needed); send back one :class:`ToolOutcome` per call.

The flow ends with a :class:`SendResult` (``StopIteration.value``). Any
exception the driver throws into the flow (a transport error, a cut
stream, a cancel) is recorded on the conversation (the partial reply is
kept, with an ``incomplete`` status) and raised again.

The loop follows the reference runtimes (docs/protocols.md §1.3.2, 1.4.2, 1.5):
after a reply, every tool call without a result is run if a local tool
can answer it; the run continues only once *every* call has a result or a
decision, and never beyond ``max_steps`` requests (the message then ends
``incomplete``/``tool-calls``). A call nobody can answer (a declared tool
without a function, a pending approval without a callback) stops the loop
with the reply ``requires-action``; :meth:`Conversation.add_tool_result`
answers it later and :meth:`Conversation.resume_tools` continues.

:func:`run_flow`/:func:`run_flow_sync` (and the event-yielding
:func:`aiter_flow`/:func:`iter_flow`) drive a flow against a thread object
with ``stream_request``/``stream_request_sync``; they are the whole I/O.

Modules: :mod:`.steps` (steps, outcomes, results), :mod:`.flows` (the
:class:`Conversation`), :mod:`.tool_calls` and :mod:`.merging` (pure
helpers), :mod:`.bodies` (request bodies), :mod:`.drivers` (the I/O) and
:mod:`.methods` (the thread mixin).
"""

from assistant_ui._conversation.drivers import (
    FlowRun,
    ReplySource,
    RequestCallback,
    aiter_flow,
    iter_flow,
    run_flow,
    run_flow_sync,
)
from assistant_ui._conversation.flows import Conversation
from assistant_ui._conversation.merging import merge_reply
from assistant_ui._conversation.methods import ConversationMethods
from assistant_ui._conversation.steps import (
    DEFAULT_MAX_STEPS,
    Approval,
    ApprovalCallback,
    Flow,
    Reply,
    RunOptions,
    RunTools,
    SendRequest,
    SendResult,
    ToolCall,
    ToolOutcome,
)
from assistant_ui.protocol.requests.runtimes import CANCELLED_BY_NEW_MESSAGE

__all__ = [
    "CANCELLED_BY_NEW_MESSAGE",
    "DEFAULT_MAX_STEPS",
    "Approval",
    "ApprovalCallback",
    "Conversation",
    "ConversationMethods",
    "Flow",
    "Reply",
    "RequestCallback",
    "RunOptions",
    "RunTools",
    "SendRequest",
    "SendResult",
    "ToolCall",
    "ToolOutcome",
    "FlowRun",
    "ReplySource",
    "aiter_flow",
    "iter_flow",
    "merge_reply",
    "run_flow",
    "run_flow_sync",
]
