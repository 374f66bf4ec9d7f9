"""Long messages become passages: contiguous slices that index, embed and cite well.

A message is ground truth and is never cut short: one longer than ``SPLIT_ABOVE`` characters is
split into passages of at most ``PASSAGE_CHARS`` whose concatenation is exactly the message.
Each cut falls on the last paragraph break, else line break, else sentence end, else space in
the second half of its window, so a passage reads as a unit; only text with none of those
(a base64 blob) is cut hard. Each passage keeps its offset in the message, so evidence points
into the original and an export joins the passages back into the message.
"""

from __future__ import annotations

import re

SPLIT_ABOVE = 8_000  # longer messages are split (99 % of chat messages are far shorter)
PASSAGE_CHARS = 4_000  # at most this long; at least half of it unless the text ends

_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


def passages(text: str) -> list[tuple[int, str]]:
    """``[(offset, passage)]`` covering ``text`` exactly; one passage when it is short."""
    if len(text) <= SPLIT_ABOVE:
        return [(0, text)]
    out, start = [], 0
    while len(text) - start > PASSAGE_CHARS:
        end = _cut(text, start + PASSAGE_CHARS // 2, start + PASSAGE_CHARS)
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out


def _cut(text: str, low: int, high: int) -> int:
    """The end of the passage: just after the last break of the strongest kind in [low, high)."""
    window = text[low:high]
    for pattern in _BREAKS:
        found = [m.end() for m in pattern.finditer(window)]
        if found:
            return low + found[-1]
    return high
