// The turns a background extraction read are extracted now: their pending mark goes. A turn
// edited (or forgotten) since it was read is stale, and the caller rolls the whole
// transaction back and reads again, so rows of an old text never land.
// Params: $rows [{id, user_id, raw_text, attachments_json}]
// Returns: claimed, stale
UNWIND $rows AS r
OPTIONAL MATCH (t:Turn {id: r.id}) USING INDEX t:Turn(id)
WHERE t.user_id = r.user_id AND t.extract_pending = true AND t.raw_text = r.raw_text
  AND coalesce(t.attachments_json, '') = coalesce(r.attachments_json, '')
SET t.extract_pending = null
RETURN count(t) AS claimed, count(r) - count(t) AS stale
