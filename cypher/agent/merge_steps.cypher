// Upsert the steps of runs (interaction tier): messages and tool calls with their results.
// Params: $rows [{id, run_id, user_id, user_key, seq, role, agent, kind, text, tool, call_id,
//   arguments, result, failed, state_changing, key, flags}] (call_id: the tool call's id as the
//   run gave it; flags: ['instruction'] when the step or its tool result addresses an AI with orders)
// Returns: steps
UNWIND $rows AS s
MATCH (r:Run {id: s.run_id})
MERGE (st:Step {id: s.id})
SET st.user_id = s.user_id, st.user_key = s.user_key, st.run_id = s.run_id, st.seq = s.seq, st.role = s.role,
    st.agent = s.agent, st.kind = s.kind, st.text = s.text, st.tool = s.tool, st.call_id = s.call_id,
    st.arguments = s.arguments, st.result = s.result, st.failed = s.failed,
    st.state_changing = s.state_changing, st.key = s.key, st.flags = s.flags
MERGE (r)-[:HAS_STEP]->(st)
RETURN count(st) AS steps
