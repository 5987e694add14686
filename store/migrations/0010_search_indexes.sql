-- Two search indexes beside ci_search (see cmdb/search.go), both without
-- a copy of the text (content = ''): they hold only which CI has what.
--
-- ci_search_name is the trigram index of references and names alone. A
-- search lists name matches first; asking ci_search for them with a column
-- filter read every match in every column (a location shared by 50k CIs)
-- before it could say that no name matched.
CREATE VIRTUAL TABLE ci_search_name USING fts5 (
    ref, name,
    tokenize = 'trigram', content = '', contentless_delete = 1
);
INSERT INTO ci_search_name (rowid, ref, name) SELECT rowid, ref, name FROM ci_search;

-- ci_grams answers words of one and two characters ("库", "db"), which a
-- trigram index cannot: each CI's text is indexed as the distinct single
-- characters and pairs of adjacent characters of its words (the program's
-- search_grams function), and such a word is one token to look up. Before
-- it, the first short search of every process read every CI's text.
-- The program fills it for existing CIs on first open (grams_filled).
-- The program writes the grams lower-cased and separated by spaces, and
-- asks for them the same way: the ascii tokenizer, which only splits at
-- ASCII spaces and punctuation, is all it needs and the fastest.
CREATE VIRTUAL TABLE ci_grams USING fts5 (
    grams,
    tokenize = 'ascii', content = '', contentless_delete = 1, detail = none
);
INSERT INTO ref_counter (name, last) VALUES ('grams_filled', 0);
