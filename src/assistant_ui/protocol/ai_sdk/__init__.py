"""The AI SDK's own message model: the UIMessage its client builds from a UI
message stream (:mod:`.message`, with its tool chunks, tool parts and chunk
checks), and UIMessage parts read as the library's parts (:mod:`.parts`).
Building UIMessages for a request is in
:mod:`assistant_ui.protocol.requests.ui_messages`."""
