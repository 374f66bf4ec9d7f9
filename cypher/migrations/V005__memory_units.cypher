// Every memory unit (Turn, Segment, Interaction, Fact, Insight) also carries the label Unit, so
// cross-granularity links (ASSOCIATED, scene membership) look nodes up by one unique index.
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT scene_model_user IF NOT EXISTS FOR (n:SceneModel) REQUIRE n.user_id IS UNIQUE;
