"""User–assistant chats: the assistant restates what the user tells it, at length and in more
words; a question about the user finds the user's own turn first, not the reply that echoes it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from test_api_support import Api, api, fresh_user
from tests_support import WAIT

__all__ = ["api"]  # the fixture, imported for pytest


def _chat(tag: str) -> list[dict[str, Any]]:
    u, a = "user", "assistant"
    turns = [
        (u, f"Quick thing: I'm vegetarian{tag}, so keep that in mind for recipes."),
        (
            a,
            f"Noted, you follow a vegetarian{tag} diet. Every recipe and every meal plan I suggest "
            f"will suit a vegetarian{tag} diet: no meat, no fish, and I will check the stock and "
            f"sauces too, since a vegetarian{tag} diet is easy to break by accident.",
        ),
        (u, f"Can you suggest a soup{tag} for a cold evening?"),
        (
            a,
            f"A lentil soup{tag} with cumin and lemon is warming and quick: onions, carrots, red "
            "lentils, stock, 25 minutes, then blend half of it.",
        ),
    ]
    return [
        {
            "id": "s1",
            "started_at": "2026-03-01T09:00:00Z",
            "messages": [
                {"id": f"s1-{n}", "speaker": role, "role": role, "text": text}
                for n, (role, text) in enumerate(turns)
            ],
        }
    ]


@pytest.fixture(scope="module")
def chat(api: Api) -> tuple[str, str]:
    user, tag = fresh_user(), uuid.uuid4().hex[:6]
    r = api.a.http.post(
        f"/v1/users/{user}/interactions", params=WAIT, json={"interactions": _chat(tag)}
    )
    assert r.status_code == 200, r.text
    return user, tag


def test_the_users_own_turn_comes_before_the_reply_that_echoes_it(
    api: Api, chat: tuple[str, str]
) -> None:
    user, tag = chat
    r = api.a.http.post(
        f"/v1/users/{user}/search", json={"query": f"What diet do I follow, vegetarian{tag}?"}
    )
    assert r.status_code == 200, r.text
    ids = [i["source_id"] for i in r.json()["items"]]
    assert ids[:2] == ["s1-0", "s1-1"]  # the user said it; the reply restates it
