"""Plans are data: what the planner will do, and — after running — what it did and how long.

The same ``Plan`` object is what ``explain`` prints. Presets name sensible budget/channel sets
(``default``, and the ablations the benchmark reports) instead of a soup of flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class QuestionType(StrEnum):
    TEMPORAL = "temporal"
    MULTI_HOP = "multi_hop"
    PERSONA = "persona"
    LOOKUP = "lookup"


class Channel(StrEnum):
    """Ranked lists fused into the answer."""

    VECTOR = "vector"
    FULLTEXT = "fulltext"
    ENTITY = "entity"
    EXPANSION = "expansion"
    PAGERANK = "pagerank"


GRANULARITIES = ("Turn", "Segment", "Interaction", "Fact", "Insight", "Query")


@dataclass(frozen=True)
class Budgets:
    vector_k: int = 20  # seeds per granularity
    vector_fetch: int = 120  # over-fetch before the per-user filter (no filtered ANN in 5.26)
    # 5.26, when the over-fetch leaves fewer than vector_k of the user's units: a user with at
    # most vector_exact_max units of the granularity is scored exactly; a bigger one gets a
    # second ANN round of up to vector_fetch_wide first (exact only if that is short too).
    vector_fetch_wide: int = 1_000
    vector_exact_max: int = 2_000
    fulltext_k: int = 40  # per granularity
    entities_k: int = 5
    expand_seeds: int = 30  # strongest seeds expanded through the graph
    expand_per_seed: int = 12  # turns per seed and relation
    max_candidates: int = 400
    facts_limit: int = 60
    rerank_pool: int = 30  # candidates given provenance and reranked
    per_session: int = 100  # at most this many answer turns from one session
    # Chosen on the LoCoMo development split like the channel weights (both halves, see
    # docs/benchmarks.md), never per question.
    name_boost: float = 0.5  # full-text weight of the words of people the question names
    pair_boost: float = 0.5  # full-text proximity clause for two adjacent content words
    context_boost: float = 0.3  # full-text weight of the question's words found in the turn before
    # a turn (its `context`): a reply is found through what it answers
    reply_weight: float = 0.3  # share of a turn hit's score passed to the turn after it
    question_factor: float = 2.5  # ... times this when the hit asks a question ("?")
    asking_factor: float = 0.7  # final score of a turn that ends with a question: it rarely
    # holds the evidence, its reply does
    before_weight: float = 0.1  # share passed to the turn before a hit
    # User–assistant chats (roles 'user' and 'assistant'): the owner asks an assistant for what
    # they need, so their asking turn says something about them (no asking_factor), and an
    # assistant's reply gets the plain reply share, not the question bonus, so long answers
    # that repeat the question do not outrank it. Chosen on RealMem, both halves, in a flat
    # region (docs/benchmarks.md); person-to-person chats (LoCoMo) have no such roles.
    owner_asking_factor: float = 1.0  # asking_factor for the owner's turns to an assistant
    assistant_reply_factor: float = 1.0  # question_factor for an assistant's reply to the owner
    echo_weight: float = 1.5  # before_weight for an assistant's reply to the owner's turn: the
    # reply restates it, often at length, while the owner's turn holds the fact; not for a reply
    # that ends by asking something new. Chosen on the hand-written chats (bench/data) and
    # RealMem, both halves, middle of the flat region 1.0–2.0 (docs/benchmarks.md)
    standing_limit: int = 20  # standing instructions an "instructions" question puts first
    flagged_factor: float = 0.5  # final score of a turn flagged as instructions to an AI: shown
    # (it is evidence of an attack), never silently dropped, but weighed down
    speaker_boost: float = 0.6  # relative boost for turns spoken by a person the question names
    time_boost: float = 0.6  # relative boost for turns said in the question's time span ...
    time_slack_days: tuple[int, int] = (2, 14)  # ... widened by this many days before, after


@dataclass(frozen=True)
class Preset:
    """Which channels and granularities run, and their fusion weights."""

    name: str
    # Vector seeds per granularity (full-text covers every granularity in one index). Interaction
    # and Insight vectors cost ~4 ms each per query for no measured recall on the dev split;
    # Turn vectors ~6 ms for none either (full-text over turns finds what they find).
    granularities: tuple[str, ...] = ("Segment", "Fact")
    channels: tuple[Channel, ...] = tuple(Channel)
    # Chosen on the LoCoMo development split by aggregate recall (docs/benchmarks.md), never
    # per question: BM25 carries most signal; the download-free hashing vectors are weak, so
    # they only break ties; PPR measured slightly negative there, so it is an opt-in preset.
    channel_weights: tuple[tuple[Channel, float], ...] = (
        (Channel.FULLTEXT, 1.0),
        (Channel.VECTOR, 0.1),
        (Channel.ENTITY, 0.3),
        (Channel.EXPANSION, 0.3),
        (Channel.PAGERANK, 0.0),
    )
    use_associations: bool = True
    use_insights: bool = True  # scene and persona insights as seeds
    budgets: Budgets = field(default_factory=Budgets)

    def weight(self, channel: Channel) -> float:
        return dict(self.channel_weights).get(channel, 0.0) if channel in self.channels else 0.0


DEFAULT = Preset("default")
PRESETS: dict[str, Preset] = {
    "default": DEFAULT,
    "fulltext_only": replace(DEFAULT, name="fulltext_only", channels=(Channel.FULLTEXT,)),
    # Turn vectors too: without expansion only turn hits can answer.
    "vector_only": replace(
        DEFAULT,
        name="vector_only",
        channels=(Channel.VECTOR,),
        granularities=("Turn", "Segment", "Fact"),
    ),
    "no_expansion": replace(
        DEFAULT,
        name="no_expansion",
        channels=(Channel.VECTOR, Channel.FULLTEXT, Channel.ENTITY),
    ),
    "no_associations": replace(DEFAULT, name="no_associations", use_associations=False),
    "no_insights": replace(DEFAULT, name="no_insights", use_insights=False),
    "turns_only": replace(DEFAULT, name="turns_only", granularities=("Turn",)),
    "all_granularities": replace(
        DEFAULT,
        name="all_granularities",
        granularities=("Turn", "Segment", "Interaction", "Fact", "Insight", "Query"),
    ),
    "with_pagerank": replace(
        DEFAULT,
        name="with_pagerank",
        channel_weights=(*DEFAULT.channel_weights[:-1], (Channel.PAGERANK, 0.8)),
    ),
}


@dataclass
class Understanding:
    question_type: QuestionType
    terms: list[str]
    people: list[str]
    time_from: datetime | None = None
    time_to: datetime | None = None
    intent: str = "fact"  # query/intents.py: the shape of answer the question asks for
    present: bool = False  # asks about now: no past tense, no past time named


@dataclass
class Stage:
    name: str
    ms: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    user_id: str
    query: str
    k: int
    as_of: datetime | None
    preset: Preset
    understanding: Understanding | None = None
    weights: dict[str, float] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)

    def explain(self) -> dict[str, Any]:
        out = asdict(self)
        out["preset"] = self.preset.name
        out["budgets"] = asdict(self.preset.budgets)
        out.pop("user_id")
        return out
