"""Import of ChatGPT and Open WebUI chat exports: each conversation stored whole (branches stay
branches), its turns embedded in one batch and indexed. Safe to re-run: a conversation imported
before is skipped. A record that cannot be read is reported and skipped; the others are imported."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils import timezone

from prompt_forge.ai.base import Embedder

from .importers import chatgpt, openwebui
from .importers.tree import BadRecordError, ParsedConversation
from .models import Conversation
from .storing import store_given_turns
from .titles import words_title

PARSERS = {"chatgpt": chatgpt.parse_record, "openwebui": openwebui.parse_record}
TITLE_STORED_MAX = 200


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not JSON, not a list of conversations)."""


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0  # imported before
    turns: int = 0
    bad: list[dict] = field(default_factory=list)  # {"index", "title", "error"}

    def as_dict(self) -> dict:
        return {"imported": self.created, "already_imported": self.skipped, "turns": self.turns, "bad": self.bad}


def load_records(raw: bytes | str) -> list:
    """The export's list of conversations (a single conversation object is a list of one)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"the file is not valid JSON: {exc}") from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportFileError("the file must hold a list of conversations")
    return data


def _conversation(user_id: int, parsed: ParsedConversation) -> Conversation:
    now = timezone.now()
    created_at = parsed.created_at or now
    title = parsed.title[:TITLE_STORED_MAX]
    return Conversation(
        user_id=user_id,
        title=title or words_title(next((t.text for t in parsed.turns if t.text), "Imported conversation")),
        title_source=Conversation.TitleSource.USER if title else Conversation.TitleSource.WORDS,
        system=parsed.system,
        created_at=created_at,
        updated_at=parsed.updated_at or created_at,
        import_key=parsed.key,
    )


def import_records(
    *,
    user_id: int,
    records: list,
    fmt: str,
    embedder: Embedder,
    progress: Callable[[int], None] = lambda done: None,
) -> ImportReport:
    parse = PARSERS[fmt]
    report = ImportReport()
    for index, record in enumerate(records):
        try:
            parsed = parse(record)
        except BadRecordError as exc:
            title = record.get("title") if isinstance(record, dict) else None
            report.bad.append({"index": index, "title": title if isinstance(title, str) else None, "error": str(exc)})
            progress(1)
            continue
        # exclude(import_key=""): the unique index's own condition, so the check reads that index alone.
        if Conversation.objects.filter(user_id=user_id, import_key=parsed.key).exclude(import_key="").exists():
            report.skipped += 1
        else:
            try:
                store_given_turns(
                    conversation=_conversation(user_id, parsed),
                    turns=parsed.turns,
                    embedder=embedder,
                    active=parsed.active,
                )
            except IntegrityError:  # the same record imported concurrently
                report.skipped += 1
            else:
                report.created += 1
                report.turns += len(parsed.turns)
        progress(1)
    return report
