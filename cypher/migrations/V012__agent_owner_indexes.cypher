// Forget seeks every label by owner: runs without a source id and lessons need a user_id-only
// index too (a composite index holds only nodes whose every indexed property is set).
CREATE INDEX run_user_only IF NOT EXISTS FOR (n:Run) ON (n.user_id);
CREATE INDEX lesson_user IF NOT EXISTS FOR (n:Lesson) ON (n.user_id);
