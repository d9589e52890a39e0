"""Words as the keyword index sees them, on every database: runs of letters, digits, `-` and `_`.

SQLite's FTS5 table is built with the same rule (unicode61, tokenchars '-_'), and the PostgreSQL
tsvector is built from these very tokens, so identifiers such as `E1107-KX` or `parse_config` are
one word everywhere, and a snippet marks exactly the words the index matched.
"""

import re
import unicodedata

WORD = re.compile(r"[\w-]+")
MAX_QUERY_TERMS = 32
# Words so common that matching them says nothing; dropped from a query that has other words.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "about",
    ]
)


def fold(word: str) -> str:
    """Lower case without diacritics (as unicode61 folds them)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, offsets in `text`'s characters."""
    return [(fold(match.group()), match.start(), match.end()) for match in WORD.finditer(text)]


def query_terms(query: str) -> list[str]:
    """The distinct words of a query worth matching, in order (at most MAX_QUERY_TERMS)."""
    seen: dict[str, None] = {}
    for word, _start, _end in words(query):
        if word.strip("-_"):
            seen.setdefault(word, None)
    terms = list(seen)
    meaningful = [term for term in terms if term not in STOPWORDS]
    return (meaningful or terms)[:MAX_QUERY_TERMS]
