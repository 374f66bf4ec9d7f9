// Forget, one batch: detach and delete up to $batch nodes of one owner from the known labels
// (indexed lookups, never a scan of all nodes). Run until it returns no rows.
// Params: $user_id, $batch, $labels (label preference order for counting)
// Returns: label, deleted
CALL {
  MATCH (n:Turn {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Segment {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Interaction {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Fact {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Event {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Query {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Insight {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Scene {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:SceneModel {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Entity {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Task {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Run {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Step {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:Lesson {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:EnrichmentPending {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:WriterLock {user_id: $user_id}) RETURN n
  UNION ALL
  MATCH (n:PiiValue {user_id: $user_id}) RETURN n
}
WITH DISTINCT n
LIMIT $batch
WITH n, coalesce([l IN $labels WHERE l IN labels(n)][0], labels(n)[0]) AS label
DETACH DELETE n
RETURN label AS label, count(*) AS deleted
