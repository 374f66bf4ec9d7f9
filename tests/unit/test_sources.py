"""Input files: every kind of bad input is rejected with the file, item/line and field named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strata.graph.errors import ValidationError
from strata.ingest.sources import read_file

GOOD = {
    "id": "s1",
    "user_id": "u",
    "started_at": "2024-01-01T10:00:00Z",
    "messages": [{"id": "m1", "speaker": "Ann", "text": "I live in Oslo."}],
}


def write(tmp_path: Path, text: str | bytes, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def bad(**changes: object) -> str:
    item = json.loads(json.dumps(GOOD))
    message = item["messages"][0]
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return json.dumps(GOOD) + "\n" + json.dumps(item) + "\n"


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('{"id": "s1", "user_id": "u", "messages": [\n', "line 1", "malformed JSON"),
        (json.dumps(GOOD) + "\n{not json}\n", "line 2", "malformed JSON"),
        (bad(speaker=None), "line 2", "messages.0.speaker"),
        (bad(text=""), "line 2", "messages.0.text"),
        (bad(text="   "), "line 2", "empty text"),
        (bad(timestamp="yesterday-ish"), "line 2", "messages.0.timestamp"),
        (bad(surprise="field"), "line 2", "messages.0.surprise"),
        (json.dumps({**GOOD, "messages": []}) + "\n", "line 1", "messages"),
        (json.dumps([GOOD, {**GOOD, "user_id": ""}]), "item 1", "user_id"),
    ],
)
def test_bad_native_input_names_the_place(tmp_path: Path, text: str, where: str, what: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValidationError) as err:
        read_file(path, "native")
    message = str(err.value)
    assert str(path) in message and where in message and what in message


def test_wrong_encoding_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(GOOD).replace("Oslo", "Tromsø").encode("latin-1"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_file(path, "native")


def test_unknown_format_lists_every_format(tmp_path: Path) -> None:
    expected = r"unknown format 'csv' \(use native, locomo, runs, tau-bench\)"
    with pytest.raises(ValidationError, match=expected):
        read_file(write(tmp_path, json.dumps(GOOD)), "csv")


def test_locomo_sessions_become_interactions(tmp_path: Path) -> None:
    sample = {
        "sample_id": "conv-x",
        "conversation": {
            "speaker_a": "Ann",
            "speaker_b": "Bo",
            "session_2_date_time": "9:05 am on 3 June, 2023",
            "session_2": [{"speaker": "Bo", "dia_id": "D2:1", "text": "Later."}],
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {
                    "speaker": "Ann",
                    "dia_id": "D1:1",
                    "text": "Look!",
                    "img_url": ["data:image/jpeg;base64,AAAA"],
                    "blip_caption": "a photo of a cat",
                },
            ],
        },
    }
    items = read_file(write(tmp_path, json.dumps([sample]), "l.json"), "locomo")
    assert [(i.user_id, i.id, i.started_at.isoformat()) for i in items] == [
        ("conv-x", "session_1", "2023-05-08T13:56:00"),
        ("conv-x", "session_2", "2023-06-03T09:05:00"),
    ]
    first = items[0].messages[0]
    assert (first.id, first.speaker) == ("D1:1", "Ann")
    assert first.attachments[0].text == "a photo of a cat" and first.attachments[0].url is None


def test_locomo_bad_session_time(tmp_path: Path) -> None:
    sample = {
        "sample_id": "c",
        "conversation": {
            "session_1_date_time": "sometime",
            "session_1": [{"speaker": "A", "dia_id": "D1:1", "text": "x"}],
        },
    }
    with pytest.raises(ValidationError, match="session_1_date_time"):
        read_file(write(tmp_path, json.dumps([sample]), "l.json"), "locomo")
