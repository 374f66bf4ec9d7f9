"""Entropy router: decisive granularities win, flat ones keep only a floor share."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pytest

from strata.graph.errors import ValidationError
from strata.query.router import DEFAULT_FLOOR, normalised_entropy, route, softmax

PEAKED_FEW = [0.9, 0.5, 0.4]  # one clear winner among 3
FLAT_MANY = [0.50 + 0.001 * i for i in range(30)]  # 30 near-identical scores
FLAT_FEW = [0.5, 0.5]  # two candidates, cannot tell them apart
PEAKED_MANY = [0.9] + [0.5] * 29  # one clear winner among 30


def _raw_entropy(scores: Sequence[float], tau: float = 0.1) -> float:
    p = softmax(scores, tau)
    return float(-(p * np.log(p)).sum())


def _raw_weight(scores: Sequence[float]) -> float:
    return max(1 - normalised_entropy(scores), DEFAULT_FLOOR)


def _unnormalised(
    scores_by_g: Mapping[str, Sequence[float]], f: Callable[[float], float]
) -> dict[str, float]:
    """MemGAS-style weights: a decreasing function of the *raw* entropy, sum-normalised."""
    raw = {g: f(_raw_entropy(s)) for g, s in scores_by_g.items()}
    total = sum(raw.values())
    return {g: w / total for g, w in raw.items()}


def test_one_minus_raw_entropy_favours_the_flat_granularity_but_route_does_not() -> None:
    scores = {"turn": FLAT_MANY, "fact": PEAKED_FEW}
    assert _raw_entropy(FLAT_MANY) > 1  # the regime where 1 - H turns negative

    naive = _unnormalised(scores, lambda h: 1 - h)
    assert naive["turn"] > naive["fact"]  # backwards: the undecided granularity wins
    assert naive["fact"] < 0  # and the decisive one gets a negative weight

    weights = route(scores)
    assert weights["fact"] > 0.9
    assert weights["turn"] == pytest.approx(min(weights.values()))


@pytest.mark.parametrize("f", [lambda h: 1 / h, lambda h: math.exp(-h)], ids=["1/H", "exp(-H)"])
def test_raw_entropy_rewards_few_candidates_but_route_rewards_peakedness(
    f: Callable[[float], float],
) -> None:
    scores = {"session": FLAT_FEW, "turn": PEAKED_MANY}
    naive = _unnormalised(scores, f)
    assert naive["session"] > naive["turn"]  # a coin flip between 2 beats a clear winner of 30

    weights = route(scores)
    assert weights["turn"] > 0.8
    assert weights["turn"] > weights["session"]


def test_peaked_beats_flat_with_equal_candidate_counts() -> None:
    weights = route({"fact": [0.9, 0.3, 0.3, 0.3], "turn": [0.6, 0.6, 0.59, 0.6]})
    assert weights["fact"] > 3 * weights["turn"]
    assert sum(weights.values()) == pytest.approx(1.0)


def test_equal_distributions_get_equal_weights() -> None:
    weights = route({"a": [0.9, 0.2, 0.1], "b": [0.9, 0.2, 0.1], "c": [0.8, 0.1, 0.0]})
    assert weights["a"] == pytest.approx(1 / 3)
    assert weights["b"] == pytest.approx(1 / 3)
    assert weights["c"] == pytest.approx(1 / 3)  # only score differences matter


def test_single_candidate_is_decisive() -> None:
    assert normalised_entropy([0.42]) == 0.0
    weights = route({"insight": [0.42], "turn": FLAT_MANY})
    assert weights["insight"] > 0.9


def test_empty_granularity_gets_zero_and_the_rest_still_sum_to_one() -> None:
    weights = route({"insight": [], "turn": PEAKED_FEW, "fact": FLAT_MANY})
    assert weights["insight"] == 0.0
    assert weights["turn"] + weights["fact"] == pytest.approx(1.0)


def test_everything_empty_gives_all_zero() -> None:
    assert route({"turn": [], "fact": []}) == {"turn": 0.0, "fact": 0.0}
    assert route({}) == {}


def test_all_equal_scores_keep_a_floor_share_not_zero() -> None:
    assert normalised_entropy([0.7] * 10) == pytest.approx(1.0)
    weights = route({"turn": [0.7] * 10, "fact": [1.0, 0.0]})
    assert 0 < weights["turn"] < 0.1
    assert weights["turn"] == pytest.approx(
        DEFAULT_FLOOR / (DEFAULT_FLOOR + _raw_weight([1.0, 0.0]))
    )


def test_all_flat_granularities_share_equally() -> None:
    weights = route({"turn": [0.7] * 10, "fact": [0.3] * 4})
    assert weights == {"turn": pytest.approx(0.5), "fact": pytest.approx(0.5)}


def test_lower_temperature_sharpens_the_decision() -> None:
    scores = {"fact": [0.8, 0.7, 0.6], "turn": [0.65, 0.64, 0.63]}
    assert route(scores, tau=0.02)["fact"] > route(scores, tau=0.5)["fact"]


def test_huge_scores_do_not_overflow() -> None:
    weights = route({"a": [1e6, 0.0], "b": [3.0, 3.0]})
    assert weights["a"] > 0.9
    assert all(math.isfinite(w) for w in weights.values())


@pytest.mark.parametrize(
    ("scores", "tau"),
    [({"a": [0.1, float("nan")]}, 0.1), ({"a": [0.1]}, 0.0), ({"a": [float("inf")]}, 0.1)],
)
def test_bad_input_is_a_clear_error(scores: dict[str, list[float]], tau: float) -> None:
    with pytest.raises(ValidationError):
        route(scores, tau=tau)
