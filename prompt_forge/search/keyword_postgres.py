"""Keyword search on PostgreSQL: a tsvector column with a GIN index on KeywordDocument, ranked by ts_rank_cd.

The tsvector is built from terms.py's words (not PostgreSQL's parser, which splits `parse_config`
and `E1107-KX` into parts), with positions, prompt words weighted A and answer words B.
"""

from collections.abc import Sequence

from .models import KeywordDocument
from .terms import words

DOCUMENTS = KeywordDocument._meta.db_table
COLUMN = "words"
INDEX = f"{DOCUMENTS}_{COLUMN}_gin"
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_RANKED = (
    f"SELECT prompt_id FROM {DOCUMENTS}, CAST(%s AS tsquery) AS query "
    f"WHERE user_id = %s AND {COLUMN} @@ query{{candidates}} "
    f"ORDER BY ts_rank_cd({COLUMN}, query) DESC, prompt_id LIMIT %s"
)


def ensure(cursor) -> None:
    cursor.execute(f"ALTER TABLE {DOCUMENTS} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector")
    cursor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {DOCUMENTS} USING gin ({COLUMN})")


def drop(cursor) -> None:
    cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    cursor.execute(f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS {COLUMN}")


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(prompt: str, answer: str) -> str:
    """The tsvector literal of a document: each word with its positions and weight."""
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, text in (("A", prompt), ("B", answer)):
        for word, _start, _end in words(text):
            position = min(position + 1, MAX_POSITION)
            found = positions.setdefault(word, [])
            if len(found) < 256:  # PostgreSQL keeps at most 256 positions per word
                found.append(f"{position}{weight}")
    return " ".join(f"{_lexeme(word)}:{','.join(marks)}" for word, marks in positions.items())


def tsquery(terms: Sequence[str]) -> str:
    return " | ".join(_lexeme(term) for term in terms)


def unindex(cursor, ids: Sequence[int]) -> None:
    """Nothing to do: the tsvector is a column of the document row."""


def index(cursor, ids: Sequence[int]) -> None:
    cursor.execute(f"SELECT prompt_id, prompt, answer FROM {DOCUMENTS} WHERE prompt_id = ANY(%s)", [list(ids)])
    rows = cursor.fetchall()
    cursor.execute(
        f"UPDATE {DOCUMENTS} AS d SET {COLUMN} = v.words::tsvector "
        "FROM unnest(%s::bigint[], %s::text[]) AS v(id, words) WHERE d.prompt_id = v.id",
        [[row[0] for row in rows], [tsvector(row[1], row[2]) for row in rows]],
    )


def ranked(cursor, *, user_id: int, terms: Sequence[str], limit: int, candidates: tuple[str, list] | None) -> list[int]:
    sql = _RANKED.format(candidates=f" AND prompt_id IN ({candidates[0]})" if candidates else "")
    cursor.execute(sql, [tsquery(terms), user_id, *(candidates[1] if candidates else []), limit])
    return [row[0] for row in cursor.fetchall()]


def rebuild_all(cursor) -> None:
    cursor.execute(f"SELECT prompt_id FROM {DOCUMENTS} WHERE {COLUMN} IS NULL")
    ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), 2000):
        index(cursor, ids[start : start + 2000])
