// Record new personal values of an owner: the placeholder that stands for each and its
// original, encrypted (the key is not in the graph). MERGE on (owner, HMAC): a retry, or a
// value another writer recorded first, keeps the placeholder already stored, returned here.
// Params: $user_id, $rows [{hmac, kind, number, placeholder, ciphertext}]
// Returns: hmac, placeholder
UNWIND $rows AS row
MERGE (p:PiiValue {user_id: $user_id, hmac: row.hmac})
  ON CREATE SET p.kind = row.kind, p.number = row.number, p.placeholder = row.placeholder,
                p.ciphertext = row.ciphertext
RETURN row.hmac AS hmac, p.placeholder AS placeholder
