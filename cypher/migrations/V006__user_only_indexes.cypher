// Composite range indexes hold only nodes whose every indexed property is set; a Turn without
// source_id or an Interaction without started_at would be missed by a user_id-only lookup.
CREATE INDEX turn_user_only IF NOT EXISTS FOR (n:Turn) ON (n.user_id);
CREATE INDEX interaction_user_only IF NOT EXISTS FOR (n:Interaction) ON (n.user_id);
CREATE INDEX entity_user_only IF NOT EXISTS FOR (n:Entity) ON (n.user_id);
CREATE INDEX fact_user_only IF NOT EXISTS FOR (n:Fact) ON (n.user_id);
CREATE INDEX unit_user IF NOT EXISTS FOR (n:Unit) ON (n.user_id);
