// Agent memory: tasks (query tier), runs and their steps (interaction tier), lessons (insight tier).
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT run_id IF NOT EXISTS FOR (n:Run) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT step_id IF NOT EXISTS FOR (n:Step) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT lesson_id IF NOT EXISTS FOR (n:Lesson) REQUIRE n.id IS UNIQUE;
CREATE INDEX run_owner_source IF NOT EXISTS FOR (n:Run) ON (n.user_id, n.source_id);
CREATE INDEX task_owner IF NOT EXISTS FOR (n:Task) ON (n.user_id);
CREATE INDEX step_owner IF NOT EXISTS FOR (n:Step) ON (n.user_id);
// Full-text over task texts and step texts, restricted to one owner by its user_key token.
CREATE FULLTEXT INDEX agent_text IF NOT EXISTS
FOR (n:Task|Step) ON EACH [n.text, n.user_key]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
