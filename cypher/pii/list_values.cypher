// Every placeholder of an owner with its encrypted original (the export restores them).
// Params: $user_id
// Returns: placeholder, ciphertext
MATCH (p:PiiValue {user_id: $user_id})
RETURN p.placeholder AS placeholder, p.ciphertext AS ciphertext
