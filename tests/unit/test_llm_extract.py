"""Optional LLM extraction against a scripted OpenAI stand-in: parsing, call budget, fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from fakes.openai_server import (
    CHAT,
    Canned,
    StubServer,
    chat_json,
    chat_text,
    http_error,
    openai_stub,
    slow,
)

from strata.graph.settings import Settings
from strata.ingest.llm import LLMExtractor
from strata.ingest.models import (
    EntityKind,
    EntityRef,
    EventOut,
    Extraction,
    FactOut,
    Predicate,
    QueryOut,
    Turn,
)

__all__ = ["openai_stub"]  # the imported fixture is used by name

T0 = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
CAROLINE = EntityRef("Caroline", EntityKind.PERSON, "caroline")
RULES = QueryOut("from the rules", "request")  # marks an Extraction made by the fallback


def make_turns(texts: list[str], speaker: str = "Caroline") -> list[Turn]:
    return [
        Turn(f"t{i}", "conv-1", "u1", i, speaker, "user", text, T0, None)
        for i, text in enumerate(texts)
    ]


class Rules:
    """Stands in for the rule pipeline and records which turns it was asked for."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, turns: list[Turn]) -> list[Extraction]:
        self.calls.append([t.id for t in turns])
        return [Extraction(queries=[RULES]) for _ in turns]

    @property
    def turn_ids(self) -> list[str]:
        return [i for call in self.calls for i in call]


class MakeLLM(Protocol):
    def __call__(self, max_calls: int = ..., **kwargs: Any) -> LLMExtractor: ...


@pytest.fixture
def make_llm(openai_stub: StubServer) -> Iterator[MakeLLM]:
    """Extractors pointed at the stand-in (model "stub-model"); closed after the test."""
    made: list[LLMExtractor] = []

    def make(max_calls: int = 4, **kwargs: Any) -> LLMExtractor:
        settings = Settings(
            llm_base_url=openai_stub.base_url, llm_model="stub-model", llm_max_calls=max_calls
        )
        made.append(LLMExtractor(settings, **kwargs))
        return made[-1]

    yield make
    for llm in made:
        llm.close()


def empty_turn(n: int) -> dict[str, Any]:
    return {"turn": n, "entities": [], "events": [], "facts": [], "queries": []}


def reply(*turns: dict[str, Any]) -> Canned:
    return chat_json({"turns": list(turns)})


def user_prompt(request: dict[str, Any]) -> str:
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


RICH: dict[str, Any] = {
    "turn": 0,
    "entities": [
        {"name": "Caroline", "kind": "person"},
        {"name": "Melanie", "kind": "person"},
        {"name": "Boston", "kind": "place"},
    ],
    "events": [
        {"what": "went to a support group", "when_text": "last Saturday", "who": ["Melanie"]},
    ],
    "facts": [
        {
            "subject": "Caroline",
            "predicate": "works_as",
            "object": " Nurse ",
            "polarity": True,
            "confidence": 0.9,
        },
        {
            "subject": "I",
            "predicate": "likes",
            "object": "coffee",
            "polarity": False,
            "confidence": 1.7,
        },
    ],
    "queries": [{"text": "Want to join?", "kind": "question"}],
}


def test_structured_reply_becomes_extractions(openai_stub: StubServer, make_llm: MakeLLM) -> None:
    openai_stub.script_chat(reply(RICH, empty_turn(1)))
    rules = Rules()
    turns = make_turns(["I went with Melanie last Saturday. I'm a nurse.", "ok"])

    out = make_llm().extract_many(turns, rules)

    melanie = EntityRef("Melanie", EntityKind.PERSON, "melanie")
    assert out[0] == Extraction(
        entities=[CAROLINE, melanie, EntityRef("Boston", EntityKind.PLACE, "boston")],
        events=[EventOut("went to a support group", None, "last Saturday", (melanie,))],
        facts=[
            FactOut(CAROLINE, Predicate.WORKS_AS, "nurse", True, 0.9, T0),
            FactOut(CAROLINE, Predicate.LIKES, "coffee", False, 1.0, T0),
        ],
        queries=[QueryOut("Want to join?", "question")],
    )
    assert out[1] == Extraction()
    assert rules.calls == []


