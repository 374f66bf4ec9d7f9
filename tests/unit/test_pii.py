"""Personal data detection, placeholders and the key (STRATA_PII=mask), no Neo4j."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from strata.graph.errors import ConfigError
from strata.graph.settings import Settings
from strata.ingest.masking import masker, vault
from strata.ingest.pii import PiiKind, Vault, detect, iban_ok, luhn_ok, replace, restore

FULL = (
    "Write to jane.doe@example.com or call (415) 555-2671 or +44 20 7946 0958. My card is "
    "4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, and I live at "
    "742 Evergreen Terrace, Apt 3."
)


def kinds(text: str) -> list[tuple[PiiKind, str]]:
    return [(s.kind, s.value) for s in detect(text)]


def test_each_kind_is_found_exactly_as_written() -> None:
    assert kinds(FULL) == [
        (PiiKind.EMAIL, "jane.doe@example.com"),
        (PiiKind.PHONE, "(415) 555-2671"),
        (PiiKind.PHONE, "+44 20 7946 0958"),
        (PiiKind.CARD, "4111 1111 1111 1111"),
        (PiiKind.IBAN, "DE89 3704 0044 0532 0130 00"),
        (PiiKind.SSN, "123-45-6789"),
        (PiiKind.ADDRESS, "742 Evergreen Terrace, Apt 3"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 kids, 2 cats and turned 32 in 2019.",
        "The order number is 1234 5678 9012 3456.",  # fails Luhn
        "Account DE00 3704 0044 0532 0130 00 was closed.",  # fails mod-97
        "Ticket 000-12-3456 and 666-12-3456 are not SSNs.",
        "We met on 2023-05-12 at 10:30 and walked 5 miles down the road.",
        "I moved to Lisbon last month and work at Google.",
        "Call me later, my number changed.",
    ],
)
def test_ordinary_conversation_is_left_alone(text: str) -> None:
    assert detect(text) == []


def test_checksums() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB82 WEST 1234 5698 7654 33")


def test_replace_then_restore_gives_the_exact_text() -> None:
    spans = detect(FULL)
    names = {(s.kind, s.value): f"<{s.kind.value}_{n}>" for n, s in enumerate(spans, 1)}
    masked = replace(FULL, spans, names)
    assert all(s.value not in masked for s in spans)
    assert "<EMAIL_1>" in masked and "<ADDRESS_7>" in masked
    assert restore(masked, {v: k[1] for k, v in names.items()}) == FULL


def test_the_keyed_name_is_stable_per_owner_and_reveals_nothing() -> None:
    key = Fernet.generate_key().decode()
    v, other = Vault(key), Vault(Fernet.generate_key().decode())
    email = "jane.doe@example.com"
    name = v.name("t:alice", PiiKind.EMAIL, email)
    assert name == Vault(key).name("t:alice", PiiKind.EMAIL, email)
    assert name != v.name("t:bob", PiiKind.EMAIL, email)
    assert name != other.name("t:alice", PiiKind.EMAIL, email)
    assert email not in name


def test_encryption_round_trip_needs_the_key() -> None:
    key = Fernet.generate_key().decode()
    token = Vault(key).encrypt("123-45-6789")
    assert "123-45-6789" not in token
    assert Vault(key).decrypt(token) == "123-45-6789"
    with pytest.raises(ConfigError, match="does not open"):
        Vault(Fernet.generate_key().decode()).decrypt(token)


def test_mask_without_a_valid_key_is_a_one_line_config_error() -> None:
    with pytest.raises(ConfigError, match="STRATA_PII=mask needs STRATA_PII_KEY") as missing:
        masker(graph=None, settings=Settings(pii="mask"))  # type: ignore[arg-type]
    assert "\n" not in str(missing.value)
    with pytest.raises(ConfigError, match="invalid STRATA_PII_KEY"):
        vault(Settings(pii="mask", pii_key="not-a-fernet-key"))
    assert masker(graph=None, settings=Settings()) is None  # type: ignore[arg-type]


def test_a_process_with_mask_and_no_key_stops_at_start() -> None:
    from strata.api.runtime import ready

    with pytest.raises(ConfigError, match="STRATA_PII=mask needs STRATA_PII_KEY"):
        ready(Settings(pii="mask"))  # before any server is started or reached
