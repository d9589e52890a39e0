"""manage.py import_prompts FILE --user USERNAME: bulk-import a prompt history (JSON Lines)."""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from tqdm import tqdm

from prompt_forge.ai.registry import get_embedder
from prompt_forge.prompts.importing import (
    BadLineError,
    EmbeddedBatch,
    EmbeddingAhead,
    ImportRecord,
    parse_line,
    store_batch,
)


class Command(BaseCommand):
    help = (
        'Import a prompt history: one JSON object a line with "prompt" and "response" (optional '
        '"created_at", "model_used"). Safe to re-run: lines imported before are skipped.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSON Lines file (use - for standard input)")
        parser.add_argument("--user", required=True, help="username that will own the imported prompts")
        parser.add_argument("--batch-size", type=int, default=settings.EMBEDDING_BATCH_SIZE)

    def handle(self, *args, file: Path, user: str, batch_size: int, verbosity: int, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no user named {user!r}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        lines = self._read(file)
        embedder = get_embedder()
        created, skipped, bad = 0, 0, 0
        started = time.perf_counter()
        batch: list[ImportRecord] = []
        progress = tqdm(total=len(lines), unit="line", file=sys.stderr, disable=verbosity == 0, desc="importing")

        def store(records: list[ImportRecord], embedded: EmbeddedBatch) -> None:
            nonlocal created, skipped, bad
            try:
                added = store_batch(user_id=owner.pk, batch=embedded, model_name=embedder.model_name, source=str(file))
            except (DatabaseError, ValueError) as exc:
                if len(embedded) > 1:  # one line the database refuses: find it, keep the others
                    skipped += len(records) - len(embedded)
                    for one in embedded.split():
                        store(one.records, one)
                    return
                bad += 1
                self.stderr.write(f"line {records[0].line}: skipped: the database refused it ({exc})")
                return
            created += added
            skipped += len(records) - added

        # The next batch embeds while the previous one is stored.
        with EmbeddingAhead(user_id=owner.pk, embedder=embedder) as ahead:
            waiting = None  # (records, their embedding under way)

            def flush() -> None:
                nonlocal waiting
                submitted = (list(batch), ahead.submit(batch))
                batch.clear()
                store_waiting()
                waiting = submitted

            def store_waiting() -> None:
                if waiting is not None:
                    records, embedding = waiting
                    store(records, embedding.result())  # an embedding failure stops the import here
                    progress.update(len(records))

            for number, raw_bytes in enumerate(lines, start=1):
                try:
                    raw = raw_bytes.decode("utf-8")
                    if not raw.strip():
                        progress.update(1)
                        continue
                    batch.append(parse_line(number, raw))
                except UnicodeDecodeError:
                    bad += 1
                    progress.update(1)
                    self.stderr.write(f"line {number}: skipped: not UTF-8 text")
                    continue
                except BadLineError as exc:
                    bad += 1
                    progress.update(1)
                    self.stderr.write(f"line {number}: skipped: {exc}")
                    continue
                if len(batch) >= batch_size:
                    flush()
            if batch:
                flush()
            store_waiting()
        progress.close()
        seconds = time.perf_counter() - started
        rate = f", {created / seconds:.0f} prompts/s" if created and seconds else ""
        self.stdout.write(
            f"imported {created} prompts for {user} ({skipped} already imported, {bad} bad lines skipped) "
            f"in {seconds:.1f} s{rate}"
        )

    def _read(self, file: Path) -> list[bytes]:
        """The file's lines, undecoded: a line that is not UTF-8 is skipped and reported, not fatal."""
        if str(file) == "-":
            return sys.stdin.buffer.read().splitlines()
        try:
            return file.read_bytes().splitlines()
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
