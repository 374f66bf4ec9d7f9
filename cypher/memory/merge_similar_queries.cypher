// Query -SIMILAR_TO-> earlier similar query (G-Memory: top-10, cosine >= 0.7).
// Params: $rows [{a, b, score, user_id}]
UNWIND $rows AS r
MATCH (a:Query {id: r.a, user_id: r.user_id}), (b:Query {id: r.b, user_id: r.user_id})
MERGE (a)-[l:SIMILAR_TO]->(b)
SET l.score = r.score
RETURN count(l) AS links
