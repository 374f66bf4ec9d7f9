// Turns are also found through the turn before them (a reply rarely repeats the words of the
// question it answers): full-text now indexes each Turn's `context`, the previous turn's
// "speaker: text", as a separate field the planner weighs lower than the turn's own text.
DROP INDEX memory_text IF EXISTS;
CREATE FULLTEXT INDEX memory_text IF NOT EXISTS
FOR (n:Turn|Segment|Interaction|Fact|Insight|Query) ON EACH [n.text, n.context, n.user_key]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CALL db.awaitIndex('memory_text', 600);
