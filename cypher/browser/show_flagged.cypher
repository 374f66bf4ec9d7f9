// Strata · 8 · flagged content: possible injections
// Turns and agent steps that address an AI with orders (flag 'instruction'; the turn's
// flag_spans say where: its text or an attachment), with the interaction or run they came in.
// Their role says who said them (user, assistant, tool, ...). They are kept as evidence and
// never promoted into facts or lessons.
// Set the user first:  :param user_id => 'default:alice'
MATCH p = (:Interaction {user_id: $user_id})-[:HAS_TURN]->(t:Turn)
WHERE 'instruction' IN coalesce(t.flags, [])
RETURN p
LIMIT 300
UNION
MATCH p = (:Run {user_id: $user_id})-[:HAS_STEP]->(s:Step)
WHERE 'instruction' IN coalesce(s.flags, [])
RETURN p
LIMIT 300
