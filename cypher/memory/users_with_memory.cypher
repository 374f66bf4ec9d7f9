// Which of the given users already have memory (at least one interaction).
// Params: $users [user ids]
// Returns: user_id
UNWIND $users AS uid
CALL (uid) {
  MATCH (i:Interaction {user_id: uid})
  RETURN i LIMIT 1
}
RETURN uid AS user_id
