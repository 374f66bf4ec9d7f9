// ASSOCIATED links chosen by the GMM (undirected: MERGE finds an existing link either way), and
// every unit that went through association marked associated_at, links or not.
// Params: $rows [{a, b, score, user_id}], $done [{id, user_id}]
CALL () {
  UNWIND $rows AS r
  MATCH (a:Unit {id: r.a}), (b:Unit {id: r.b}) USING INDEX a:Unit(id) USING INDEX b:Unit(id)
  WHERE a.user_id = r.user_id AND b.user_id = r.user_id
  MERGE (a)-[l:ASSOCIATED]-(b)
  SET l.score = r.score
  RETURN count(l) AS links
}
CALL (links) {
  UNWIND $done AS d
  MATCH (u:Unit {id: d.id}) USING INDEX u:Unit(id)
  WHERE u.user_id = d.user_id AND u.associated_at IS NULL
  SET u.associated_at = datetime()
}
RETURN links
