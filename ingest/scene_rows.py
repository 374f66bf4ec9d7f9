"""Scene rows: a refit of one user's scenes as the rows ``memory/update_scenes`` writes.

``scene_model`` fits the user's units (``ingest.scenes``) and summarises each scene;
``scene_changes`` keeps only the scenes that differ from the stored ones (what they gained and
lost), so a refit that moved a few units rewrites a few scenes, not all of them; and
``embed_changed`` embeds only the summaries whose text changed. The stored end state is the
same as a whole rewrite's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from strata.graph.owners import user_key
from strata.ingest.embed import Embedder
from strata.ingest.models import stable_id
from strata.ingest.scenes import fit_scenes, summarise_scene

Row = dict[str, Any]


def scene_model(state: Row, units: list[Row], seed: int) -> Row:
    """The refit of one user (``state``: a ``memory/scene_state`` row; ``units``: its
    ``memory/scene_units``), every scene as a full row."""
    model = fit_scenes(
        [u["id"] for u in units],
        np.asarray([u["embedding"] for u in units], dtype=np.float32),
        seed=seed,
        previous=json.loads(state["members"]) if state["members"] else None,
        order_keys=[stable_id(u["label"], u["time"], u["text"] or "") for u in units],
    )
    by_id = {u["id"]: u for u in units}
    background = [u["text"] or "" for u in units]
    return {
        "user_id": state["user_id"],
        "user_key": user_key(state["user_id"]),
        "fitted_units": state["total"],
        "members_json": json.dumps(model.members),
        "scenes": [
            _scene_row(scene_id, [by_id[m] for m in members], background)
            for scene_id, members in model.members.items()
        ],
    }


def _scene_row(scene_id: str, members: list[Row], background: list[str]) -> Row:
    texts = [m["text"] or "" for m in members]
    entities = [e for m in members for e in m["entities"]]
    summary = summarise_scene(texts, entities, background=background, noun="units")
    return {
        "id": scene_id,
        "insight_id": stable_id(scene_id, "scene-insight"),
        "text": summary.text,
        "size": len(members),
        "terms": list(summary.terms),
        "entities": list(summary.entities),
        "members": [m["id"] for m in members],
        "representatives": [members[i]["id"] for i in summary.representative_indices],
    }


def embed_changed(embedder: Embedder, scenes: list[Row]) -> None:
    """A vector for each scene whose summary text changed (null: the stored one stays)."""
    fresh = [s for s in scenes if s.pop("text_changed")]
    for s in scenes:
        s["embedding"] = None
    if fresh:
        vectors = embedder.embed([s["text"] for s in fresh]).tolist()
        for s, v in zip(fresh, vectors, strict=True):
            s["embedding"] = v


def scene_changes(
    fitted: Sequence[dict[str, Any]], stored: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The scenes of a refit (rows with id, text, size, terms, entities, members,
    representatives) that differ from the stored ones, as writes: each with the members it
    gained (``added``) and lost (``removed``), and ``text_changed`` (its vector must be
    recomputed). A scene stored exactly as fitted is left out."""
    by_id = {s["id"]: s for s in stored}
    out = []
    for scene in fitted:
        old = by_id.get(scene["id"])
        members = set(scene["members"])
        before = set(old["members"]) if old else set()
        if old is not None and _same_scene(old, scene) and members == before:
            continue
        out.append(
            {
                **{k: v for k, v in scene.items() if k != "members"},
                "added": sorted(members - before),
                "removed": sorted(before - members),
                "text_changed": old is None or old["text"] != scene["text"],
            }
        )
    return out


def _same_scene(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return all(old[k] == new[k] for k in ("text", "size", "terms", "entities")) and set(
        old["representatives"]
    ) == set(new["representatives"])
