"""Full-text search over the articles, the same on SQLite and on PostgreSQL.

One pipeline turns a heading, a text or a query into search terms, the same way on both
databases:

1. **Normalise** (``normalise``; on PostgreSQL the SQL function ``treatykb_search_text``, built
   from the same tables): lower case; the compounds of ``JOINED_PREFIXES`` written as one word
   ("non-punishment", "non punishment" and "nonpunishment" are "nonpunishment"; "co-operation"
   is "cooperation"); every other character that is not a letter or a digit is a space (so
   "cross-border" is the two words "cross border"); American spellings in their British form
   (``SPELLINGS``: "labor" is "labour", "organization" is "organisation", "defense" is
   "defence").
2. **Words to terms**: the words of PostgreSQL's English stop list (``STOP_WORDS``) are left out
   but keep their place (a phrase "victims of trafficking" needs one word between the two);
   words of letters are stemmed with the Snowball English stemmer, the one PostgreSQL's
   ``english`` configuration uses ("trafficked" and "trafficking" are "traffick"); words with
   digits stay as they are.

An article is indexed as its heading, then the names of the concordance subjects (topics) it is
listed under, then its text. PostgreSQL keeps the terms in a ``tsvector`` column,
``provisions_provision.search_vector`` (``setweight(to_tsvector('english',
treatykb_search_text(heading)), 'A') || ... subjects 'C' || ... text 'B'``), with a GIN index,
written by triggers on the article, topic and topic-article tables. SQLite keeps them in an FTS5
table, ``provisions_search`` (rowid = the article's id), written by triggers on the same tables
that call this module's Python functions (registered on every connection,
``register_functions``). Either way the loader, the admin, the API, restored versions, restored
backups and bulk ``update()`` calls are in step at once. SQLite's triggers need those functions: an
edit made outside Django (the ``sqlite3`` shell) fails instead of leaving the index behind.
``ensure`` (run by the migration and after every ``migrate``) rebuilds the index when its
fingerprint (the tables, the SQL, the stemmer's version) changed or SQLite lost its triggers.

A match needs every word (and every phrase, in order) of the query, and none of the words after
a ``-``. Matches are ranked the same way on both databases (``score``): 100 for each time a
query term occurs in the heading, 10 in a subject's name, 1 in the text (at most 99), then in
treaty and article order. Snippets mark the words whose terms are searched (``marks``).
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache

import Stemmer
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

# PostgreSQL's english.stop (its share/tsearch_data), which the english configuration drops.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now""".split()
)

# Prefixes joined to the word they are hyphenated to ("co-operation" is "cooperation");
# "non" also to the word after a space ("non punishment" is "nonpunishment").
JOINED_PREFIXES = ("non", "co", "re", "inter", "multi")

# American spellings and their British form (and two irregular plurals), as whole words:
# (pattern, replacement), both in the regular-expression syntax Python and PostgreSQL share
# (groups, alternatives, ``?``; ``\1``).
SPELLINGS = (
    # -ize/-ise, -yze/-yse: "organize", "organization", "criminalized", "analyze".
    (r"([a-z]{3,})iz(e|es|ed|ing|ation|ations|ational|er|ers|able)", r"\1is\2"),
    (r"([a-z]{2,})yz(e|es|ed|ing|er|ers)", r"\1ys\2"),
    (
        r"(labo|favo|hono|behavio|endeavo|colo|harbo|neighbo|rumo|savio|vigo)r"
        r"(s|ed|ing|er|ers|able|ably|ite|ites)?",
        r"\1ur\2",
    ),
    (r"(defen|offen|licen|preten)se(s)?", r"\1ce\2"),
    (r"(cent|theat|fib)er(s)?", r"\1re\2"),
    (r"program(s)?", r"programme\1"),
    (r"(catalo|dialo|analo)g(s)?", r"\1gue\2"),
    (r"judgement(s)?", r"judgment\1"),
    (r"(fulfi|enro|insta)ll(s|ment|ments)?", r"\1l\2"),
    (r"(counse|trave|cance|labe|mode|signa|channe|fue)l(ing|ed|er|ers|or|ors)", r"\1ll\2"),
    # Plurals the stemmer does not know: "child" finds "children".
    (r"child(ren)", "child"),
    (r"(wo)?men", r"\1man"),
)

# Stand-in, in SQLite's index, for a stop word: it keeps the word's place in a phrase.
GAP = "_"
HEADING_WEIGHT = 100
TOPIC_WEIGHT = 10
TEXT_HITS_CAP = 99
MAX_TERMS = 10

