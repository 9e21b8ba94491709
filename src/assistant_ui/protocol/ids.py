"""The one id generator of the library.

The reference implementations draw ids from ``[0-9A-Za-z]`` with a
non-cryptographic generator: the AI SDK's ``generateId`` makes 16
characters, the assistant-ui core 7. Ids name messages and parts; they are
not secrets, so a fast generator is the right one.
"""

from __future__ import annotations

import random
import string
from typing import Final

__all__ = ["ASSISTANT_UI_ID_LENGTH", "AI_SDK_ID_LENGTH", "new_id"]

AI_SDK_ID_LENGTH: Final = 16
"""Length of the AI SDK's ``generateId`` ids (messages, chats)."""

ASSISTANT_UI_ID_LENGTH: Final = 7
"""Length of the assistant-ui core's ids (messages, steps, parts)."""

_ALPHABET: Final = string.digits + string.ascii_uppercase + string.ascii_lowercase
_random: Final = random.Random()


def new_id(length: int = AI_SDK_ID_LENGTH, *, prefix: str = "") -> str:
    """A random id of ``length`` characters of ``[0-9A-Za-z]`` after ``prefix``."""
    return prefix + "".join(_random.choices(_ALPHABET, k=length))
