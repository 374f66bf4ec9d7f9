// Strata · 2 · persona with validity
// Every persona fact of one user, about which entity, evidenced by which turn, and which
// newer fact superseded it (valid_from/valid_to on the Fact nodes; history is never deleted).
// Set the user first:  :param user_id => 'default:alice'
MATCH (f:Fact {user_id: $user_id})-[a:ABOUT]->(e:Entity)
OPTIONAL MATCH s = (f)-[:SUPERSEDED_BY]->(:Fact)
OPTIONAL MATCH ev = (f)-[:EVIDENCED_BY]->(:Turn)
RETURN f, a, e, s, ev
LIMIT 300
