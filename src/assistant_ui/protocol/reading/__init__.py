"""Reading a reply: which encoding it is (:mod:`.detect`), the parser that
drives framing and a decoder (:mod:`.parser`), and folding events into one
message (:mod:`.accumulator`, :mod:`.state_ops`)."""
