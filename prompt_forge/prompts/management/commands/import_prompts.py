"""manage.py import_prompts FILE --user USERNAME: bulk-import a prompt history (JSON Lines)."""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from prompt_forge.ai.registry import get_embedder
from prompt_forge.prompts.importing import BadLineError, ImportRecord, import_batch, parse_line


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

        def flush() -> None:
            nonlocal created, skipped
            added = import_batch(user_id=owner.pk, records=batch, embedder=embedder, source=str(file))
            created += added
            skipped += len(batch) - added
            progress.update(len(batch))
            batch.clear()

        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                progress.update(1)
                continue
            try:
                batch.append(parse_line(number, raw))
            except BadLineError as exc:
                bad += 1
                progress.update(1)
                self.stderr.write(f"line {number}: skipped: {exc}")
                continue
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        progress.close()
        seconds = time.perf_counter() - started
        rate = f", {created / seconds:.0f} prompts/s" if created and seconds else ""
        self.stdout.write(
            f"imported {created} prompts for {user} ({skipped} already imported, {bad} bad lines skipped) "
            f"in {seconds:.1f} s{rate}"
        )

    def _read(self, file: Path) -> list[str]:
        if str(file) == "-":
            return sys.stdin.read().splitlines()
        try:
            return file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}") from exc
