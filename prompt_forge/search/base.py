"""The interface every vector index backend implements, and what it reads: stored vectors and the change log."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Hit:
    prompt_id: int
    score: float  # cosine similarity, 1.0 = same meaning


@dataclass(frozen=True)
class Fingerprint:
    """Cheap summary of one user's vectors: a delete plus an insert changes it even at equal count."""

    count: int
    id_sum: int


def _no_vectors() -> np.ndarray:
    return np.empty((0, 0), dtype=np.float32)


@dataclass(frozen=True)
class Vectors:
    """A user's vectors as of change-log `version` (a full load)."""

    version: int
    ids: list[int]
    matrix: np.ndarray = field(default_factory=_no_vectors)


@dataclass(frozen=True)
class Changes:
    """The net effect of the change log after some version: what to (re)insert and what to drop."""

    version: int  # the newest version included; equal to the version asked for when nothing changed
    upsert_ids: list[int] = field(default_factory=list)
    upsert_vectors: np.ndarray = field(default_factory=_no_vectors)
    removed_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.upsert_ids and not self.removed_ids


@dataclass(frozen=True)
class VectorTable:
    """Where stored vectors live (raw little-endian float32 bytes), for backends that search them in
    place (pgvector adds a column beside them). Given by the package that stores the vectors."""

    name: str
    id_column: str
    user_column: str
    model_column: str
    vector_column: str  # may be NULL (a turn without an answer has no answer vector)
    index_column: str = "vec"  # pgvector's copy of vector_column, for search in place


@dataclass(frozen=True)
class Document:
    """The searchable words of one turn: the prompt and its answer."""

    prompt: str
    answer: str = ""


class VectorStore(Protocol):
    """The stored vectors, as the package that owns them provides them to search (prompts does, see
    prompts/vector_store.py, registered with `search.registry.use_vector_store`).

    Only vectors embedded with `model_name` count: vectors of another model are not comparable.
    """

    table: VectorTable

    def fingerprint(self, user_id: int, model_name: str) -> Fingerprint: ...

    def vectors(self, user_id: int, model_name: str) -> tuple[list[int], np.ndarray]:
        """All of the user's (ids, float32 matrix), one row per id."""
        ...

    def vectors_of(self, ids: Sequence[int], model_name: str) -> dict[int, bytes]:
        """The current vectors of these ids (raw float32 bytes); an id without one is absent."""
        ...

    def documents(self, user_id: int) -> Iterator[tuple[int, Document]]:
        """The words of each of the user's turns (prompt and answer so far), by id."""
        ...


class VectorSource(Protocol):
    """What an index is checked against, rebuilt and caught up from: the stored vectors plus search's
    own change log (journal.ChangeLogSource)."""

    table: VectorTable

    def fingerprint(self, user_id: int, model_name: str) -> Fingerprint: ...

    def vectors(self, user_id: int, model_name: str) -> Vectors: ...

    def changes_since(self, user_id: int, version: int, model_name: str) -> Changes:
        """Every change logged for the user after `version`, with the changed prompts' current vectors."""
        ...


class VectorIndex(Protocol):
    def write(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Called inside the transaction that stores these embeddings (after the rows are saved)."""
        ...

    def remove(self, *, user_id: int, ids: Sequence[int]) -> None:
        """Called inside the transaction that deletes these prompts."""
        ...

    def search(self, *, user_id: int, vector: np.ndarray, k: int, allowed: Sequence[int] | None = None) -> list[Hit]:
        """The user's k nearest vectors by cosine, most similar first, current with the database.

        `allowed`: only these ids may be returned (a filter); still k hits when k of them have vectors."""
        ...

    def size(self, *, user_id: int) -> int: ...

    def warm(self) -> int:
        """Load persisted state at start; returns how many vectors are ready."""
        ...

    def check(self, *, user_id: int) -> str | None:
        """Why the stored index disagrees with the database, or None when it is in sync."""
        ...

    def rebuild(self, *, user_id: int) -> int:
        """Rebuild the user's index from the database; returns its size."""
        ...

    def problem(self) -> str | None:
        """Why this index cannot serve requests (for /readyz), or None."""
        ...

    def flush(self) -> None:
        """Persist whatever is kept in memory only (called when the process exits cleanly)."""
        ...


class SearchUnavailableError(Exception):
    """The configured search backend cannot run here (e.g. pgvector missing); the API answers 503."""
