-- The trigram index of a search reads each word of the text on its own: pg_trgm splits at
-- every character that is not a letter or digit, so a needle across a word's edge was looked
-- up by its whole words only. `k.mix` became the trigram `mix`, which every seeded address
-- has: a million candidates read and tested to find 33,000 (0.8 s), and `n l` (a first name's
-- end, a last name's start) had no trigram at all. A second index reads the text with the
-- separators people type (space . @ - _ + ') turned into one letter that few names or
-- addresses have, so its trigrams span them (`kqm`, `qmi`, `mix`; `nql`). (A digit was tried:
-- it met the digits of addresses, `00@exa` read `000`.) A needle of short pieces between
-- separators, one of a single character, finds its candidates there and tests the text
-- itself; any other keeps the first index, which costs it less
-- (users::pg_sets::reads_across).
CREATE INDEX users_search_across ON users
    USING gin (translate(email || ' ' || first_name || ' ' || last_name, ' .@-_+''', 'qqqqqqq') gin_trgm_ops);
-- The planner's estimate of a search (pg_sets::pg_estimated_matches) reads the statistics of
-- the index's expression, gathered by ANALYZE.
ANALYZE users;
