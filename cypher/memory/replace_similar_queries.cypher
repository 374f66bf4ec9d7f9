// Recomputed SIMILAR_TO links of one user's affected queries (ingest.links, G-Memory's query
// graph): their outgoing links go, the chosen ones (to earlier queries) are merged, and every
// affected query is marked similar_at.
// Params: $user_id, $affected [query ids], $rows [{a, b, score}]
// Returns: links
CALL () {
  UNWIND $affected AS id
  MATCH (q:Query {id: id}) USING INDEX q:Query(id)
  WHERE q.user_id = $user_id
  SET q.similar_at = datetime()
  WITH q
  MATCH (q)-[l:SIMILAR_TO]->()
  DELETE l
}
CALL () {
  UNWIND $rows AS r
  MATCH (a:Query {id: r.a}), (b:Query {id: r.b}) USING INDEX a:Query(id) USING INDEX b:Query(id)
  WHERE a.user_id = $user_id AND b.user_id = $user_id
  MERGE (a)-[l:SIMILAR_TO]->(b)
  SET l.score = r.score
  RETURN count(l) AS links
}
RETURN links AS links
