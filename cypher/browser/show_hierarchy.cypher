// Strata · 1 · a user's memory hierarchy
// The newest interactions of one user with their segments, turns, the entities those turns
// mention and the facts they evidence: the tiers of the model in one picture.
// Set the user first:  :param user_id => 'default:alice'
MATCH (i:Interaction {user_id: $user_id})
WITH i ORDER BY i.started_at DESC LIMIT 3
MATCH p1 = (i)-[:HAS_SEGMENT]->(s:Segment)<-[:IN_SEGMENT]-(t:Turn)
OPTIONAL MATCH p2 = (t)-[:MENTIONS]->(:Entity)
OPTIONAL MATCH p3 = (t)<-[:EVIDENCED_BY]-(:Fact)
RETURN p1, p2, p3
