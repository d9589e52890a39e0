"""Bulk import of an existing history: one JSON object a line, embedded in batches.

Each batch is written in one transaction (prompts, metadata, embeddings and the search change log
together), so nothing is ever half-written; the next batch is embedded while the previous one is
written (EmbeddingAhead), so an import runs at about the embedder's own batch rate. Every imported
prompt carries a hash of its content: running the same import again adds nothing.
"""

import hashlib
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ParseError

from prompt_forge.ai.base import Embedder
from prompt_forge.common.parsers import check_strings
from prompt_forge.search import changes

from .conversations.turns import wrap_in_conversations
from .inputs import InvalidRequestError, check_prompt_length
from .models import Prompt, PromptEmbedding, PromptMetadata
from .turn_vectors import embed_turns

MODEL_NAME_MAX = 200


class BadLineError(ValueError):
    """A line that cannot be imported, with the reason; the import skips it and reports it."""


@dataclass(frozen=True)
class ImportRecord:
    line: int
    text: str
    response: str
    created_at: datetime | None
    model_used: str

    @property
    def key(self) -> str:
        created = self.created_at.isoformat() if self.created_at else None
        content = json.dumps([self.text, self.response, created, self.model_used], ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()


def _optional_string(data: dict, name: str, limit: int | None = None) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadLineError(f"{name} must be a string")
    if limit is not None and len(value) > limit:
        raise BadLineError(f"{name} must be at most {limit} characters")
    return value


def _created_at(data: dict) -> datetime | None:
    raw = data.get("created_at")
    if raw is None:
        return None
    try:
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        raise BadLineError("created_at must be an ISO 8601 date and time, e.g. 2024-05-01T12:00:00Z")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def parse_line(number: int, raw: str) -> ImportRecord:
    """One line of the import file; raises BadLineError saying what is wrong with it."""
    try:
        data = json.loads(raw)
        check_strings(data)  # as the API: no NUL, no lone surrogate (no database stores them)
    except json.JSONDecodeError as exc:
        raise BadLineError(f"not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise BadLineError("not valid JSON (nested too deeply)") from exc
    except ParseError as exc:
        raise BadLineError(str(exc.detail)) from exc
    if not isinstance(data, dict):
        raise BadLineError("not a JSON object")
    text = data.get("prompt")
    if not isinstance(text, str) or not text.strip():
        raise BadLineError('"prompt" is required and must be a non-empty string')
    try:
        check_prompt_length(text)
    except InvalidRequestError as exc:
        raise BadLineError(str(exc)) from exc
    if not isinstance(data.get("response"), str):
        raise BadLineError('"response" is required and must be a string')
    return ImportRecord(
        line=number,
        text=text.strip(),
        response=data["response"],
        created_at=_created_at(data),
        model_used=_optional_string(data, "model_used", MODEL_NAME_MAX),
    )


def imported_keys(*, user_id: int, keys: set[str]):
    """Which of `keys` this user has imported already. The query names the unique index's condition
    (a non-empty key) and asks for no order, so the database reads that index alone (SQLite otherwise
    walked the user's rows through prompt_user_recent for every batch)."""
    found = Prompt.objects.filter(user_id=user_id, import_key__in=keys).exclude(import_key="").order_by()
    return found.values_list("import_key", flat=True)


def new_records(*, user_id: int, records: list[ImportRecord]) -> list[ImportRecord]:
    """The records not imported before (nor repeated earlier in the same batch)."""
    keys = {record.key for record in records}
    seen = set(imported_keys(user_id=user_id, keys=keys))
    fresh = []
    for record in records:
        if record.key not in seen:
            seen.add(record.key)
            fresh.append(record)
    return fresh


@dataclass(frozen=True)
class EmbeddedBatch:
    """New records with their prompt vectors (one matrix) and answer vectors (None: no answer text)."""

    records: list[ImportRecord]
    vectors: np.ndarray
    answers: list

    def __len__(self) -> int:
        return len(self.records)

    def split(self) -> list["EmbeddedBatch"]:
        """One batch per record, with its vectors (to store them one by one)."""
        return [
            EmbeddedBatch([record], self.vectors[row : row + 1], [self.answers[row]])
            for row, record in enumerate(self.records)
        ]


def embed_records(records: list[ImportRecord], embedder: Embedder) -> EmbeddedBatch:
    """The records' prompts and answers embedded, in one batch (the answers too, so /search/ finds a
    turn by what it says). Outside any transaction: it takes time."""
    if not records:
        return EmbeddedBatch([], np.empty((0, 0), dtype=np.float32), [])
    vectors, answers = embed_turns(embedder, [record.text for record in records], [r.response for r in records])
    return EmbeddedBatch(records, vectors, answers)


def import_batch(*, user_id: int, records: list[ImportRecord], embedder: Embedder, source: str) -> int:
    """Embed and store a batch of new records atomically; returns how many prompts were created."""
    records = new_records(user_id=user_id, records=records)
    if not records:
        return 0
    batch = embed_records(records, embedder)
    return store_batch(user_id=user_id, batch=batch, model_name=embedder.model_name, source=source)


class EmbeddingAhead:
    """Embeds the next batch on a worker thread while the caller stores the previous one, so the model
    computes (it releases the GIL) while the database writes, instead of each waiting for the other.

    `submit` picks the records not imported before, nor submitted earlier in this run (the database
    does not know those yet), and starts embedding them."""

    def __init__(self, *, user_id: int, embedder: Embedder) -> None:
        self._user_id = user_id
        self._embedder = embedder
        self._submitted: set[str] = set()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-embedding")

    def submit(self, records: list[ImportRecord]) -> Future:
        fresh = [r for r in new_records(user_id=self._user_id, records=records) if r.key not in self._submitted]
        self._submitted.update(record.key for record in fresh)
        return self._worker.submit(embed_records, fresh, self._embedder)

    def __enter__(self) -> "EmbeddingAhead":
        return self

    def __exit__(self, *exc_info) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


def store_batch(*, user_id: int, batch: EmbeddedBatch, model_name: str, source: str) -> int:
    """Store embedded records atomically; returns how many prompts were created."""
    records, vectors, answers = batch.records, batch.vectors, batch.answers
    if not records:
        return 0
    now = timezone.now()
    with transaction.atomic():
        prompts = Prompt.objects.bulk_create(
            Prompt(
                user_id=user_id,
                text=record.text,
                response=record.response,
                status=Prompt.Status.COMPLETED,
                created_at=record.created_at or now,
                import_key=record.key,
            )
            for record in records
        )
        wrap_in_conversations(prompts)  # each imported prompt is a one-turn conversation
        PromptMetadata.objects.bulk_create(
            PromptMetadata(
                prompt=prompt,
                model_used=record.model_used,
                extra_info={"status": Prompt.Status.COMPLETED, "imported_from": source, "line": record.line},
            )
            for prompt, record in zip(prompts, records, strict=True)
        )
        PromptEmbedding.objects.bulk_create(
            PromptEmbedding(
                prompt=prompt,
                user_id=user_id,
                model_name=model_name,
                vector=PromptEmbedding.encode(vector),
                answer_vector=PromptEmbedding.encode_optional(answer),
            )
            for prompt, vector, answer in zip(prompts, vectors, answers, strict=True)
        )
        documents = [changes.Document(prompt.text, prompt.response) for prompt in prompts]
        changes.record_upserts(
            user_id, [prompt.pk for prompt in prompts], vectors, answer_vectors=answers, documents=documents
        )
    return len(prompts)
