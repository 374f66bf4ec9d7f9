"""Personal data in text: find it, and hold the originals encrypted (``STRATA_PII=mask``).

Detection is deterministic and precise rather than eager (a false placeholder costs recall,
a missed value leaks): emails (pattern), phone numbers (the ``phonenumbers`` library, valid
numbers only), payment card numbers (13–19 digits passing Luhn), IBANs (mod-97 checksum), US
social security numbers (dashed ``AAA-GG-SSSS`` shape with the ranges never issued excluded)
and street addresses (a house number, capitalised street name words and a street suffix).

The vault holds ``STRATA_PII_KEY``, a Fernet key (44 url-safe base64 characters, as printed by
``Fernet.generate_key()``): originals are encrypted with it, and an HMAC under a key derived
from it names each original, so the graph never sees a value, nor a plain hash of one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken

from strata.graph.errors import ConfigError

PHONE_REGION = "US"  # numbers written without a country code are read as US numbers
KEY_HELP = (
    "STRATA_PII_KEY must be a Fernet key (44 url-safe base64 characters); make one with "
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class PiiKind(StrEnum):
    """Placeholder types, in the order overlapping matches are resolved (first wins)."""

    EMAIL = "EMAIL"
    IBAN = "IBAN"
    CARD = "CARD"
    SSN = "SSN"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"


PLACEHOLDER = re.compile(r"<(" + "|".join(k.value for k in PiiKind) + r")_(\d+)>")


@dataclass(frozen=True)
class Span:
    kind: PiiKind
    start: int
    end: int
    value: str  # exactly as written: the export restores it byte for byte


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Parkway|Pkwy|Square|Sq)"
)
_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:(?:[NSEW]\.?|North|South|East|West)\s+)?"
    r"(?:[A-Z][a-z]+\s+){1,3}" + _SUFFIX + r"\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Unit)\.?\s*#?\w+)?"
)
_DIGITS = re.compile(r"\d")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def detect(text: str) -> list[Span]:
    """Non-overlapping spans of personal data, in text order."""
    found: list[Span] = [
        Span(PiiKind.EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)
    ]
    found += [
        Span(PiiKind.IBAN, m.start(), m.end(), m.group())
        for m in _IBAN.finditer(text)
        if iban_ok(m.group())
    ]
    found += [
        Span(PiiKind.CARD, m.start(), m.end(), m.group())
        for m in _CARD.finditer(text)
        if luhn_ok(re.sub(r"\D", "", m.group()))
    ]
    found += [Span(PiiKind.SSN, m.start(), m.end(), m.group()) for m in _SSN.finditer(text)]
    if len(_DIGITS.findall(text)) >= 7:  # the matcher is slow; no phone has fewer digits
        found += [
            Span(PiiKind.PHONE, m.start, m.end, m.raw_string)
            for m in phonenumbers.PhoneNumberMatcher(
                text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID
            )
        ]
    found += [Span(PiiKind.ADDRESS, m.start(), m.end(), m.group()) for m in _ADDRESS.finditer(text)]
    return _first_wins(found)


def _first_wins(found: list[Span]) -> list[Span]:
    """Drop spans that overlap one found by an earlier (more specific) detector."""
    kept: list[Span] = []
    for s in found:  # already in PiiKind order
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


def replace(text: str, spans: list[Span], placeholders: dict[tuple[PiiKind, str], str]) -> str:
    """``text`` with each span replaced by its placeholder."""
    out, at = [], 0
    for s in spans:
        out += [text[at : s.start], placeholders[(s.kind, s.value)]]
        at = s.end
    out.append(text[at:])
    return "".join(out)


def restore(text: str, originals: dict[str, str]) -> str:
    """Placeholders back to the originals they stand for (unknown ones stay as they are)."""
    return PLACEHOLDER.sub(lambda m: originals.get(m.group(), m.group()), text)


class Vault:
    """The key held outside Neo4j: encrypts originals and names them by a keyed hash."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ConfigError(f"invalid STRATA_PII_KEY: {KEY_HELP}") from None
        self._mac_key = hmac.new(key.encode("ascii"), b"strata pii hmac", hashlib.sha256).digest()

    def name(self, owner: str, kind: PiiKind, value: str) -> str:
        """The HMAC that finds a value's placeholder (per owner, so users share nothing)."""
        msg = "\x1f".join((owner, kind.value, value)).encode("utf-8")
        return hmac.new(self._mac_key, msg, hashlib.sha256).hexdigest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ConfigError(
                "STRATA_PII_KEY does not open the stored personal data (another key?)"
            ) from None
