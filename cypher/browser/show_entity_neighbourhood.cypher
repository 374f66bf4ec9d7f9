// Strata · 5 · an entity's neighbourhood
// One entity of the user (by name, any case), the turns that mention it, the other entities
// those turns mention, and the facts and events about it.
// Set the parameters first:  :param user_id => 'default:alice'   :param entity => 'Paris'
MATCH (e:Entity {user_id: $user_id})
WHERE toLower(e.name) = toLower($entity)
MATCH m = (e)<-[:MENTIONS]-(t:Turn)
OPTIONAL MATCH o = (t)-[:MENTIONS]->(:Entity)
OPTIONAL MATCH f = (e)<-[:ABOUT]-(:Fact)
OPTIONAL MATCH v = (e)<-[:INVOLVES]-(:Event)
RETURN m, o, f, v
LIMIT 200
