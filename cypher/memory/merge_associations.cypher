// ASSOCIATED links chosen by the GMM (undirected: MERGE finds an existing link either way).
// Params: $rows [{a, b, score, user_id}]
UNWIND $rows AS r
MATCH (a:Unit {id: r.a}), (b:Unit {id: r.b})
WHERE a.user_id = r.user_id AND b.user_id = r.user_id
MERGE (a)-[l:ASSOCIATED]-(b)
SET l.score = r.score
RETURN count(l) AS links
