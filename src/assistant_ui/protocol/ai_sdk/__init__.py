"""The AI SDK's own message model: the UIMessage its client builds from a UI
message stream (:mod:`.message`, with its tool chunks, tool parts and chunk
checks), and the conversions between UIMessage parts and the library's parts
(:mod:`.parts`, :mod:`.conversion`)."""
