// Downward traversal: the turns an insight rests on, with whether each agrees or contradicts.
// Persona insights: SUPPORTED_BY / CONTRADICTED_BY facts → their turns. Scene insights:
// representative units (segments → their turns, facts → their turns).
// Params: $user_id, $insight_id, $limit
// Returns: turn_id, source_id, interaction_id, text, time, agrees
MATCH (i:Insight {id: $insight_id})
WHERE i.user_id = $user_id
CALL (i) {
  MATCH (i)-[:SUPPORTED_BY]->(:Fact)-[:EVIDENCED_BY]->(t:Turn)
  RETURN t, true AS agrees
  UNION
  MATCH (i)-[:CONTRADICTED_BY]->(:Fact)-[:EVIDENCED_BY]->(t:Turn)
  RETURN t, false AS agrees
  UNION
  MATCH (i)-[:SUPPORTED_BY]->(:Segment)<-[:IN_SEGMENT]-(t:Turn)
  RETURN t, true AS agrees
}
WITH t, agrees
WHERE t.user_id = $user_id
RETURN t.id AS turn_id, t.source_id AS source_id, t.interaction_id AS interaction_id,
       t.text AS text, t.time AS time, agrees AS agrees
ORDER BY time, turn_id
LIMIT $limit
