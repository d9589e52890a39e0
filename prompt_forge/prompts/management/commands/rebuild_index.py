"""manage.py rebuild_index: re-embed what needs it, then rebuild the search index from the database."""

import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from prompt_forge.ai.registry import get_embedder
from prompt_forge.prompts.reembedding import batches, prompts_needing_embedding, reembed, users_with_prompts
from prompt_forge.search import changes, keyword_index
from prompt_forge.search.registry import all_indexes


class Command(BaseCommand):
    help = (
        "Rebuild the similarity search index from the database. Prompts without an embedding, or with "
        "one from another model than EMBEDDING_MODEL, are embedded again first. --check only reports drift."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift and exit 1 if any; change nothing")
        parser.add_argument("--user", help="only this username")
        parser.add_argument("--batch-size", type=int, default=settings.EMBEDDING_BATCH_SIZE)

    def handle(self, *args, check: bool, user: str | None, batch_size: int, verbosity: int, **options):
        user_id = None
        if user is not None:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"no user named {user!r}")
            user_id = owner.pk
        embedder = get_embedder()
        indexes = all_indexes()  # the prompts' vectors and the answers'
        pending = prompts_needing_embedding(model_name=embedder.model_name, user_id=user_id)
        if check:
            self._check(indexes, pending.count(), embedder.model_name, user_id)
            return
        quiet = verbosity == 0
        started = time.perf_counter()
        total = pending.count()
        with tqdm(total=total, unit="prompt", file=sys.stderr, disable=quiet, desc="re-embedding") as progress:
            for batch in batches(pending, batch_size):
                progress.update(reembed(prompts=batch, embedder=embedder))
        users = users_with_prompts(user_id=user_id)
        sizes = [0] * len(indexes)  # the prompts' vectors, the answers'
        turns = 0
        for uid in tqdm(users, unit="user", file=sys.stderr, disable=quiet, desc="rebuilding"):
            for position, index in enumerate(indexes):
                sizes[position] += index.rebuild(user_id=uid)
            turns += changes.rebuild_keywords(uid)
        self.stdout.write(
            f"re-embedded {total} prompts with {embedder.model_name}; rebuilt the {settings.VECTOR_BACKEND} "
            f"index of {len(users)} users ({sizes[0]} vectors) with {sum(sizes[1:])} answer vectors, and the "
            f"keyword index ({turns} turns) in {time.perf_counter() - started:.1f} s"
        )

    def _check(self, indexes, pending: int, model_name: str, user_id: int | None) -> None:
        problems = []
        if pending:
            problems.append(f"{pending} answered prompts have no embedding from {model_name}")
        for uid in users_with_prompts(user_id=user_id):
            for reason in [*(index.check(user_id=uid) for index in indexes), keyword_index.check(user_id=uid)]:
                if reason:
                    problems.append(f"user {uid}: {reason}")
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"search index drift: {len(problems)} problems; run `manage.py rebuild_index`")
        self.stdout.write(f"search index in sync with the database ({settings.VECTOR_BACKEND}, {model_name})")