_stemmer = Stemmer.Stemmer("english")


_JOINED = re.compile(r"\b(" + "|".join(JOINED_PREFIXES) + r")-([^\W_])")
_NON_SPACE = re.compile(r"\bnon\s+([^\W_])", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")
_SPELLINGS = [(re.compile(rf"\b(?:{pattern})\b"), repl) for pattern, repl in SPELLINGS]


def normalise(text):
    """Lower case, compounds joined, punctuation out, British spellings (step 1 above)."""
    text = (text or "").lower()
    text = _JOINED.sub(r"\1\2", text)
    text = _NON_SPACE.sub(r"non\1", text)
    text = _NOT_WORD.sub(" ", text)
    for pattern, repl in _SPELLINGS:
        text = pattern.sub(repl, text)
    return text.strip()


@lru_cache(maxsize=50_000)
def term(word):
    """A normalised word's search term: GAP for a stop word, its stem for a word of letters."""
    if word in STOP_WORDS:
        return GAP
    return _stemmer.stemWord(word) if word.isalpha() else word


def terms(text):
    """The search terms of a text, in order, a GAP in place of each stop word."""
    return [term(word) for word in normalise(text).split()]


def part_terms(text):
    """The terms of a heading or of the topics' names: PostgreSQL places what follows right
    after the last term (stop words after it take no place)."""
    found = terms(text)
    while found and found[-1] == GAP:
        found.pop()
    return found


def document(heading, topics, text):
    """What SQLite's FTS5 table indexes for an article: the heading's terms, then those of the
    names of the concordance topics it is listed under, then the text's."""
    return " ".join(part_terms(heading) + part_terms(topics) + terms(text))


def part_document(text):
    return " ".join(part_terms(text))


def score(heading, topics, document_terms, query_terms):
    """The rank of a match (SQLite; PostgreSQL's ``treatykb_search_score`` is the same)."""
    wanted = query_terms.split()
    in_heading = _occurrences(heading, wanted)
    in_topics = _occurrences(topics, wanted)
    in_text = _occurrences(document_terms, wanted) - in_heading - in_topics
    return HEADING_WEIGHT * in_heading + TOPIC_WEIGHT * in_topics + min(in_text, TEXT_HITS_CAP)


def _occurrences(terms_text, wanted):
    # Counted in C: every term between two spaces of its own.
    padded = " " + (terms_text or "").replace(" ", "  ") + " "
    return sum(padded.count(f" {t} ") for t in wanted)


# -- Queries --------------------------------------------------------------------------------------


@dataclass
class Query:
    """A parsed query: phrases (lists of terms, GAP for a stop word) that must all occur, and
    phrases that must not. A word is a phrase of one term; "cross-border" a phrase of two."""

    required: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.required)

    @property
    def positive_terms(self):
        return sorted({t for phrase in self.required for t in phrase if t != GAP})

    def fts5(self):
        """The FTS5 query: every phrase quoted (terms are letters and digits only)."""
        text = " AND ".join(f'"{" ".join(phrase)}"' for phrase in self.required)
        for phrase in self.excluded:
            text += f' NOT "{" ".join(phrase)}"'
        return text

    def tsquery(self):
        """The PostgreSQL tsquery, in its own syntax, of already computed terms."""
        parts = [_tsphrase(p) for p in self.required]
        parts += [f"!{_tsphrase(p)}" for p in self.excluded]
        return " & ".join(parts)


def _tsphrase(phrase):
    pieces, distance = [], 0
    for t in phrase:
        if t == GAP:
            distance += 1
            continue
        if pieces:
            pieces.append(f"<{distance}>")
        pieces.append(f"'{t}'")
        distance = 1
    return "(" + " ".join(pieces) + ")"


_UNIT = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def parse(query):
    """A query as typed: words, "quoted phrases", and ``-word`` or ``-"a phrase"`` to exclude.
    Stop words alone ("the", "T") are left out; at most ``MAX_TERMS`` phrases."""
    parsed = Query()
    query = _NON_SPACE.sub(r"non\1", query or "")  # "non punishment" is one word
    for match in _UNIT.finditer(query):
        minus = match.group(1) or match.group(3)
        text = match.group(2) if match.group(2) is not None else match.group(4)
        phrase = terms(text)
        while phrase and phrase[0] == GAP:
            phrase.pop(0)
        while phrase and phrase[-1] == GAP:
            phrase.pop()
        if not phrase:
            continue
        target = parsed.excluded if minus else parsed.required
        if phrase not in target and len(parsed.required) + len(parsed.excluded) < MAX_TERMS:
            target.append(phrase)
    return parsed


