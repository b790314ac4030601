"""The control channel between the classroom server and one student's app.

A stream socket pair per student carries JSON objects, one per line, both ways.
Lines are bounded (:data:`MAX_LINE`): a longer line is dropped whole, never
buffered without limit, so a misbehaving peer cannot grow the other side.

Server to student: ``{"op": "freeze", "on": true, "notice": "..."}``,
``{"op": "load", "settings": {...}, "notice": "..."}``, ``{"op": "bye", "notice": "..."}``.
Student to server: ``{"op": "status", "problem": ..., "optimizer": ..., "step": ...,
"loss": ..., "status": ..., "lesson": ..., "right": ...}``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any, Iterator

from gdtui.settings import Settings

__all__ = ["MAX_LINE", "LineReader", "encode", "settings_from_dict", "settings_to_dict"]

#: Longest message in bytes (a session file's settings fit many times over).
MAX_LINE = 64 * 1024


def encode(message: dict[str, Any]) -> bytes:
    """One message as a line of JSON (ASCII, so no byte of it is a newline but the last)."""
    return json.dumps(message, ensure_ascii=True, allow_nan=False, default=str).encode() + b"\n"


class LineReader:
    """Collects bytes and yields complete messages; oversize or malformed lines are dropped."""

    def __init__(self, limit: int = MAX_LINE) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._skipping = False  # inside a line that was too long: drop up to its newline
        self.dropped = 0

    def feed(self, data: bytes) -> Iterator[dict[str, Any]]:
        """Add ``data``; yield every complete, well-formed message (dicts only)."""
        self._buf += data
        while True:
            end = self._buf.find(b"\n")
            if end < 0:
                if len(self._buf) > self.limit:
                    self._buf.clear()
                    self._skipping = True
                    self.dropped += 1
                return
            line = bytes(self._buf[:end])
            del self._buf[: end + 1]
            if self._skipping:
                self._skipping = False
                continue
            if len(line) > self.limit:
                self.dropped += 1
                continue
            try:
                message = json.loads(line)
            except ValueError:
                self.dropped += 1
                continue
            if isinstance(message, dict):
                yield message
            else:
                self.dropped += 1


_SETTING_FIELDS = {f.name for f in fields(Settings)}
#: Fields held as (nested) tuples, which JSON brings back as lists.
_TUPLE_FIELDS = {f.name for f in fields(Settings) if isinstance(f.default, tuple)}


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """Settings as plain JSON values."""
    return asdict(settings)


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Settings back from :func:`settings_to_dict` (unknown keys ignored: a newer server)."""
    return Settings(**{k: _tuples(v) if k in _TUPLE_FIELDS else v
                       for k, v in data.items() if k in _SETTING_FIELDS})
