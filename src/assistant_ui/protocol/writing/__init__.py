"""The writing side of the protocol core: reply encodings a server sends,
produced from the same vocabulary the decoders read (:mod:`.ui_message_stream`)."""
