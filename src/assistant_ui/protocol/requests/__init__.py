"""Building requests: the table of runtimes (:mod:`.runtimes`), their bodies
(:mod:`.bodies`, :mod:`.sync_server`), and the message conversions they need
(:mod:`.messages`: input normalisation, model messages, AI SDK UIMessages
(:mod:`.ui_messages`), commands)."""
