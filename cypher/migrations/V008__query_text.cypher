// Similar-query links (Query -SIMILAR_TO-> Query) take their candidates from a full-text index
// over questions alone, restricted to the owner inside Lucene (user_key), then keep those whose
// embedding cosine passes the threshold: exact per user, unlike an unfiltered shared ANN index.
CREATE FULLTEXT INDEX query_text IF NOT EXISTS FOR (n:Query) ON EACH [n.text, n.user_key]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
