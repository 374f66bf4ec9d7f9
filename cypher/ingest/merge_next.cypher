// Link consecutive turns of one interaction.
// Params: $rows [{a, b, user_id}]
UNWIND $rows AS r
MATCH (a:Turn {id: r.a, user_id: r.user_id}), (b:Turn {id: r.b, user_id: r.user_id})
USING INDEX a:Turn(id) USING INDEX b:Turn(id)
MERGE (a)-[:NEXT]->(b)
RETURN count(*) AS links
