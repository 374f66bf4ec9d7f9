// Every age, birth date and age gap the user stated about the given people (subject keys), for
// the sheaf: a birth year said months ago bounds the age in today's answer. Facts not yet
// stated at $as_of are left out.
// Params: $user_id, $subjects [subject keys], $predicates [numeric predicates], $limit
// Returns ONE row: facts, a list shaped like query/facts_for_turns (times in epoch ms)
UNWIND $subjects AS subject
MATCH (f:Fact {user_id: $user_id, subject_key: subject})
WHERE f.predicate IN $predicates
  AND ($as_of IS NULL OR f.valid_from IS NULL OR f.valid_from <= $as_of)
WITH DISTINCT f LIMIT $limit
MATCH (f)-[:EVIDENCED_BY]->(t:Turn)
WITH f, collect(t.id) AS evidence, min(t.time).epochMillis AS stated_at
RETURN collect({id: f.id, subject: f.subject_key, subject_name: f.subject,
                predicate: f.predicate, object: f.object, polarity: f.polarity, about: false,
                valid_from: f.valid_from.epochMillis, valid_to: f.valid_to.epochMillis,
                confidence: f.confidence,
                text: f.text, evidence: evidence, stated_at: stated_at}) AS facts