def test_request_asks_for_strict_json_schema_with_the_configured_model(
    openai_stub: StubServer,
    make_llm: MakeLLM,
) -> None:
    openai_stub.script_chat(reply(empty_turn(0)))
    make_llm().extract_many(make_turns(["I live in Paris"]), Rules())

    [request] = openai_stub.received(CHAT)
    assert request["model"] == "stub-model"
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["required"] == ["turns"]
    assert set(schema["$defs"]["Predicate"]["enum"]) == {p.value for p in Predicate}
    assert "[0] Caroline: I live in Paris" in user_prompt(request)


def _objects(node: object) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [o for item in node for o in _objects(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == "object" else []
    return own + [o for v in node.values() for o in _objects(v)]


def test_schema_meets_strict_mode_rules(openai_stub: StubServer, make_llm: MakeLLM) -> None:
    """Strict mode rejects objects with optional fields or open properties."""
    openai_stub.script_chat(reply(empty_turn(0)))
    make_llm().extract_many(make_turns(["hi"]), Rules())

    schema = openai_stub.received(CHAT)[0]["response_format"]["json_schema"]["schema"]
    objects = _objects(schema)
    assert len(objects) >= 6
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
        assert not any("default" in p for p in obj["properties"].values())


@pytest.mark.parametrize(("n_turns", "max_calls"), [(50, 4), (3, 4), (7, 1), (10, 3), (1, 2)])
def test_calls_per_interaction_never_exceed_llm_max_calls(
    openai_stub: StubServer, make_llm: MakeLLM, n_turns: int, max_calls: int
) -> None:
    openai_stub.script_chat(*[reply()] * max_calls)
    texts = [f"message m{i:03d}x" for i in range(n_turns)]

    out = make_llm(max_calls, min_chunk_turns=1).extract_many(make_turns(texts), Rules())

    requests = openai_stub.received(CHAT)
    assert 1 <= len(requests) <= max_calls
    prompts = "\n".join(user_prompt(r) for r in requests)
    assert all(prompts.count(t) == 1 for t in texts)  # every turn sent exactly once
    assert len(out) == n_turns


FAILURES = {
    "malformed json": [chat_text('{"turns": [')],
    "plain text": [chat_text("Sure! Here are the facts you asked for.")],
    "schema mismatch": [chat_json({"turns": [{"turn": 0, "entities": []}]})],
    "unknown predicate": [
        reply({**empty_turn(0), "facts": [{**RICH["facts"][0], "predicate": "hates"}]})
    ],
    "unknown entity kind": [
        reply({**empty_turn(0), "entities": [{"name": "Rex", "kind": "animal"}]})
    ],
    "turn index out of range": [reply(empty_turn(0), empty_turn(7))],
    "empty content": [chat_text("")],
    "http 500": [http_error(500), http_error(500)],  # one bounded retry
    "http 400": [http_error(400)],
    "timeout": [slow(reply(empty_turn(0)), 2.0), slow(reply(empty_turn(0)), 2.0)],
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_failed_call_falls_back_for_exactly_its_turns(
    openai_stub: StubServer,
    make_llm: MakeLLM,
    caplog: pytest.LogCaptureFixture,
    failure: list[Canned],
) -> None:
    openai_stub.script_chat(reply(RICH, empty_turn(1)), *failure)
    rules = Rules()
    turns = make_turns(["I'm a nurse.", "ok", "third", "fourth"])

    with caplog.at_level(logging.WARNING, logger="strata.ingest.llm"):
        out = make_llm(2, timeout=0.5, min_chunk_turns=1).extract_many(turns, rules)

    assert rules.calls == [["t2", "t3"]]
    assert out[0].facts and out[1] == Extraction()  # the first chunk kept the LLM's answer
    assert out[2].queries == [RULES] and out[3].queries == [RULES]
    assert len(openai_stub.received(CHAT)) == 1 + len(failure)  # one bounded retry at most
    [record] = [r for r in caplog.records if r.name == "strata.ingest.llm"]
    assert record.levelno == logging.WARNING
    assert "rule extraction" in record.getMessage()


def test_warning_names_the_cause(
    openai_stub: StubServer, make_llm: MakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    openai_stub.script_chat(http_error(500), http_error(500))
    with caplog.at_level(logging.WARNING, logger="strata.ingest.llm"):
        make_llm().extract_many(make_turns(["hello"]), Rules())
    assert "InternalServerError" in caplog.text


def test_turns_left_out_of_the_reply_go_to_the_rules(
    openai_stub: StubServer, make_llm: MakeLLM
) -> None:
    openai_stub.script_chat(reply(RICH, empty_turn(2)))
    rules = Rules()

    out = make_llm(1).extract_many(make_turns(["a", "b", "c"]), rules)

    assert rules.calls == [["t1"]]
    assert out[0].facts and out[1].queries == [RULES] and out[2] == Extraction()


def test_chunk_over_the_character_budget_sends_the_rest_to_the_rules(
    openai_stub: StubServer,
    make_llm: MakeLLM,
) -> None:
    openai_stub.script_chat(reply(empty_turn(0), empty_turn(1)))
    rules = Rules()
    llm = make_llm(1, chunk_chars=25)

    llm.extract_many(make_turns(["x" * 10, "y" * 10, "z" * 10, "w" * 10]), rules)

    assert rules.calls == [["t2", "t3"]]
    assert "z" * 10 not in user_prompt(openai_stub.received(CHAT)[0])


def test_no_calls_when_budget_is_zero(openai_stub: StubServer, make_llm: MakeLLM) -> None:
    rules = Rules()
    out = make_llm(0).extract_many(make_turns(["a", "b"]), rules)
    assert openai_stub.received(CHAT) == []
    assert rules.calls == [["t0", "t1"]] and len(out) == 2


def test_short_interaction_costs_one_call(openai_stub: StubServer, make_llm: MakeLLM) -> None:
    openai_stub.script_chat(reply(*map(empty_turn, range(5))))
    rules = Rules()
    out = make_llm(4).extract_many(make_turns(list("abcde")), rules)
    assert len(openai_stub.received(CHAT)) == 1
    assert out == [Extraction()] * 5 and rules.calls == []


def test_disabled_without_base_url() -> None:
    assert LLMExtractor.from_settings(Settings(llm_base_url="")) is None
    llm = LLMExtractor.from_settings(Settings(llm_base_url="http://127.0.0.1:9/v1"))
    assert llm is not None
    llm.close()


def test_summarise_returns_the_model_text(openai_stub: StubServer, make_llm: MakeLLM) -> None:
    openai_stub.script_chat(chat_text("  Caroline is a nurse in Boston.  "))
    summary = make_llm().summarise(["I'm a nurse", "I live in Boston"])
    assert summary == "Caroline is a nurse in Boston."
    request = openai_stub.received(CHAT)[0]
    assert "I live in Boston" in user_prompt(request)
    assert "response_format" not in request


def test_summarise_failure_is_none_and_logged(
    openai_stub: StubServer, make_llm: MakeLLM, caplog: pytest.LogCaptureFixture
) -> None:
    openai_stub.script_chat(http_error(503), http_error(503))
    with caplog.at_level(logging.WARNING, logger="strata.ingest.llm"):
        assert make_llm().summarise(["anything"]) is None
    assert "LLM summary failed" in caplog.text
    assert make_llm().summarise([" ", ""]) is None  # nothing to summarise, no call
    assert len(openai_stub.received(CHAT)) == 2
