// A reply is also found through the question it answers (it rarely repeats its words): a Turn
// that follows a question stores that question's "speaker: text" as `context`, indexed as a
// separate full-text field the planner weighs lower than the turn's own text.
DROP INDEX memory_text IF EXISTS;
CREATE FULLTEXT INDEX memory_text IF NOT EXISTS
FOR (n:Turn|Segment|Interaction|Fact|Insight|Query) ON EACH [n.text, n.context, n.user_key]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CALL db.awaitIndex('memory_text', 600);
