"""``strata bench locomo``: ingest LoCoMo, then measure retrieval against BM25 in the same run.

Metric (LoCoMo README): for every category 1–4 question with evidence, turn-level
recall@k = |evidence ∩ top-k source_ids| / |evidence|, averaged; session-level recall_all@5 =
share of questions whose every evidence session appears among the top-5 items' sessions.
The BM25 baseline is rank-bm25 over the same turns ("speaker: text [+caption]").
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strata.bench.recall import Bm25, recall
from strata.graph.db import Graph
from strata.ingest.pipeline import Pipeline
from strata.ingest.sources import read_file
from strata.query.plan import PRESETS
from strata.query.planner import Planner

TENANT = "bench"
_EVIDENCE = re.compile(r"D\s*:?\s*(\d+)\s*:\s*(\d+)")


@dataclass(frozen=True)
class Question:
    user: str
    text: str
    category: int
    evidence: frozenset[str]


def questions(data: list[dict[str, Any]]) -> list[Question]:
    out = []
    for sample in data:
        for qa in sample.get("qa", []):
            ev = frozenset(
                f"D{int(s)}:{int(t)}"
                for e in qa.get("evidence", [])
                for s, t in _EVIDENCE.findall(e)
            )
            if qa.get("category") in (1, 2, 3, 4) and ev:
                out.append(Question(sample["sample_id"], qa["question"], qa["category"], ev))
    return out


def _session(source_id: str) -> str:
    return source_id.split(":")[0]


def score(results: list[tuple[Question, list[str]]]) -> dict[str, Any]:
    """Recall@5/@10 and session recall_all@5, overall and per category."""
    by_cat: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for q, top in results:
        r5, r10 = recall(q.evidence, top[:5]), recall(q.evidence, top[:10])
        s5 = float({_session(e) for e in q.evidence} <= {_session(s) for s in top[:5]})
        by_cat["all"].append((r5, r10, s5))
        by_cat[str(q.category)].append((r5, r10, s5))
    return {
        cat: {
            "n": len(rows),
            "R@5": round(statistics.fmean(r[0] for r in rows), 3),
            "R@10": round(statistics.fmean(r[1] for r in rows), 3),
            "session_R_all@5": round(statistics.fmean(r[2] for r in rows), 3),
        }
        for cat, rows in sorted(by_cat.items())
    }


def bm25_baseline(data: list[dict[str, Any]], qs: list[Question]) -> dict[str, Any]:
    index: dict[str, Bm25] = {}
    for sample in data:
        ids, docs = [], []
        for key, turns in sample["conversation"].items():
            if re.fullmatch(r"session_\d+", key) and isinstance(turns, list):
                for t in turns:
                    caption = f" {t['blip_caption']}" if t.get("blip_caption") else ""
                    ids.append(t["dia_id"])
                    docs.append(f"{t['speaker']}: {t['text']}{caption}")
        index[sample["sample_id"]] = Bm25(ids, docs)
    return score([(q, index[q.user].rank(q.text, 10)) for q in qs])


def run_planner(
    planner: Planner, qs: list[Question], preset: str
) -> tuple[dict[str, Any], list[float]]:
    results, latencies = [], []
    for q in qs:
        started = time.perf_counter()
        answer = planner.search(f"{TENANT}:{q.user}", q.text, k=10, preset=PRESETS[preset])
        latencies.append((time.perf_counter() - started) * 1000)
        results.append((q, [i.source_id or "" for i in answer.items]))
    return score(results), latencies


def locomo(
    path: Path,
    graph: Graph,
    pipeline: Pipeline,
    planner: Planner,
    presets: list[str],
    log: Callable[[str], None] = print,
    tenants: int = 1,
) -> dict[str, Any]:
    """``tenants`` > 1: the same conversations are also stored under that many − 1 other
    tenants first (near-duplicates of every unit in the shared indexes); the questions are
    asked in the measured tenant only, so its recall must not fall."""
    data = json.loads(path.read_text(encoding="utf-8"))
    stored = read_file(path, "locomo")
    for n in range(1, tenants):
        pipeline.ingest(
            [it.model_copy(update={"user_id": f"{TENANT}-other{n}:{it.user_id}"}) for it in stored]
        )
        log(f"tenant {n + 1}/{tenants} stored")
    interactions = [it.model_copy(update={"user_id": f"{TENANT}:{it.user_id}"}) for it in stored]
    summary = pipeline.ingest(interactions)
    log(
        f"ingested {summary.turns} turns, {summary.seconds:.1f}s, {summary.turns_per_s:.0f} turns/s"
    )
    qs = questions(data)
    report: dict[str, Any] = {
        "questions": len(qs),
        "tenants": tenants,
        "ingest": summary.as_dict(),
    }
    report["bm25"] = bm25_baseline(data, qs)
    run_planner(planner, qs[:200], "default")  # warm-up: page cache, JIT, query plans, pool
    for preset in presets:
        scores, lat = run_planner(planner, qs, preset)
        report[preset] = scores
        lat.sort()
        report[preset]["latency_ms"] = {
            "p50": round(lat[len(lat) // 2], 1),
            "p95": round(lat[int(len(lat) * 0.95)], 1),
        }
        log(f"{preset}: {json.dumps(scores['all'])} latency {report[preset]['latency_ms']}")
    return report


def markdown(report: dict[str, Any]) -> str:
    rows = [
        "| system | R@5 | R@10 | session R_all@5 | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in report.items():
        if isinstance(r, dict) and "all" in r:
            lat = r.get("latency_ms", {})
            a = r["all"]
            rows.append(
                f"| {name} | {a['R@5']} | {a['R@10']} | {a['session_R_all@5']} "
                f"| {lat.get('p50', '')} | {lat.get('p95', '')} |"
            )
    cats = [
        "| system | "
        + " | ".join(f"cat {c} R@10 (n={report['bm25'][c]['n']})" for c in "1234")
        + " |",
        "|---" * 5 + "|",
    ]
    for name, r in report.items():
        if isinstance(r, dict) and "all" in r:
            cats.append(f"| {name} | " + " | ".join(str(r[c]["R@10"]) for c in "1234") + " |")
    return "\n".join(rows) + "\n\n" + "\n".join(cats)
