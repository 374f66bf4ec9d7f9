// Strata · 6 · insights and their evidence
// Persona and scene insights of the user with the facts and units that support or contradict
// them (support rises with agreeing evidence and falls with contradicting evidence).
// Set the user first:  :param user_id => 'default:alice'
MATCH (i:Insight {user_id: $user_id})
WHERE NOT coalesce(i.retired, false)
OPTIONAL MATCH s = (i)-[:SUPPORTED_BY]->()
OPTIONAL MATCH c = (i)-[:CONTRADICTED_BY]->()
RETURN i, s, c
LIMIT 300
