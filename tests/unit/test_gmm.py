"""GMM association links, scene clustering and scene summaries."""

from __future__ import annotations

import numpy as np
import pytest

from graph.errors import ValidationError
from ingest.gmm import (
    HIGH_SCORE,
    SCORE_FLOOR,
    AssociationRule,
    associate,
    association,
    fit_scenes,
    needs_refit,
    summarise_scene,
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


# ---- scenes -----------------------------------------------------------------------------------


def _blobs(dims: int, per_blob: int = 40, seed: int = 0) -> tuple[list[str], np.ndarray, list[int]]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, dims))
    x = np.vstack([c + 0.1 * rng.normal(size=(per_blob, dims)) for c in centers])
    truth = [b for b in range(3) for _ in range(per_blob)]
    ids = [f"unit-{seed}-{i:03d}" for i in range(len(x))]
    return ids, x, truth


def _same_partition(labels: tuple[int, ...] | list[int], truth: list[int]) -> bool:
    pairs = set(zip(labels, truth, strict=True))
    return len(pairs) == len(set(labels)) == len(set(truth))


@pytest.mark.parametrize("dims", [16, 384], ids=["no-pca", "pca"])
def test_bic_finds_three_well_separated_blobs(dims: int) -> None:
    ids, x, truth = _blobs(dims)
    model = fit_scenes(ids, x, seed=0)
    assert len(model.scene_ids) == 3
    assert _same_partition(model.labels, truth)
    assert sorted(len(m) for m in model.members.values()) == [40, 40, 40]


def test_clustering_is_reproducible_and_independent_of_input_order() -> None:
    ids, x, _ = _blobs(64)
    first, second = fit_scenes(ids, x, seed=3), fit_scenes(ids, x, seed=3)
    assert first.labels == second.labels
    assert first.scene_ids == second.scene_ids

    perm = np.random.default_rng(1).permutation(len(ids))
    shuffled = fit_scenes([ids[i] for i in perm], x[perm], seed=3)
    assert shuffled.assignments == first.assignments


def test_new_units_are_assigned_to_the_scene_of_their_blob() -> None:
    ids, x, _ = _blobs(32)
    model = fit_scenes(ids, x)
    assert model.assign(x) == list(model.labels)
    near_first, near_last = x[0] + 0.01, x[-1] - 0.01
    assert model.assign_ids(np.vstack([near_first, near_last])) == [
        model.assignments[ids[0]],
        model.assignments[ids[-1]],
    ]


def test_refit_with_previous_scenes_keeps_their_ids() -> None:
    ids, x, _ = _blobs(32, per_blob=40)
    more_ids, more_x, _ = _blobs(32, per_blob=5)  # same centers, 5 more units per blob
    more_ids = [f"later-{i}" for i in range(len(more_ids))]
    old = fit_scenes(ids, x)

    grown = fit_scenes([*ids, *more_ids], np.vstack([x, more_x]), previous=old.members)
    assert set(grown.scene_ids) == set(old.scene_ids)
    assert grown.assignments[ids[0]] == old.assignments[ids[0]]

    without = fit_scenes([*ids, *more_ids], np.vstack([x, more_x]))
    assert not set(without.scene_ids) & set(old.scene_ids)  # members changed, so hashes did


def test_identical_refit_keeps_ids_without_previous() -> None:
    ids, x, _ = _blobs(32)
    assert fit_scenes(ids, x, seed=1).members == fit_scenes(ids, x, seed=1).members


def test_few_units_make_one_scene() -> None:
    ids, x, _ = _blobs(8, per_blob=3)
    model = fit_scenes(ids, x)
    assert len(model.scene_ids) == 1
    assert fit_scenes(["only"], np.ones((1, 8))).assign(np.ones((2, 8))) == [0, 0]


@pytest.mark.parametrize(
    ("ids", "x"),
    [([], np.zeros((0, 4))), (["a", "b"], np.zeros((3, 4))), (["a", "a"], np.ones((2, 4)))],
    ids=["empty", "length-mismatch", "duplicate-ids"],
)
def test_bad_scene_input_is_a_clear_error(ids: list[str], x: np.ndarray) -> None:
    with pytest.raises(ValidationError):
        fit_scenes(ids, x)


def test_assign_rejects_wrong_dimensions() -> None:
    ids, x, _ = _blobs(16)
    with pytest.raises(ValidationError):
        fit_scenes(ids, x).assign(np.zeros((1, 8)))


@pytest.mark.parametrize(
    ("new", "total", "expected"),
    [(49, 100, False), (50, 100, True), (199, 1000, False), (200, 1000, True), (50, 0, True)],
)
def test_refit_policy(new: int, total: int, expected: bool) -> None:
    assert needs_refit(new, total) is expected


# ---- summaries --------------------------------------------------------------------------------

SCENE = [
    "Caroline talked about the adoption agency and the adoption paperwork.",
    "Melanie asked how the kids feel about adoption.",
    "The agency called Caroline about the kids; adoption day is close.",
    "Melanie went painting by the lake.",
]


def test_summary_names_the_theme_people_and_size() -> None:
    summary = summarise_scene(SCENE, ["Caroline", "Melanie", "Caroline", "caroline"])
    assert summary.terms[:3] == ("adoption", "agency", "kids")
    assert summary.entities == ("Caroline", "Melanie")
    assert summary.text == "Scene about adoption, agency, kids — Caroline, Melanie (4 turns)"
    assert "caroline" not in summary.terms  # names are entities, not terms


def test_representatives_are_the_central_members() -> None:
    summary = summarise_scene(SCENE, [], representatives=2)
    assert 3 not in summary.representative_indices  # the off-topic painting turn
    assert len(summary.representative_indices) == 2


def test_background_downweights_words_common_everywhere() -> None:
    background = [*SCENE, *[f"the kids were at school on day {i}" for i in range(20)]]
    summary = summarise_scene(SCENE, [], top_terms=20, background=background)
    assert summary.terms[0] == "adoption"
    assert summary.terms.index("agency") < summary.terms.index("kids")


def test_empty_or_wordless_scenes_still_summarise() -> None:
    assert summarise_scene([], []).text == "Scene (0 turns)"
    summary = summarise_scene(["ok, the 2 of us"], ["Anna"], noun="sessions")
    assert summary.terms == ()
    assert summary.text == "Scene — Anna (1 session)"


def test_batched_em_agrees_with_scikit_learn_on_random_score_sets() -> None:
    """The vectorised EM on the ingest path decides like sklearn's GaussianMixture.

    Reference: sklearn one- vs two-component BIC, the same mean-gap and prefix rules.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    from ingest.gmm import MIN_BIC_GAIN, MIN_MEAN_GAP, mixture_cuts

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


def test_identical_units_form_one_scene_without_numeric_warnings() -> None:
    """A user who said the same thing many times: one scene, no divide-by-zero."""
    import warnings

    from ingest.embed import HashingEmbedder

    vectors = HashingEmbedder().embed(["hello world"] * 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fit_scenes([f"u{i}" for i in range(12)], vectors)
    assert len(model.members) == 1
