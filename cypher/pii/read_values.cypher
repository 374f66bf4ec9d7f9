// Placeholders already given to some of an owner's personal values, found by their HMAC (the
// plain value is never sent), and the highest number given so far per kind.
// Params: $user_id, $hmacs (list of HMAC hex strings)
// Returns: hmac, placeholder (null for the per-kind rows), kind, number
MATCH (p:PiiValue {user_id: $user_id})
RETURN CASE WHEN p.hmac IN $hmacs THEN p.hmac END AS hmac,
       CASE WHEN p.hmac IN $hmacs THEN p.placeholder END AS placeholder,
       p.kind AS kind, p.number AS number