# -- Highlighting ---------------------------------------------------------------------------------

# What the reader sees as one word: letters and digits, with hyphens or apostrophes inside.
WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def marks(text, query_terms):
    """The (start, end) spans of the words of ``text`` whose terms are among ``query_terms``
    ("Non-punishment", "labor" and "organized" are marked as the terms they index as)."""
    wanted = set(query_terms)
    spans = []
    for match in _MARKABLE.finditer(text or ""):
        if wanted.intersection(word_terms(match.group(0))):
            spans.append(match.span())
    return spans


@lru_cache(maxsize=50_000)
def word_terms(word):
    return terms(word)


# "non punishment" (two words) is one word too.
_MARKABLE = re.compile(r"\bnon\s+[^\W_]+(?:[-'’][^\W_]+)*|" + WORD.pattern, re.IGNORECASE)


# -- The indexes ----------------------------------------------------------------------------------

TABLE = "provisions_provision"
FTS_TABLE = "provisions_search"
STATE_TABLE = "provisions_search_built"  # the fingerprint SQLite's index was built with
PG_INDEX = "provision_search_vector_gin"
PG_FUNCTIONS = (
    "treatykb_provision_search_vector()",
    "treatykb_topic_link_search_vector()",
    "treatykb_topic_search_vector()",
    "treatykb_search_score(tsvector, text[])",
    "treatykb_provision_topics(bigint)",
    "treatykb_search_vector(text, text, text)",
    "treatykb_search_text(text)",
)
PG_TRIGGERS = {
    "provisions_search_vector": (
        TABLE,
        "BEFORE INSERT OR UPDATE OF heading, text",
        "treatykb_provision_search_vector",
    ),
    "provisions_search_topic_link": (
        "provisions_topic_provisions",
        "AFTER INSERT OR DELETE",
        "treatykb_topic_link_search_vector",
    ),
    "provisions_search_topic": (
        "provisions_topic",
        "AFTER UPDATE OF name, position",
        "treatykb_topic_search_vector",
    ),
}
THROUGH = "provisions_topic_provisions"
TOPIC = "provisions_topic"


def _sqlite_topics(provision_id):
    return (
        f"coalesce((SELECT group_concat(name, ' ') FROM (SELECT t.name FROM {TOPIC} t "
        f"JOIN {THROUGH} tp ON tp.topic_id = t.id WHERE tp.provision_id = {provision_id} "
        "ORDER BY t.position, t.id)), '')"
    )


def _sqlite_refill(condition):
    """Delete, then write again, the FTS5 rows of the articles that meet ``condition``."""
    topics = _sqlite_topics("p.id")
    return (
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT p.id FROM {TABLE} p WHERE {condition})",
        f"INSERT INTO {FTS_TABLE} (rowid, document, heading, topics) SELECT p.id, "
        f"treatykb_search_document(p.heading, {topics}, p.text), "
        f"treatykb_search_part(p.heading), treatykb_search_part({topics}) "
        f"FROM {TABLE} p WHERE {condition}",
    )


SQLITE_TRIGGERS = {
    "provisions_search_insert": (
        f"AFTER INSERT ON {TABLE}",
        *_sqlite_refill("p.id = new.id"),
    ),
    "provisions_search_update": (
        f"AFTER UPDATE OF id, heading, text ON {TABLE}",
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id",
        *_sqlite_refill("p.id = new.id"),
    ),
    "provisions_search_delete": (
        f"AFTER DELETE ON {TABLE}",
        f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id",
    ),
    "provisions_search_topic_linked": (
        f"AFTER INSERT ON {THROUGH}",
        *_sqlite_refill("p.id = new.provision_id"),
    ),
    "provisions_search_topic_unlinked": (
        f"AFTER DELETE ON {THROUGH}",
        *_sqlite_refill("p.id = old.provision_id"),
    ),
    "provisions_search_topic_renamed": (
        f"AFTER UPDATE OF name, position ON {TOPIC}",
        *_sqlite_refill(f"p.id IN (SELECT provision_id FROM {THROUGH} WHERE topic_id = new.id)"),
    ),
}


