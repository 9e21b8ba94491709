"""Reading a reply: bytes to frames (:mod:`.framing`), which encoding it is
(:mod:`.detect`), the parser that drives a decoder (:mod:`.parser`), and
folding events into one message (:mod:`.accumulator`, :mod:`.state_ops`,
:mod:`.partial_json` for streamed tool arguments)."""
