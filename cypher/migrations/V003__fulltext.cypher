// BM25 full-text over every memory unit. `user_key` is a hex token of the owner, indexed so a
// query restricts itself to one user inside Lucene ("+user_key:<hex> +(text:...)").
CREATE FULLTEXT INDEX memory_text IF NOT EXISTS
FOR (n:Turn|Segment|Interaction|Fact|Insight|Query) ON EACH [n.text, n.user_key]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS
FOR (n:Entity) ON EACH [n.name, n.aliases_text, n.user_key];