def register_functions(sender, connection, **kwargs):
    """``connection_created``: the functions SQLite's triggers and queries call."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("treatykb_search_document", 3, document, deterministic=True)
    raw.create_function("treatykb_search_part", 1, part_document, deterministic=True)
    raw.create_function("treatykb_search_score", 4, score, deterministic=True)


def _literal(value):
    return "'" + value.replace("'", "''") + "'"


def postgresql_normalise_sql(argument):
    """``normalise`` as one SQL expression of ``argument`` (the same steps, regexps and order)."""
    expression = f"lower(coalesce({argument}, ''))"
    steps = [
        (r"\m(" + "|".join(JOINED_PREFIXES) + r")-([[:alnum:]])", r"\1\2"),
        (r"\mnon[[:space:]]+([[:alnum:]])", r"non\1"),
        (r"[^[:alnum:]]+", " "),
        *((rf"\m(?:{pattern})\M", repl) for pattern, repl in SPELLINGS),
    ]
    for pattern, repl in steps:
        expression = f"regexp_replace({expression}, {_literal(pattern)}, {_literal(repl)}, 'g')"
    return f"btrim({expression})"


def postgresql_functions():
    return [
        f"""CREATE OR REPLACE FUNCTION treatykb_search_text(value text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN {postgresql_normalise_sql("value")}""",
        """CREATE OR REPLACE FUNCTION treatykb_search_vector(heading text, topics text, body text)
            RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN setweight(to_tsvector('pg_catalog.english', treatykb_search_text(heading)), 'A')
                || setweight(to_tsvector('pg_catalog.english', treatykb_search_text(topics)), 'C')
                || setweight(to_tsvector('pg_catalog.english', treatykb_search_text(body)), 'B')""",
        f"""CREATE OR REPLACE FUNCTION treatykb_provision_topics(provision bigint) RETURNS text
            LANGUAGE sql STABLE PARALLEL SAFE
            RETURN (
                SELECT coalesce(string_agg(t.name, ' ' ORDER BY t.position, t.id), '')
                FROM {TOPIC} t JOIN {THROUGH} tp ON tp.topic_id = t.id
                WHERE tp.provision_id = provision
            )""",
        f"""CREATE OR REPLACE FUNCTION treatykb_search_score(vector tsvector, terms text[])
            RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN (
                SELECT {HEADING_WEIGHT} * count(*) FILTER (WHERE w = 'A')
                    + {TOPIC_WEIGHT} * count(*) FILTER (WHERE w = 'C')
                    + least(count(*) FILTER (WHERE w = 'B'), {TEXT_HITS_CAP})
                FROM unnest(vector) AS u(lexeme, positions, weights), unnest(u.weights) AS w
                WHERE u.lexeme = ANY(terms)
            )""",
        """CREATE OR REPLACE FUNCTION treatykb_provision_search_vector() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_vector := treatykb_search_vector(
                    NEW.heading, treatykb_provision_topics(NEW.id), NEW.text
                );
                RETURN NEW;
            END
            $$""",
        f"""CREATE OR REPLACE FUNCTION treatykb_topic_link_search_vector() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                linked bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.provision_id
                    ELSE NEW.provision_id END;
            BEGIN
                UPDATE {TABLE} SET search_vector = treatykb_search_vector(
                    heading, treatykb_provision_topics(id), text
                ) WHERE id = linked;
                RETURN NULL;
            END
            $$""",
        f"""CREATE OR REPLACE FUNCTION treatykb_topic_search_vector() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {TABLE} SET search_vector = treatykb_search_vector(
                    heading, treatykb_provision_topics(id), text
                ) WHERE id IN (SELECT provision_id FROM {THROUGH} WHERE topic_id = NEW.id);
                RETURN NULL;
            END
            $$""",
    ]


def fingerprint():
    """What the index was built with: when this module's tables, its SQL or the stemmer change,
    the next ``migrate`` rebuilds the index (``ensure``)."""
    recipe = repr(
        (
            sorted(STOP_WORDS),
            JOINED_PREFIXES,
            SPELLINGS,
            GAP,
            HEADING_WEIGHT,
            TOPIC_WEIGHT,
            TEXT_HITS_CAP,
            postgresql_functions(),
            SQLITE_TRIGGERS,
            PG_TRIGGERS,
            Stemmer.version(),
        )
    )
    return hashlib.sha256(recipe.encode()).hexdigest()[:16]


def install(schema_editor):
    """Create the search index of the database and fill it (a migration's RunPython)."""
    ensure(schema_editor.connection)


def uninstall(schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, _when, _function) in PG_TRIGGERS.items():
            run(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        run(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
        for name in PG_FUNCTIONS:
            run(f"DROP FUNCTION IF EXISTS {name}")
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            run(f"DROP TRIGGER IF EXISTS {name}")
        run(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        run(f"DROP TABLE IF EXISTS {STATE_TABLE}")


def rebuild(connection):
    """Recompute every article's index entry."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {TABLE} SET search_vector = "
                "treatykb_search_vector(heading, treatykb_provision_topics(id), text)"
            )
        elif connection.vendor == "sqlite":
            for statement in _sqlite_refill("1 = 1"):
                cursor.execute(statement)


def ensure(connection):
    """The index, its functions and triggers as this module describes them: created, or made
    again and the index rebuilt, when the database's were built otherwise or are missing.
    Returns whether it had to. Run by the migration that creates the index and after every
    ``migrate`` (``post_migrate``): SQLite rebuilds a table to alter it, which drops the
    table's triggers, and a change to this module's tables must reach the index."""
    if connection.vendor == "postgresql":
        return _ensure_postgresql(connection)
    if connection.vendor == "sqlite":
        return _ensure_sqlite(connection)
    return False


def _ensure_postgresql(connection):
    wanted = fingerprint()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('treatykb_search_text(text)') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(
                "SELECT obj_description('treatykb_search_text(text)'::regprocedure, 'pg_proc')"
            )
            if cursor.fetchone()[0] == wanted:
                return False
        for statement in postgresql_functions():
            cursor.execute(statement)
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND column_name = 'search_vector'",
            [TABLE],
        )
        if cursor.fetchone() is None:
            cursor.execute(f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector")
        for name, (table, when, function) in PG_TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {name} {when} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {TABLE} USING GIN (search_vector)"
        )
        cursor.execute(f"COMMENT ON FUNCTION treatykb_search_text(text) IS {_literal(wanted)}")
    rebuild(connection)
    return True


def _ensure_sqlite(connection):
    wanted = fingerprint()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if TABLE not in present:
            return False
        built = None
        if STATE_TABLE in present:
            cursor.execute(f"SELECT fingerprint FROM {STATE_TABLE}")
            row = cursor.fetchone()
            built = row[0] if row else None
        complete = FTS_TABLE in present and all(name in present for name in SQLITE_TRIGGERS)
        if complete and built == wanted:
            return False
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(document, heading "
            "UNINDEXED, topics UNINDEXED, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
        )
        for name, (when, *body) in SQLITE_TRIGGERS.items():
            statements = "".join(f"{statement}; " for statement in body)
            cursor.execute(f"CREATE TRIGGER {name} {when} BEGIN {statements}END")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (fingerprint text NOT NULL)")
        cursor.execute(f"DELETE FROM {STATE_TABLE}")
        cursor.execute(f"INSERT INTO {STATE_TABLE} (fingerprint) VALUES (%s)", [wanted])
    rebuild(connection)
    return True


# The migration that creates the index (before it, and after it is unapplied, there is none).
CREATED_BY = ("provisions", "0007_search_both_databases")


def after_migrate(sender, using="default", **kwargs):
    """``post_migrate``: the index in step with this module after every ``migrate``."""
    connection = connections[using]
    if CREATED_BY in MigrationRecorder(connection).applied_migrations():
        ensure(connection)


# -- Suggestions ----------------------------------------------------------------------------------


def vocabulary(texts):
    """{word: how often}: the words of ``texts`` as a reader sees them, in lower case."""
    counts = Counter()
    for text in texts:
        counts.update(match.group(0).lower() for match in WORD.finditer(text or ""))
    return dict(counts)


def suggestions(query, words, per_word=3):
    """For each word of ``query`` whose terms no word of ``words`` (a ``vocabulary``) has, the
    nearest words of the vocabulary, most alike first: [(typed word, [(word, the query with
    that word in its place)])]."""
    known = {t for word in words for t in terms(word)}
    found = []
    for match in WORD.finditer(query or ""):
        typed = match.group(0)
        typed_terms = [t for t in terms(typed) if t != GAP]
        if not typed_terms or all(t in known for t in typed_terms):
            continue
        near = get_close_matches(typed.lower(), list(words), n=per_word * 3, cutoff=0.75)
        near = sorted(
            near,
            key=lambda w: (-round(SequenceMatcher(None, typed.lower(), w).ratio(), 2), -words[w]),
        )
        options = []
        for word in near[:per_word]:
            options.append((word, query[: match.start()] + word + query[match.end() :]))
        if options:
            found.append((typed, options))
    return found
