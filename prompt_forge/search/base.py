"""The interface every vector index backend implements, and what it reads from the database."""

from collections.abc import Sequence
from dataclasses import dataclass
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


class VectorSource(Protocol):
    """The source of truth (the database) an index is checked against and rebuilt from."""

    def fingerprint(self, user_id: int) -> Fingerprint: ...

    def vectors(self, user_id: int) -> tuple[list[int], np.ndarray]: ...


class VectorIndex(Protocol):
    def add(self, *, user_id: int, ids: Sequence[int], vectors: np.ndarray) -> None: ...

    def remove(self, *, user_id: int, ids: Sequence[int]) -> None: ...

    def search(self, *, user_id: int, vector: np.ndarray, k: int) -> list[Hit]: ...

    def size(self, *, user_id: int) -> int: ...
