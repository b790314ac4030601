"""The message catalog: every interface text in English and Korean, by message id."""

from __future__ import annotations

__all__ = ["CATALOG"]

CATALOG: dict[str, dict[str, str]] = {
}
