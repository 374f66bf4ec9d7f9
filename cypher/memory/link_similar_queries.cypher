// Query -SIMILAR_TO-> earlier similar queries of the same user (G-Memory: top 10, cosine >= $min).
// Candidates come from the query_text full-text index with the owner required inside Lucene
// ($units.lucene = "+user_key:<key> +(text:w1 ...)", built by query.lucene.for_user), then the
// embedding cosine decides. "Earlier" = not after the query's own time. A query is linked once,
// when it arrives (similar_at marks it), so re-ingesting adds nothing even though Lucene's
// ranking of candidates shifts as the index grows.
// Params: $units [{id, user_id, time, lucene, embedding}], $fetch, $top, $min
// Returns: links
UNWIND $units AS u
MATCH (a:Query {id: u.id, user_id: u.user_id}) USING INDEX a:Query(id)
WHERE a.similar_at IS NULL
SET a.similar_at = datetime()
WITH a, u
CALL (a, u) {
  CALL db.index.fulltext.queryNodes('query_text', u.lucene, {limit: $fetch}) YIELD node
  WITH node
  WHERE node.user_id = u.user_id AND node.id <> u.id AND (u.time IS NULL OR node.time <= u.time)
  WITH node, vector.similarity.cosine(u.embedding, node.embedding) AS score
  WHERE score >= $min
  WITH node, score ORDER BY score DESC LIMIT $top
  MERGE (a)-[l:SIMILAR_TO]->(node)
  SET l.score = round(score, 4)
  RETURN count(l) AS links
}
RETURN sum(links) AS links
