"""Reads input files into validated ``InteractionIn`` lists, or rejects them whole.

Formats: ``native`` (a JSON object, a JSON list, or JSONL of interactions) and ``locomo`` (the
LoCoMo dataset layout). A file is parsed and validated completely before the caller writes
anything; the first problem raises ``ValidationError`` naming the file, line or item, and field.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pydantic

from strata.graph.errors import ValidationError
from strata.ingest.agent_sources import RUN_FORMATS
from strata.ingest.models import InteractionIn
from strata.ingest.timeparse import parse_locomo_datetime


class Format(StrEnum):
    NATIVE = "native"
    LOCOMO = "locomo"


def read_file(path: Path, fmt: str, *, user: str | None = None) -> list[InteractionIn]:
    """Parse and validate a whole file; raise ``ValidationError`` on the first bad item."""
    try:
        kind = Format(fmt)
    except ValueError:
        raise ValidationError(
            f"unknown format {fmt!r} (use {', '.join([*Format, *RUN_FORMATS])})", where=str(path)
        ) from None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValidationError(f"not UTF-8 (byte {e.start})", where=str(path)) from e
    except OSError as e:
        raise ValidationError(f"cannot read: {e.strerror}", where=str(path)) from e
    if kind is Format.LOCOMO:
        return parse_locomo(_load_json(text, path), str(path), user=user)
    return parse_native(text, str(path), user=user)


def parse_native(text: str, source: str, *, user: str | None = None) -> list[InteractionIn]:
    """JSON object, JSON list, or JSONL (one interaction per line)."""
    stripped = text.lstrip()
    multi_line_object = stripped.startswith("{") and "\n" in stripped.strip()
    if stripped.startswith("[") or (multi_line_object and _is_single_json(stripped)):
        data = _load_json(text, Path(source))
        items = data if isinstance(data, list) else [data]
        return [_validate(it, f"{source}: item {i}", user) for i, it in enumerate(items)]
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValidationError(f"malformed JSON: {e.msg}", where=f"{source}: line {n}") from e
        out.append(_validate(item, f"{source}: line {n}", user))
    if not out:
        raise ValidationError("no interactions found", where=source)
    return out


def validate_interaction(item: Any, where: str, user: str | None = None) -> InteractionIn:
    return _validate(item, where, user)


def _validate(item: Any, where: str, user: str | None) -> InteractionIn:
    if not isinstance(item, dict):
        raise ValidationError("expected a JSON object", where=where)
    if user is not None:
        item = {**item, "user_id": user}
    try:
        interaction = InteractionIn.model_validate(item)
    except pydantic.ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ValidationError(f"{field}: {err['msg']}", where=where) from None
    for i, m in enumerate(interaction.messages):
        if not m.text.strip():
            raise ValidationError(f"messages.{i}.text: empty text", where=where)
    return interaction


def parse_locomo(data: Any, source: str, *, user: str | None = None) -> list[InteractionIn]:
    """Each sample → user ``sample_id``; each session → an Interaction; each turn → a message."""
    if not isinstance(data, list):
        data = [data]
    out: list[InteractionIn] = []
    for i, sample in enumerate(data):
        where = f"{source}: sample {i}"
        if not isinstance(sample, dict) or not isinstance(sample.get("conversation"), dict):
            raise ValidationError("missing field 'conversation'", where=where)
        sample_id = sample.get("sample_id")
        if not isinstance(sample_id, str) or not sample_id:
            raise ValidationError("missing field 'sample_id'", where=where)
        out += _locomo_sessions(sample["conversation"], user or sample_id, f"{where} ({sample_id})")
    return out


_SESSION = re.compile(r"^session_(\d+)$")


def _locomo_sessions(conv: dict[str, Any], user_id: str, where: str) -> list[InteractionIn]:
    sessions = sorted((int(m.group(1)), key) for key in conv if (m := _SESSION.match(key)))
    out = []
    for _n, key in sessions:
        turns = conv[key]
        if not isinstance(turns, list) or not turns:
            continue
        stamp = conv.get(f"{key}_date_time")
        started = _locomo_time(stamp, f"{where}: {key}_date_time")
        messages = [_locomo_message(t, f"{where}: {key}[{j}]") for j, t in enumerate(turns)]
        item = {"id": f"{key}", "user_id": user_id, "started_at": started, "messages": messages}
        out.append(_validate(item, f"{where}: {key}", None))
    if not out:
        raise ValidationError("no sessions found", where=where)
    return out


def _locomo_time(stamp: Any, where: str) -> datetime:
    if not isinstance(stamp, str):
        raise ValidationError("missing session date_time", where=where)
    try:
        return parse_locomo_datetime(stamp)
    except (ValueError, ValidationError) as e:
        raise ValidationError(f"bad timestamp {stamp!r}", where=where) from e


def _locomo_message(turn: Any, where: str) -> dict[str, Any]:
    if not isinstance(turn, dict):
        raise ValidationError("expected a turn object", where=where)
    for field in ("speaker", "dia_id", "text"):
        if not isinstance(turn.get(field), str) or not turn[field].strip():
            raise ValidationError(f"missing or empty field {field!r}", where=where)
    attachments = []
    if turn.get("blip_caption"):
        urls = turn.get("img_url") or [None]
        url = urls[0] if isinstance(urls, list) and urls else None
        if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            url = None  # inline data: URLs are not kept; the caption is the content
        attachments.append({"kind": "image_caption", "text": str(turn["blip_caption"]), "url": url})
    return {
        "id": turn["dia_id"],
        "speaker": turn["speaker"],
        "text": turn["text"],
        "attachments": attachments,
    }


def _load_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError(f"malformed JSON at line {e.lineno}: {e.msg}", where=str(path)) from e


def _is_single_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True
