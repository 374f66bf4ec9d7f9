// Requires: vector-filters
// Neo4j 2026.01+: every granularity's vector index also holds the owner (WITH [n.user_id]), so
// the seeds statement (query/seeds_filtered) searches a user's own units with a Cypher 25
// SEARCH ... WHERE n.user_id = $user_id instead of filtering a shared top-k afterwards, where
// other tenants' near-duplicates crowded the user out. The unfiltered indexes of V004 are
// dropped after (nothing queries them on this line; each costs every write). 5.26 keeps V004.
CYPHER 25 CREATE VECTOR INDEX turn_owner_embedding IF NOT EXISTS FOR (n:Turn) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
CYPHER 25 CREATE VECTOR INDEX segment_owner_embedding IF NOT EXISTS FOR (n:Segment) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
CYPHER 25 CREATE VECTOR INDEX interaction_owner_embedding IF NOT EXISTS FOR (n:Interaction) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
CYPHER 25 CREATE VECTOR INDEX fact_owner_embedding IF NOT EXISTS FOR (n:Fact) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
CYPHER 25 CREATE VECTOR INDEX insight_owner_embedding IF NOT EXISTS FOR (n:Insight) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
CYPHER 25 CREATE VECTOR INDEX query_owner_embedding IF NOT EXISTS FOR (n:Query) ON n.embedding
WITH [n.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: $dim, `vector.similarity_function`: 'cosine'}};
DROP INDEX turn_embedding IF EXISTS;
DROP INDEX segment_embedding IF EXISTS;
DROP INDEX interaction_embedding IF EXISTS;
DROP INDEX fact_embedding IF EXISTS;
DROP INDEX insight_embedding IF EXISTS;
DROP INDEX query_embedding IF EXISTS;
