-- Words of one and two characters in names ("库", "db", "张伟"), which no
-- trigram index can serve: every name was read for each such word (26-46
-- ms at 100k CIs). servicebook_grams is every one- and two-character piece
-- of a text; a GIN index over the pieces of each CI's name, lower-cased,
-- finds the CIs holding a piece at once: a word of one or two characters
-- is in a name exactly when it is one of its pieces. (References are left
-- out: their pieces cost an import more than a search of "01" is worth;
-- such a word is still found in references, listed after the names.) An index over the expression rather than a stored column
-- keeps the rows as they were; repeated pieces are left to GIN, which
-- keeps each key once (working them out took 0.8 s per 100k CIs this way,
-- 3.2 s with DISTINCT in SQL).
CREATE FUNCTION servicebook_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_split_to_array(t, '') || array(SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i)
$$;
CREATE INDEX ci_name_grams ON ci USING gin (servicebook_grams(lower(name)));
