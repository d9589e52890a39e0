"""Conversations: context assembly for a 50-turn path and GET /conversations/ at 10,000 conversations,
each against GET /prompts/?limit=10 measured in the same run (alternating, medians).

    .venv/bin/python benchmarks/conversations.py [--conversations 10000] [--rounds 200]

In-process through Django's full request stack (middleware, JWT authentication, views, serializers)
with a SQLite database in a temporary folder. The context assembly uses the real default generator's
tokenizer and chat template (SmolLM2-135M-Instruct; the model is loaded once, never run): it reads
the path's turns, renders them through the template and counts tokens (dropping the oldest turns
when over the context). The anchor lists 10 prompts with their 384-float embeddings.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PROMPT = "Could you explain, step by step and with an example, how {topic} works in practice? " * 2
ANSWER = "Certainly. Here is how {topic} works: first the basics, then the details, then an example. " * 4
TOPICS = ["compound interest", "a hash table", "photosynthesis", "TCP congestion control", "sourdough"]


def setup_django(data_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATA_DIR=data_dir,
        ALLOWED_HOSTS="testserver,localhost",
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-4d1c9e2b7a6f",
        SECURE_SSL_REDIRECT="false",
        AI_PRELOAD="false",
        CONVERSATION_MODEL_TITLES="false",
        MODEL_CACHE_DIR=os.environ.get("MODEL_CACHE_DIR", str(REPO / "data" / "models")),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(conversations: int):
    """A user with `conversations` one-turn conversations and one of 50 turns; returns (user, 50-turn id)."""
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from prompt_forge.prompts.conversations.turns import wrap_in_conversations
    from prompt_forge.prompts.models import Conversation, Prompt, PromptEmbedding, PromptMetadata

    user = get_user_model().objects.create_user(username="bench", password=None)
    rng = np.random.default_rng(7)
    for start in range(0, conversations, 2000):
        count = min(2000, conversations - start)
        with transaction.atomic():
            prompts = Prompt.objects.bulk_create(
                Prompt(user=user, text=PROMPT.format(topic=TOPICS[i % 5]), response=ANSWER.format(topic=TOPICS[i % 5]),
                       status="completed")
                for i in range(start, start + count)
            )  # fmt: skip
            wrap_in_conversations(prompts)
            PromptMetadata.objects.bulk_create(PromptMetadata(prompt=p, model_used="bench") for p in prompts)
            vectors = rng.standard_normal((count, 384)).astype("float32")
            PromptEmbedding.objects.bulk_create(
                PromptEmbedding(prompt=p, user=user, model_name="bench", vector=PromptEmbedding.encode(v))
                for p, v in zip(prompts, vectors, strict=True)
            )
    long = Conversation.objects.create(user=user, title="fifty turns", system="You are a patient teacher.")
    parent = None
    for i in range(50):
        topic = TOPICS[i % 5]
        parent = Prompt.objects.create(
            user=user, conversation=long, parent=parent, text=PROMPT.format(topic=topic),
            response=ANSWER.format(topic=topic), status="completed",
        )  # fmt: skip
    Conversation.objects.filter(pk=long.pk).update(active_turn=parent)
    return user, long.pk


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.test import Client
        from rest_framework_simplejwt.tokens import AccessToken

        from prompt_forge.ai.registry import get_generator
        from prompt_forge.prompts.conversations.placement import prepare

        started = time.perf_counter()
        user, long_id = seed(args.conversations)
        print(f"seeded {args.conversations + 1} conversations in {time.perf_counter() - started:.1f} s")
        generator = get_generator()  # the real tokenizer and chat template
        client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")

        def anchor():
            assert client.get("/prompts/?limit=10").status_code == 200

        def listing():
            assert client.get("/conversations/").status_code == 200

        question = "And how does it compare with the first one?"

        def assemble():
            return prepare(user_id=user.pk, text=question, conversation_id=long_id)

        messages = assemble().context.messages  # the first call counts each exchange once (then remembered)
        context_info = {**assemble().context.as_info(), "tokens": generator.count_tokens(messages)}

        for call in (anchor, listing, assemble):  # warm-up: caches, first queries
            for _ in range(5):
                call()
        samples = {"anchor": [], "listing": [], "assemble": []}
        for _ in range(args.rounds):  # alternating, so load changes hit all three alike
            samples["anchor"].append(timed(anchor))
            samples["listing"].append(timed(listing))
            samples["assemble"].append(timed(assemble))
        medians = {name: statistics.median(values) for name, values in samples.items()}
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if "Model name" in line), "?")
        print(f"CPU: {model}; load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians")
        print(f"context of the 50-turn path: {context_info}")
        print(f"GET /prompts/?limit=10 (anchor)            {medians['anchor']:8.2f} ms")
        print(f"GET /conversations/ ({args.conversations + 1} conversations) {medians['listing']:8.2f} ms"
              f"  ratio {medians['listing'] / medians['anchor']:.2f}x (target <= 1.5x)")  # fmt: skip
        print(f"context assembly, 50-turn path              {medians['assemble']:8.2f} ms"
              f"  ratio {medians['assemble'] / medians['anchor']:.2f}x (target < 10 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
