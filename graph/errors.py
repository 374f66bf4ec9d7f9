"""The one error tree of Strata. The HTTP layer maps each class to a status in one place.

StrataError
├── ConfigError            bad settings or environment (missing Java, bad key file)
├── Neo4jUnavailable       the server cannot be reached or started        → 503
├── SchemaError            migrations missing, changed, or failed         → 503
├── CypherError            a statement failed for a reason that is ours   → 500
├── InvariantError         stored data breaks an invariant (ours, not the → 500
│                          client's: never a 4xx)
├── StaleRead              what a write was computed from changed meanwhile → 503
│                          (retried inside Strata; surfaces only if it never settles)
├── ValidationError        bad input: names source, item and field        → 400/422
├── NotFound               the user or item does not exist                → 404
├── Unauthorized           no API key, or an unknown one                  → 401
├── Forbidden              the key may not touch that tenant              → 403
└── LimitExceeded          too big, too many, too slow                    → 413
    ├── RateLimited        too many requests for one API key              → 429
    └── TimeBudgetExceeded a search ran past its time budget              → 503
"""

from __future__ import annotations


class StrataError(Exception):
    """Root of every error Strata raises on purpose."""


class ConfigError(StrataError):
    pass


class Neo4jUnavailable(StrataError):
    pass


class SchemaError(StrataError):
    pass


class CypherError(StrataError):
    pass


class InvariantError(StrataError):
    """What Strata stored contradicts what it relies on (e.g. embeddings of two sizes)."""


class StaleRead(StrataError):
    """A write computed from a read found what it read changed meanwhile; nothing was
    written: read again."""


class ValidationError(StrataError):
    """Bad input. ``where`` names the file/item/field, so the user can find it."""

    def __init__(self, message: str, *, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.reason = message


class NotFound(StrataError):
    pass


class Unauthorized(StrataError):
    pass


class Forbidden(StrataError):
    pass


class LimitExceeded(StrataError):
    def __init__(self, message: str, *, status: int = 413) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(LimitExceeded):
    """Too many requests for one API key (→ 429 with Retry-After)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limit exceeded; retry in {retry_after:.1f} s", status=429)
        self.retry_after = retry_after


class TimeBudgetExceeded(LimitExceeded):
    """A search ran past its time budget (→ 503 with Retry-After)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"search did not finish within its {seconds:g} s budget; retry later or "
            "ask a narrower question",
            status=503,
        )
        self.retry_after = 1.0
