// Strata · 7 · agent lessons and their evidence
// Tasks of an agent (or team) with their lessons (strategy / recovery / optimisation) and the
// runs that support or contradict each; a lesson's score rises with supporting runs.
// Set the agent first:  :param user_id => 'default:airline-agent'
MATCH (t:Task {user_id: $user_id})-[h:HAS_LESSON]->(l:Lesson)
OPTIONAL MATCH s = (l)-[:SUPPORTED_BY]->(:Run)
OPTIONAL MATCH c = (l)-[:CONTRADICTED_BY]->(:Run)
RETURN t, h, l, s, c
LIMIT 300
