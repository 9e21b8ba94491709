"""The sans-IO protocol core: bytes in, canonical events and messages out.

Nothing in this package imports httpx, asyncio or any module above it.
"""
