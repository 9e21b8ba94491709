"""A loopback HTTP server that answers every POST with one fixed body.

Run in its own process (``python -m benchmarks.server BODY CONTENT_TYPE``) so
that its CPU time and memory are not the client's: it prints its port on the
first line of stdout and serves until killed. HTTP/1.1 keep-alive, the body
written in 16 KiB pieces with a ``Content-Length``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PIECE = 16 * 1024


async def _serve(body: bytes, content_type: str) -> None:
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    pieces = [body[i : i + PIECE] for i in range(0, len(body), PIECE)]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                writer.write(head)
                for piece in pieces:
                    writer.write(piece)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=2048)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


@contextmanager
def serving(body_file: Path, content_type: str = "text/plain; charset=utf-8") -> Iterator[str]:
    """Starts the server in a child process; yields its base URL; stops it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", str(body_file), content_type],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(_serve(Path(sys.argv[1]).read_bytes(), sys.argv[2]))
