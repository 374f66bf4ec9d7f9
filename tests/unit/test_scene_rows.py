"""What a refit writes: only the scenes that differ from the stored ones, as deltas."""

from __future__ import annotations

from typing import Any

from strata.ingest.scene_rows import scene_changes


def scene(sid: str, members: list[str], text: str = "about tea", **kw: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "insight_id": f"{sid}-i",
        "text": text,
        "size": len(members),
        "terms": kw.get("terms", ["tea"]),
        "entities": kw.get("entities", []),
        "members": members,
        "representatives": kw.get("representatives", members[:1]),
    }


def test_an_unchanged_scene_is_not_written() -> None:
    stored = [scene("a", ["u1", "u2"]), scene("b", ["u3"])]
    fitted = [scene("a", ["u2", "u1"], representatives=["u1"]), scene("b", ["u3"])]
    assert scene_changes(fitted, stored) == []


def test_a_changed_scene_carries_what_it_gained_and_lost() -> None:
    stored = [scene("a", ["u1", "u2"]), scene("b", ["u3"])]
    fitted = [scene("a", ["u1", "u4"]), scene("b", ["u3"], text="about coffee")]
    changes = {c["id"]: c for c in scene_changes(fitted, stored)}
    assert (changes["a"]["added"], changes["a"]["removed"]) == (["u4"], ["u2"])
    assert changes["a"]["text_changed"] is False  # same summary: its vector stays
    assert (changes["b"]["added"], changes["b"]["removed"]) == ([], [])
    assert changes["b"]["text_changed"] is True
    assert "members" not in changes["a"]


def test_a_new_scene_gets_all_its_members_and_a_vector() -> None:
    (change,) = scene_changes([scene("c", ["u5", "u6"])], [scene("a", ["u1"])])
    assert (change["added"], change["removed"], change["text_changed"]) == (
        ["u5", "u6"],
        [],
        True,
    )


def test_new_representatives_alone_are_a_change() -> None:
    stored = [scene("a", ["u1", "u2"], representatives=["u1"])]
    fitted = [scene("a", ["u1", "u2"], representatives=["u2"])]
    assert [c["id"] for c in scene_changes(fitted, stored)] == ["a"]
