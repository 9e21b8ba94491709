"""One decoder per reply encoding, each turning frames into canonical events
(:mod:`assistant_ui.protocol.events`); their rows are in
:mod:`assistant_ui.protocol.encodings`. :mod:`.base` says what a decoder
looks like, :mod:`.part_writer` numbers parts for all of them and
:mod:`.sse_json` is the prelude of the SSE ones."""
