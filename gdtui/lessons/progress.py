"""Progress per user: which lessons are finished and how many predictions were right.

Kept in ``$XDG_STATE_HOME/gdtui/lessons.json`` (``~/.local/state/gdtui``), written
atomically; a missing or damaged file is simply a fresh start.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["Progress", "state_dir"]


def state_dir() -> Path:
    """gdtui's folder under the XDG state directory."""
    base = os.environ.get("XDG_STATE_HOME") or ""
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "gdtui"


class Progress:
    """Lessons finished and predictions right, by lesson name."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / "lessons.json"
        self.data: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        from gdtui.errors import GdtuiError
        from gdtui.textfile import read_text_file

        if not self.path.exists():
            return {}
        try:
            raw = json.loads(read_text_file(self.path, "progress file"))
        except (GdtuiError, ValueError, OSError):
            return {}
        if not isinstance(raw, dict):
            return {}
        out = {}
        for name, entry in list(raw.items())[:1000]:
            if isinstance(name, str) and isinstance(entry, dict):
                out[name] = {"done": bool(entry.get("done")), "right": _count(entry.get("right")),
                             "asked": _count(entry.get("asked"))}
        return out

    def entry(self, name: str) -> dict[str, Any]:
        """``{"done", "right", "asked"}`` for a lesson (zeros when never started)."""
        return dict(self.data.get(name, {"done": False, "right": 0, "asked": 0}))

    def record(self, name: str, *, right: int, asked: int, done: bool) -> None:
        """Remember the latest go at a lesson (done stays done) and save."""
        old = self.entry(name)
        self.data[name] = {"done": old["done"] or done, "right": right, "asked": asked}
        self.save()

    def reset(self, name: str | None = None) -> None:
        """Forget one lesson's progress (or all) and save."""
        if name is None:
            self.data.clear()
        else:
            self.data.pop(name, None)
        self.save()

    def save(self) -> None:
        """Write the file atomically (a temporary file, then rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lessons-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _count(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**6 else 0
