"""The library's HTTP backend: the same calls as in process, against a running ``strata serve``.

Each error status of the API maps back to its class in the one error tree, so callers catch the
same exceptions whichever backend ``Memory`` uses.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from strata.api.http.agent import OutcomeOut, RecallOut, RunBody, RunsOut
from strata.api.http.schemas import (
    ForgetOut,
    IngestOut,
    InteractionBatch,
    InteractionBody,
    InteractionDeleted,
    MessageDeleted,
    PersonaOut,
    SearchOut,
)
from strata.graph import errors
from strata.ingest.agent_models import Outcome

Line = dict[str, Any]

_STATUS: dict[int, type[errors.StrataError]] = {
    400: errors.ValidationError,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    413: errors.LimitExceeded,
    422: errors.ValidationError,
    429: errors.LimitExceeded,
    503: errors.Neo4jUnavailable,
}


class Remote:
    """Over HTTP, against ``strata serve``; error statuses become the error tree again."""

    def __init__(self, base_url: str, api_key: str | None, timeout: float) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def _call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            r = self.http.request(method, path, **kw)
        except httpx.TransportError as e:
            raise errors.Neo4jUnavailable(f"Strata server not reachable: {e}") from e
        if r.status_code >= 400:
            raise _error(r)
        return r

    def add(
        self, user_id: str, body: InteractionBody | InteractionBatch, wait: bool = False
    ) -> IngestOut:
        payload = body.model_dump(mode="json", exclude_none=True)
        params = {"wait": "true"} if wait else None
        r = self._call("POST", f"/v1/users/{user_id}/interactions", json=payload, params=params)
        return IngestOut.model_validate(r.json())

    def search(
        self, user_id: str, query: str, k: int, as_of: datetime | None, explain: bool
    ) -> SearchOut:
        body = {"query": query, "k": k, "explain": explain}
        if as_of is not None:
            body["as_of"] = as_of.isoformat()
        r = self._call("POST", f"/v1/users/{user_id}/search", json=body)
        return SearchOut.model_validate(r.json())

    def persona(self, user_id: str, limit: int) -> PersonaOut:
        r = self._call("GET", f"/v1/users/{user_id}/persona", params={"limit": limit})
        return PersonaOut.model_validate(r.json())

    def export(self, user_id: str) -> list[Line]:
        r = self._call("GET", f"/v1/users/{user_id}/export")
        return [json.loads(line) for line in r.text.splitlines() if line]

    def forget(self, user_id: str) -> ForgetOut:
        return ForgetOut.model_validate(self._call("DELETE", f"/v1/users/{user_id}").json())

    def delete_interaction(self, user_id: str, interaction_id: str) -> InteractionDeleted:
        path = f"/v1/users/{user_id}/interactions/{quote(interaction_id, safe='')}"
        return InteractionDeleted.model_validate(self._call("DELETE", path).json())

    def delete_message(self, user_id: str, interaction_id: str, message_id: str) -> MessageDeleted:
        path = (
            f"/v1/users/{user_id}/interactions/{quote(interaction_id, safe='')}"
            f"/messages/{quote(message_id, safe='')}"
        )
        return MessageDeleted.model_validate(self._call("DELETE", path).json())

    def record_run(self, user_id: str, body: RunBody) -> RunsOut:
        payload = body.model_dump(mode="json", exclude_none=True)
        return RunsOut.model_validate(
            self._call("POST", f"/v1/users/{user_id}/runs", json=payload).json()
        )

    def report_outcome(self, user_id: str, run_id: str, outcome: Outcome) -> OutcomeOut:
        path = f"/v1/users/{user_id}/runs/{quote(run_id, safe='')}/outcome"
        payload = outcome.model_dump(mode="json", exclude_none=True)
        return OutcomeOut.model_validate(self._call("POST", path, json=payload).json())

    def recall_for_task(self, user_id: str, task: str, k: int) -> RecallOut:
        r = self._call("POST", f"/v1/users/{user_id}/recall", json={"task": task, "k": k})
        return RecallOut.model_validate(r.json())

    def close(self) -> None:
        self.http.close()


def _error(r: httpx.Response) -> errors.StrataError:
    try:
        detail = r.json()["error"]
        message, where = str(detail["message"]), str(detail.get("where") or "")
    except (ValueError, KeyError, TypeError):
        message, where = r.text[:200] or r.reason_phrase, ""
    cls = _STATUS.get(r.status_code, errors.StrataError)
    if cls is errors.ValidationError:
        return errors.ValidationError(message, where=where)
    if cls is errors.LimitExceeded:
        return errors.LimitExceeded(message, status=r.status_code)
    return cls(f"{r.status_code}: {message}")
