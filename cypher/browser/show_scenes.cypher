// Strata · 4 · scenes and clusters
// The user's active scenes (GMM clusters across granularities) with their members and the
// scene insight that summarises each one.
// Set the user first:  :param user_id => 'default:alice'
MATCH (sc:Scene {user_id: $user_id})
WHERE NOT coalesce(sc.retired, false)
OPTIONAL MATCH m = (sc)-[:HAS_MEMBER]->()
OPTIONAL MATCH i = (sc)-[:HAS_INSIGHT]->(:Insight)
RETURN sc, m, i
LIMIT 400
