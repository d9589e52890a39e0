"""The stored embeddings, as search reads them: prompts' side of search.base.VectorStore.

Registered with search in PromptsConfig.ready(); search never imports prompts.
"""

from collections.abc import Iterator, Sequence

import numpy as np
from django.db.models import Count, Sum

from prompt_forge.search.base import Document, Fingerprint, VectorTable
from prompt_forge.search.journal import matrix_of

from .models import Prompt, PromptEmbedding


class EmbeddingStore:
    """The prompts' vectors (`column="vector"`) or their answers' (`column="answer_vector"`)."""

    def __init__(self, column: str = "vector") -> None:
        self.column = column
        self.table = VectorTable(
            name=PromptEmbedding._meta.db_table,
            id_column="prompt_id",
            user_column="user_id",
            model_column="model_name",
            vector_column=column,
            index_column="vec" if column == "vector" else "answer_vec",
        )

    def _rows(self, **conditions):
        return PromptEmbedding.objects.filter(**conditions, **{f"{self.column}__isnull": False})

    def fingerprint(self, user_id: int, model_name: str) -> Fingerprint:
        totals = self._rows(user_id=user_id, model_name=model_name).aggregate(
            count=Count("prompt_id"), id_sum=Sum("prompt_id")
        )
        return Fingerprint(count=totals["count"], id_sum=totals["id_sum"] or 0)

    def vectors(self, user_id: int, model_name: str) -> tuple[list[int], np.ndarray]:
        rows = self._rows(user_id=user_id, model_name=model_name).values_list("prompt_id", self.column)
        ids: list[int] = []
        chunks: list[bytes] = []
        for prompt_id, vector in rows.iterator(chunk_size=5000):
            ids.append(prompt_id)
            chunks.append(bytes(vector))
        return ids, matrix_of(chunks)

    def vectors_of(self, ids: Sequence[int], model_name: str) -> dict[int, bytes]:
        rows = self._rows(prompt_id__in=ids, model_name=model_name).values_list("prompt_id", self.column)
        return {prompt_id: bytes(vector) for prompt_id, vector in rows}

    def documents(self, user_id: int) -> Iterator[tuple[int, Document]]:
        rows = Prompt.objects.filter(user_id=user_id).order_by("pk")
        for prompt_id, text, response in rows.values_list("pk", "text", "response").iterator(chunk_size=2000):
            yield prompt_id, Document(text, response)
