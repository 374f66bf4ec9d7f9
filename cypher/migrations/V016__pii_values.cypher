// Personal data masked at ingest (STRATA_PII=mask, ingest/pii.py): one PiiValue per original an
// owner's memory mentioned, {user_id, hmac, kind, number, placeholder, ciphertext}. The HMAC and
// the ciphertext need STRATA_PII_KEY, which is never stored. One placeholder per value, one
// value per placeholder, per owner.
CREATE CONSTRAINT pii_value_hmac IF NOT EXISTS
FOR (n:PiiValue) REQUIRE (n.user_id, n.hmac) IS UNIQUE;
CREATE CONSTRAINT pii_value_placeholder IF NOT EXISTS
FOR (n:PiiValue) REQUIRE (n.user_id, n.placeholder) IS UNIQUE;
CREATE INDEX pii_value_owner IF NOT EXISTS FOR (n:PiiValue) ON (n.user_id);
