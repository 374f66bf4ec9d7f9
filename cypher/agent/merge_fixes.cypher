// Link a failed tool call to the later call of the same tool that succeeded.
// Params: $rows [{failed, fix}] (step ids)
// Returns: fixes
UNWIND $rows AS f
MATCH (a:Step {id: f.failed}), (b:Step {id: f.fix})
MERGE (a)-[:FIXED_BY]->(b)
RETURN count(*) AS fixes
