-- As in a file (migrations/0022_fewer_ci_indexes.sql): three indexes over
-- ci that no query uses are dropped.
DROP INDEX IF EXISTS ci_name;
DROP INDEX IF EXISTS ci_location;
DROP INDEX IF EXISTS ci_type_name;

-- Words of one and two characters in names are found by the names'
-- characters rather than by all their one- and two-character pieces
-- (migration 21): a name is a candidate when it holds every character of
-- the word, and the search then checks that the word itself is there. The
-- pieces gave GIN 35 keys per name and an import of 100k CIs 3-5 s of the
-- server's time; the characters give it a dozen and cost 1.2-1.6 s, while
-- a search of "db" or "张伟" still takes 1-2 ms at 100k CIs.
DROP INDEX IF EXISTS ci_name_grams;
DROP FUNCTION IF EXISTS servicebook_grams(text);
CREATE FUNCTION servicebook_chars(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_split_to_array(t, '')
$$;
CREATE INDEX ci_name_chars ON ci USING gin (servicebook_chars(lower(name)));

-- The stored search text holds what the name index (ci_search_name_trgm)
-- does not: description, owner, location and attribute values. It held
-- the reference and the name as well, which gave its trigram index 39
-- keys a CI where 15 now do the same work; a search looks for each word
-- in either (the server's search, cmdb/search_server.go).
ALTER TABLE ci DROP COLUMN search_text;
DROP FUNCTION servicebook_ci_text(text, text, text, text, text, text);
CREATE FUNCTION servicebook_ci_text(description text, owner text, location text, attributes text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', description, owner, location,
        (SELECT string_agg(value, ' ') FROM json_each_text(attributes::json)))
$$;
ALTER TABLE ci ADD COLUMN search_text text
    GENERATED ALWAYS AS (servicebook_ci_text(description, owner, location, attributes)) STORED;
CREATE INDEX ci_search_trgm ON ci USING gin (search_text gin_trgm_ops);
