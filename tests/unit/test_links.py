"""Which units a relink recomputes, and what it refuses: ``ingest.links`` on plain rows."""

from __future__ import annotations

import numpy as np
import pytest

from strata.api.http.app import status_for
from strata.graph.errors import InvariantError
from strata.ingest.links import Units


def _row(i: str, t: float | None, pending: bool, v: list[float] | None = None) -> dict[str, object]:
    return {"id": i, "time": t, "pending": pending, "embedding": v or [1.0, float(len(i))]}


def _affected(rows: list[dict[str, object]]) -> set[str]:
    units = Units.of(rows)
    return {units.ids[i] for i in units.affected()}


def test_in_order_arrival_recomputes_only_the_new_units() -> None:
    rows = [_row("a", 1, False), _row("b", 2, False), _row("c", 3, True)]
    assert _affected(rows) == {"c"}


def test_a_late_unit_recomputes_everything_at_or_after_it() -> None:
    rows = [_row("a", 1, False), _row("b", 2, True), _row("c", 2, False), _row("d", 3, False)]
    assert _affected(rows) == {"b", "c", "d"}


def test_units_without_time_see_everything_and_are_always_recomputed() -> None:
    rows = [_row("a", 1, False), _row("b", None, False), _row("c", 3, True)]
    assert _affected(rows) == {"b", "c"}
    assert _affected([_row("a", 1, False), _row("b", None, True)]) == {"a", "b"}
    assert _affected([_row("a", 1, False), _row("b", None, False)]) == set()


def test_candidates_are_never_later_and_never_the_unit_itself() -> None:
    units = Units.of([_row("a", 1, False, [1, 0]), _row("b", 2, False, [1, 0.1]),
                      _row("c", 3, True, [1, 0.2])])  # fmt: skip
    found = units.nearest(np.arange(3), n=5)
    assert [[cid for cid, _ in cands] for cands in found] == [[], ["a"], ["b", "a"]]
    assert found[2][0][1] == pytest.approx((1 + np.cos(np.arctan(0.2) - np.arctan(0.1))) / 2)


def test_broken_stored_embeddings_are_a_server_error_not_the_clients() -> None:
    with pytest.raises(InvariantError) as sizes:
        Units.of([_row("a", 1, True, [1.0, 0.0]), _row("b", 2, True, [1.0, 0.0, 0.0])])
    assert status_for(sizes.value) == 500
    with pytest.raises(InvariantError):
        Units.of([_row("a", 1, True, [float("nan"), 0.0])])
