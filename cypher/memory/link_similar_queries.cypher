// Query -SIMILAR_TO-> earlier similar queries of the same user (G-Memory: top 10, cosine >= $min).
// Candidates come from the query_text full-text index with the owner required inside Lucene
// ($units.lucene = "+user_key:<key> +(text:w1 ...)", built by query.lucene.for_user), then the
// embedding cosine decides. "Earlier" = not after the query's own time, so re-runs agree.
// Params: $units [{id, user_id, time, lucene, embedding}], $fetch, $top, $min
// Returns: links
UNWIND $units AS u
CALL db.index.fulltext.queryNodes('query_text', u.lucene, {limit: $fetch}) YIELD node
WITH u, node
WHERE node.user_id = u.user_id AND node.id <> u.id AND (u.time IS NULL OR node.time <= u.time)
WITH u, node, vector.similarity.cosine(u.embedding, node.embedding) AS score
WHERE score >= $min
WITH u, node, score ORDER BY score DESC
WITH u, collect({node: node, score: score})[..$top] AS similar
MATCH (a:Query {id: u.id, user_id: u.user_id})
UNWIND similar AS s
WITH a, s.node AS b, s.score AS score
MERGE (a)-[l:SIMILAR_TO]->(b)
SET l.score = round(score, 4)
RETURN count(l) AS links
