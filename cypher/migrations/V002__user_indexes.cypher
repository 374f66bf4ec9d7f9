// Every statement filters by user_id first: index it on every label.
CREATE INDEX interaction_user IF NOT EXISTS FOR (n:Interaction) ON (n.user_id, n.started_at);
CREATE INDEX turn_user IF NOT EXISTS FOR (n:Turn) ON (n.user_id, n.source_id);
CREATE INDEX entity_user IF NOT EXISTS FOR (n:Entity) ON (n.user_id, n.key);
CREATE INDEX event_user IF NOT EXISTS FOR (n:Event) ON (n.user_id);
CREATE INDEX fact_user IF NOT EXISTS FOR (n:Fact) ON (n.user_id, n.subject_key, n.predicate);
CREATE INDEX query_user IF NOT EXISTS FOR (n:Query) ON (n.user_id);
CREATE INDEX insight_user IF NOT EXISTS FOR (n:Insight) ON (n.user_id);
CREATE INDEX segment_user IF NOT EXISTS FOR (n:Segment) ON (n.user_id);
CREATE INDEX scene_user IF NOT EXISTS FOR (n:Scene) ON (n.user_id);
