"""The transport layer: httpx clients, headers and timeouts
(:mod:`.transport`), retries (:mod:`.retry`), and the streamed request that
feeds the protocol core (:mod:`.stream_core`, :mod:`.streams`)."""
