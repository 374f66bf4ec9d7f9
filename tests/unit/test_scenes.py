"""Scene clustering and scene summaries."""

from __future__ import annotations

import numpy as np
import pytest

from strata.graph.errors import ValidationError
from strata.ingest.scenes import fit_scenes, needs_refit, summarise_scene

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


def test_identical_units_form_one_scene_without_numeric_warnings() -> None:
    """A user who said the same thing many times: one scene, no divide-by-zero."""
    import warnings

    from strata.ingest.embed import HashingEmbedder

    vectors = HashingEmbedder().embed(["hello world"] * 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fit_scenes([f"u{i}" for i in range(12)], vectors)
    assert len(model.members) == 1
