"""GMM association links on crafted score sets."""

from __future__ import annotations

import numpy as np
import pytest

from strata.graph.errors import ValidationError
from strata.ingest.gmm import (
    HIGH_SCORE,
    SCORE_FLOOR,
    AssociationRule,
    associate,
    association,
)

# ---- association ------------------------------------------------------------------------------

HIGH = {3: 0.91, 11: 0.88, 0: 0.86, 17: 0.84, 8: 0.83}
LOW = [0.35, 0.38, 0.41, 0.44, 0.46, 0.47, 0.48, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55]


def _scores(high: dict[int, float], low: list[float], n: int = 20) -> list[float]:
    out, rest = [0.0] * n, iter(low * n)
    for i in range(n):
        out[i] = high[i] if i in high else next(rest)
    return out


def test_clear_bimodal_split_links_exactly_the_high_group_best_first() -> None:
    decided = association(_scores(HIGH, LOW))
    assert decided.rule is AssociationRule.MIXTURE
    assert decided.indices == [3, 11, 0, 17, 8]
    assert [link.score for link in decided.links] == [0.91, 0.88, 0.86, 0.84, 0.83]


def test_single_outlier_is_the_only_link() -> None:
    assert associate(_scores({5: 0.93}, LOW)) == [5]


def test_high_group_below_the_floor_is_not_linked() -> None:
    scores = _scores({1: 0.45, 2: 0.44, 4: 0.43}, [0.05, 0.08, 0.1, 0.12, 0.15])
    decided = association(scores)
    assert decided.rule is AssociationRule.MIXTURE
    assert decided.links == ()


def test_high_group_straddling_the_floor_is_cut_at_the_floor() -> None:
    scores = _scores({0: 0.56, 1: 0.53, 2: 0.49, 3: 0.47}, [0.05, 0.08, 0.1, 0.12, 0.15])
    assert associate(scores) == [0, 1]


def test_evenly_spread_scores_are_one_group_so_only_the_best_is_linked() -> None:
    scores = list(np.linspace(0.3, 0.9, 25))[::-1]
    decided = association(scores)
    assert decided.rule is AssociationRule.UNSEPARATED
    assert decided.indices == [0]


def test_unimodal_scores_below_the_floor_link_nothing() -> None:
    scores = list(np.linspace(0.2, 0.45, 25))
    assert association(scores).rule is AssociationRule.UNSEPARATED
    assert associate(scores) == []


def test_short_history_links_everything_at_or_above_the_floor() -> None:
    decided = association([0.42, 0.71, SCORE_FLOOR], min_history=4)
    assert decided.rule is AssociationRule.SHORT_HISTORY
    assert decided.indices == [1, 2]
    assert associate([0.3]) == []
    assert associate([0.6, 0.8]) == [1, 0]


def test_all_equal_scores_link_all_only_when_high() -> None:
    assert association([0.6] * 20).rule is AssociationRule.DEGENERATE
    assert associate([0.6] * 20) == []
    assert associate([HIGH_SCORE] * 20) == list(range(20))


def test_empty_history_links_nothing() -> None:
    assert association([]).rule is AssociationRule.EMPTY
    assert associate([]) == []


def test_links_are_always_a_prefix_of_the_ranking_and_above_the_floor() -> None:
    rng = np.random.default_rng(11)
    for _ in range(30):
        scores = np.clip(rng.normal(rng.uniform(0.3, 0.7), rng.uniform(0.02, 0.2), 24), 0, 1)
        scores[: rng.integers(0, 6)] += rng.uniform(0.0, 0.3)
        linked = associate(list(scores))
        ranking = sorted(range(24), key=lambda i: (-scores[i], i))
        assert linked == ranking[: len(linked)]
        assert all(scores[i] >= SCORE_FLOOR for i in linked)


def test_association_is_deterministic() -> None:
    scores = list(np.random.default_rng(5).uniform(0.2, 0.95, 25))
    assert association(scores) == association(scores)


def test_non_finite_scores_are_rejected() -> None:
    with pytest.raises(ValidationError):
        associate([0.5, float("nan"), 0.7])


def test_batched_em_agrees_with_scikit_learn_on_random_score_sets() -> None:
    """The vectorised EM on the ingest path decides like sklearn's GaussianMixture.

    Reference: sklearn one- vs two-component BIC, the same mean-gap and prefix rules.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    from strata.ingest.gmm import MIN_BIC_GAIN, MIN_MEAN_GAP, mixture_cuts

    rng = np.random.default_rng(7)
    rows = []
    for i in range(120):
        if i % 2:  # bimodal: a close group over a far one
            hi = rng.normal(0.8, 0.03, size=int(rng.integers(2, 8)))
            lo = rng.normal(0.35, 0.06, size=25 - hi.size)
            rows.append(np.clip(np.concatenate([hi, lo]), 0, 1))
        else:  # one group
            rows.append(np.clip(rng.normal(0.5, 0.08, size=25), 0, 1))
    agree = 0
    for s, cut in zip(rows, mixture_cuts(rows), strict=True):
        x = s.reshape(-1, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            one = GaussianMixture(1, random_state=0).fit(x)
            two = GaussianMixture(2, random_state=0, n_init=3).fit(x)
        means = two.means_.ravel()
        split = one.bic(x) - two.bic(x) >= MIN_BIC_GAIN and np.ptp(means) >= MIN_MEAN_GAP
        agree += split == (cut is not None)
    assert agree >= 0.95 * len(rows)
