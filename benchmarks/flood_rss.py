"""Peak memory of the client under floods, each measured in a child process.

Usage::

    python benchmarks/flood_rss.py [SRC_DIR]

Serves each flood from a raw-socket server on 127.0.0.1 (tests/fault_server.py)
and runs the client in a child Python whose ``PYTHONPATH`` is ``SRC_DIR``
(default: this checkout's ``src``), so two versions of the library can be
compared. Prints, per flood, the error the client raised and the child's peak
resident set size (``ru_maxrss``).

Floods:

- ``sse-lines``: one SSE event of 8 million ``data:ab`` lines (64 MB);
- ``gzip-bomb``: a gzip body of about 1 MB that expands to 1 GiB of lines;
- ``error-150mb``: a 500 response with a 150 MB body.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_server import FaultServer, RawRequest, Step, chunk, head  # noqa: E402

MiB = 1024 * 1024

CHILD = r"""
import resource, sys
from assistant_ui import AssistantClient
user = {"role": "user", "content": [{"type": "text", "text": "hi"}]}
outcome = "no error"
with AssistantClient(sys.argv[1], max_retries=0) as client:
    try:
        with client.threads("t").stream_sync(messages=[user]) as stream:
            for _ in stream:
                pass
    except Exception as exc:
        outcome = type(exc).__name__
print(outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def sse_lines(request: RawRequest) -> Iterable[Step]:
    yield head(200, {"Content-Type": "text/event-stream"})
    block = b"data:ab\n" * 100_000
    for _ in range(80):
        yield chunk(block)
    yield chunk(b"\n")
    yield b"0\r\n\r\n"


def _bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [packer.compress(b'0:"hi"\n')]
    block = (b" " * 1023 + b"\n") * 1024  # 1 MiB of blank lines
    parts += [packer.compress(block) for _ in range(1024)]
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(body: bytes) -> object:
    def handler(request: RawRequest) -> Iterator[Step]:
        yield head(200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"})
        for start in range(0, len(body), 16384):
            yield chunk(body[start : start + 16384])
        yield b"0\r\n\r\n"

    return handler


def error_150mb(request: RawRequest) -> Iterable[Step]:
    size = 150 * MiB
    yield head(500, {"Content-Type": "text/plain", "Content-Length": str(size)}, chunked=False)
    block = b"x" * 65536
    for _ in range(size // len(block)):
        yield block


def main() -> None:
    src = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "src")
    floods = {"sse-lines": sse_lines, "gzip-bomb": gzip_bomb(_bomb()), "error-150mb": error_150mb}
    results = {}
    for name, handler in floods.items():
        with FaultServer(handler) as server:  # type: ignore[arg-type]
            env = dict(os.environ, PYTHONPATH=src)
            run = subprocess.run(
                [sys.executable, "-c", CHILD, server.url],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
        outcome, _, rss = run.stdout.strip().rpartition(" ")
        results[name] = {"error": outcome, "peak_rss_mib": int(rss) if rss.isdigit() else None}
        if run.returncode:
            results[name]["stderr"] = run.stderr[-500:]
    print(json.dumps({"src": src, "floods": results}, indent=2))


if __name__ == "__main__":
    main()
