// Turn -IN_SEGMENT-> Segment, after merge_turns and merge_segments. A statement of its own: read
// after merge_segments' SETs in one statement, the turns made the planner add an Eager that, in
// a plan made on an empty database, buffered every (segment, turn) row with the segment's
// embedding (13 s for 2,760 turns instead of 0.7 s).
// Params: $rows [{id, user_id, turn_ids}]
UNWIND $rows AS r
MATCH (s:Segment {id: r.id, user_id: r.user_id}) USING INDEX s:Segment(id)
UNWIND r.turn_ids AS turn_id
MATCH (t:Turn {id: turn_id, user_id: r.user_id}) USING INDEX t:Turn(id)
MERGE (t)-[:IN_SEGMENT]->(s)
RETURN count(*) AS links
