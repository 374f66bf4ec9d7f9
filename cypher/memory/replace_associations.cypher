// Recomputed GMM links of one user's affected units (ingest.links): their old ASSOCIATED links
// go, the chosen ones are merged (undirected), and every affected unit is marked associated_at.
// No unaffected unit ever chose an affected one (it is earlier), so no other link is lost.
// Params: $user_id, $affected [unit ids], $rows [{a, b, score}]
// Returns: links
CALL () {
  UNWIND $affected AS id
  MATCH (u:Unit {id: id}) USING INDEX u:Unit(id)
  WHERE u.user_id = $user_id
  SET u.associated_at = datetime()
  WITH u
  MATCH (u)-[l:ASSOCIATED]-()
  WITH DISTINCT l
  DELETE l
}
CALL () {
  UNWIND $rows AS r
  MATCH (a:Unit {id: r.a}), (b:Unit {id: r.b}) USING INDEX a:Unit(id) USING INDEX b:Unit(id)
  WHERE a.user_id = $user_id AND b.user_id = $user_id
  MERGE (a)-[l:ASSOCIATED]-(b)
  SET l.score = r.score
  RETURN count(l) AS links
}
RETURN links AS links
