// How many clusterable units a user has, and how many there were at the last scene fit.
// Params: $user_id
// Returns: total, fitted
CALL (){
  MATCH (u:Segment {user_id: $user_id}) RETURN count(u) AS n
  UNION ALL
  MATCH (u:Interaction {user_id: $user_id}) RETURN count(u) AS n
  UNION ALL
  MATCH (u:Fact {user_id: $user_id}) RETURN count(u) AS n
}
WITH sum(n) AS total
OPTIONAL MATCH (s:SceneModel {user_id: $user_id})
RETURN total AS total, coalesce(s.fitted_units, 0) AS fitted, s.members AS members
