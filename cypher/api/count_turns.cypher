// Turns stored per user (the load benchmark's final check of acknowledged ingests).
// Params: $user_ids [owner ids]
// Returns: user_id, turns
UNWIND $user_ids AS uid
RETURN uid AS user_id, COUNT { MATCH (t:Turn {user_id: uid}) } AS turns
