"""manage.py import_conversations FILE --user NAME --format chatgpt|openwebui"""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from prompt_forge.ai.registry import get_embedder
from prompt_forge.prompts.conversations.importing import PARSERS, ImportFileError, import_records, load_records


class Command(BaseCommand):
    help = (
        "Import conversations from ChatGPT's conversations.json or an Open WebUI chat export. "
        "Branches stay branches. Safe to re-run: conversations imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the export file (use - for standard input)")
        parser.add_argument("--user", required=True, help="username that will own the conversations")
        parser.add_argument("--format", required=True, choices=sorted(PARSERS), dest="fmt")

    def handle(self, *args, file: Path, user: str, fmt: str, verbosity: int, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no user named {user!r}")
        try:
            records = load_records(sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes())
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        with tqdm(
            total=len(records), unit="conversation", file=sys.stderr, disable=verbosity == 0, desc="importing"
        ) as bar:
            report = import_records(
                user_id=owner.pk, records=records, fmt=fmt, embedder=get_embedder(), progress=bar.update
            )
        for bad in report.bad:
            title = f" ({bad['title']!r})" if bad["title"] else ""
            self.stderr.write(f"conversation {bad['index']}{title}: skipped: {bad['error']}")
        self.stdout.write(
            f"imported {report.created} conversations ({report.turns} turns) for {user} "
            f"({report.skipped} already imported, {len(report.bad)} bad records skipped) "
            f"in {time.perf_counter() - started:.1f} s"
        )
