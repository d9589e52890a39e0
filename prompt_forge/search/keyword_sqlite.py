"""Keyword search on SQLite: an FTS5 index over search's KeywordDocument table, ranked by bm25().

External content: the FTS5 table stores only the index; the words come from the document table.
Removing a document first tells FTS5 the exact words it indexed (the 'delete' command), which is
why search keeps its own copy of the text and changes both in the same transaction.
"""

from collections.abc import Sequence

from .models import KeywordDocument

TABLE = "search_keyword_fts"
DOCUMENTS = KeywordDocument._meta.db_table
# Letters, digits, '-' and '_' make words (terms.py splits text the same way).
CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(prompt, answer, content='{DOCUMENTS}', "
    "content_rowid='prompt_id', tokenize=\"unicode61 tokenchars '-_'\")"
)
# Words of the prompt count a little more than words of the answer.
_RANKED = (
    f"SELECT d.prompt_id FROM {TABLE} JOIN {DOCUMENTS} AS d ON d.prompt_id = {TABLE}.rowid "
    f"WHERE {TABLE} MATCH %s AND d.user_id = %s{{candidates}} ORDER BY bm25({TABLE}, 2.0, 1.0), d.prompt_id LIMIT %s"
)


def ensure(cursor) -> None:
    cursor.execute(CREATE)


def drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(pid)) for pid in ids)


def unindex(cursor, ids: Sequence[int]) -> None:
    """Take these documents out of the FTS5 index (their rows must still hold the indexed words)."""
    cursor.execute(
        f"INSERT INTO {TABLE}({TABLE}, rowid, prompt, answer) "
        f"SELECT 'delete', prompt_id, prompt, answer FROM {DOCUMENTS} WHERE prompt_id IN ({_in(ids)})"
    )


def index(cursor, ids: Sequence[int]) -> None:
    cursor.execute(
        f"INSERT INTO {TABLE}(rowid, prompt, answer) "
        f"SELECT prompt_id, prompt, answer FROM {DOCUMENTS} WHERE prompt_id IN ({_in(ids)})"
    )


def match_expression(terms: Sequence[str]) -> str:
    """Any of the words, each quoted (so '-' in E1107-KX is part of the word, not an operator)."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def ranked(cursor, *, user_id: int, terms: Sequence[str], limit: int, candidates: tuple[str, list] | None) -> list[int]:
    sql = _RANKED.format(candidates=f" AND d.prompt_id IN ({candidates[0]})" if candidates else "")
    params = [match_expression(terms), user_id, *(candidates[1] if candidates else []), limit]
    cursor.execute(sql, params)
    return [row[0] for row in cursor.fetchall()]


def rebuild_all(cursor) -> None:
    """Rebuild the whole FTS5 index from the document table."""
    cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES('rebuild')")
