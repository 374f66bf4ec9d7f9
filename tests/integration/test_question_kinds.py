"""Question kinds LoCoMo lacks, on a hand-written user–assistant chat over several months:
the latest value of something that changed, the user's standing instructions, events in
order across sessions, a summary with sessions as units, and both sides of a contradiction."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from test_api_support import Api, api, fresh_user
from tests_support import WAIT

__all__ = ["api"]  # the fixture, imported for pytest


def _session(sid: str, day: str, *turns: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": sid,
        "started_at": f"{day}T09:00:00Z",
        "messages": [
            {"id": f"{sid}-{n}", "speaker": role, "role": role, "text": text}
            for n, (role, text) in enumerate(turns)
        ],
    }


def _chat(tag: str) -> list[dict[str, Any]]:
    u, a = "user", "assistant"
    return [
        _session(
            "s1",
            "2026-01-05",
            (u, f"I work as a barista at Bean{tag} café."),
            (a, "That sounds like a lively place to work! How can I help today?"),
            (u, f"Always answer in metric units, please. I adopted a puppy{tag} named Biscuit."),
            (a, f"Noted: metric units from now on. Congratulations on the puppy{tag}!"),
        ),
        _session(
            "s2",
            "2026-02-10",
            (u, f"This week I started a pottery{tag} class on Tuesdays."),
            (a, f"Pottery{tag} is a great hobby. Do you want tips for beginners?"),
            (u, f"My garden{tag} needs work: the tomatoes are wilting."),
            (a, f"For the garden{tag}: water the tomatoes deeply twice a week, in the morning."),
        ),
        _session(
            "s3",
            "2026-03-15",
            (u, f"Big news: I now work as a data analyst at North{tag} Labs."),
            (a, "Congratulations on the new job! Analytics is a great field."),
            (u, f"Yesterday I ran my first marathon{tag} in 4 hours."),
            (a, f"Finishing a marathon{tag} is a big achievement, well done!"),
        ),
        _session(
            "s4",
            "2026-04-20",
            (u, f"More garden{tag} news: I planted basil and the tomatoes recovered."),
            (a, f"Great to hear the garden{tag} is doing well."),
            (u, f"My sister Ana{tag} lives in Porto, she told me last week."),
            (a, "Porto is a beautiful city."),
        ),
        _session(
            "s5",
            "2026-05-02",
            (u, f"Correction about my sister Ana{tag}: she lives in Lisbon, not Porto."),
            (a, "Thanks for the correction, I will keep that in mind."),
        ),
    ]


@pytest.fixture(scope="module")
def chat(api: Api) -> tuple[str, str]:
    user, tag = fresh_user(), uuid.uuid4().hex[:6]
    body = {"interactions": _chat(tag)}
    r = api.a.http.post(f"/v1/users/{user}/interactions", params=WAIT, json=body)
    assert r.status_code == 200, r.text
    return user, tag


def _ask(api: Api, user: str, question: str, k: int = 5) -> dict[str, Any]:
    r = api.a.http.post(
        f"/v1/users/{user}/search", json={"query": question, "k": k, "explain": True}
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _ids(answer: dict[str, Any]) -> list[str]:
    return [i["source_id"] for i in answer["items"]]


def _intent(answer: dict[str, Any]) -> str:
    return next(s["detail"]["intent"] for s in answer["plan"]["stages"] if s["name"] == "rerank")


def test_the_latest_value_of_something_that_changed(api: Api, chat: tuple[str, str]) -> None:
    user, _ = chat
    answer = _ask(api, user, "Where do I work currently?")
    assert _intent(answer) == "latest"
    assert _ids(answer)[0] == "s3-0"  # the new job, not the old one
    assert "s1-0" in _ids(answer)  # the old value is still there, below


def test_the_users_standing_instructions(api: Api, chat: tuple[str, str]) -> None:
    user, _ = chat
    answer = _ask(api, user, "What instructions did I give you for your answers?")
    assert _intent(answer) == "instructions"
    assert _ids(answer)[0] == "s1-2"  # "Always answer in metric units"


def test_events_in_order_across_sessions(api: Api, chat: tuple[str, str]) -> None:
    user, tag = chat
    answer = _ask(
        api,
        user,
        f"In what order did I get the puppy{tag}, start pottery{tag} and run the marathon{tag}?",
    )
    assert _intent(answer) == "ordering"
    ids = _ids(answer)
    told = [e for i in answer["items"] for e in ("puppy", "pottery", "marathon") if e in i["text"]]
    assert told == ["puppy", "pottery", "marathon"]  # all three, oldest first
    times = [i["time"] for i in answer["items"]]
    assert times == sorted(times)
    assert len({i["interaction_id"] for i in answer["items"]}) == len(ids)  # one per session


def test_a_summary_answers_with_sessions(api: Api, chat: tuple[str, str]) -> None:
    user, tag = chat
    answer = _ask(api, user, f"Summarize what we discussed about my garden{tag}.", k=4)
    assert _intent(answer) == "summary"
    sessions = answer["sessions"]
    assert {s["source_id"] for s in sessions[:2]} == {"s2", "s4"}
    assert all(f"garden{tag}" in s["text"] for s in sessions[:2])
    per_session = [i["interaction_id"] for i in answer["items"]]
    assert max(per_session.count(s) for s in per_session) <= 2


def test_both_sides_of_a_contradiction(api: Api, chat: tuple[str, str]) -> None:
    user, tag = chat
    answer = _ask(api, user, f"Is anything I said about where Ana{tag} lives contradictory?")
    assert _intent(answer) == "conflict"
    assert {"s4-2", "s5-0"} <= set(_ids(answer)[:3])
