// Per user: how many clusterable units there are, and how many there were at the last scene fit.
// Params: $users [user ids]
// Returns: user_id, total, fitted, members (JSON of the last fit, or null)
UNWIND $users AS uid
CALL (uid) {
  MATCH (u:Segment {user_id: uid}) RETURN count(u) AS n
  UNION ALL
  MATCH (u:Interaction {user_id: uid}) RETURN count(u) AS n
  UNION ALL
  MATCH (u:Fact {user_id: uid}) RETURN count(u) AS n
}
WITH uid, sum(n) AS total
OPTIONAL MATCH (s:SceneModel {user_id: uid})
RETURN uid AS user_id, total AS total, coalesce(s.fitted_units, 0) AS fitted,
       s.members AS members
