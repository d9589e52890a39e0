"""manage.py import_prompts and manage.py rebuild_index."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from prompt_forge.prompts.models import Prompt, PromptEmbedding
from prompt_forge.search.registry import get_index
from tests.fakes import FakeEmbedder
from tests.search.helpers import add, search_ids

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = [
    {"prompt": "How do I bake sourdough bread?", "response": "Feed the starter first."},
    {"prompt": "Rules of chess castling", "response": "King and rook move together.", "model_used": "gpt2"},
    {"prompt": "Why is the sky blue?", "response": "Rayleigh scattering.", "created_at": "2023-10-19T14:18:39Z"},
]


def write_lines(path, lines):
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def run(command, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_import_stores_searchable_history_and_reports_bad_lines(make_user, tmp_path):
    alice = make_user("alice")
    search_ids(alice, "anything")  # a running process already holds alice's index
    source = write_lines(
        tmp_path / "history.jsonl",
        [GOOD[0], "{not json", GOOD[1], "", {"prompt": "no answer"}, ["a", "list"], GOOD[2], {"prompt": 5}],
    )
    out, err = run("import_prompts", str(source), user="alice", batch_size=2)
    assert "imported 3 prompts for alice (0 already imported, 4 bad lines skipped)" in out
    assert "line 2: skipped: not valid JSON" in err
    assert 'line 5: skipped: "response" is required' in err
    assert "line 6: skipped: not a JSON object" in err
    assert 'line 8: skipped: "prompt" is required' in err

    prompts = {p.text: p for p in Prompt.objects.filter(user=alice).select_related("metadata", "embedding")}
    assert set(prompts) == {line["prompt"] for line in GOOD}
    sky = prompts["Why is the sky blue?"]
    assert sky.created_at.isoformat() == "2023-10-19T14:18:39+00:00"
    assert sky.response == "Rayleigh scattering." and sky.status == Prompt.Status.COMPLETED
    assert prompts["Rules of chess castling"].metadata.model_used == "gpt2"
    assert all(p.embedding.model_name == FakeEmbedder.model_name for p in prompts.values())
    # The already-loaded index sees the new rows without a restart.
    assert search_ids(alice, "chess castling", k=1) == [prompts["Rules of chess castling"].pk]


def test_import_is_idempotent(make_user, tmp_path):
    make_user("alice")
    source = write_lines(tmp_path / "history.jsonl", [*GOOD, GOOD[0]])
    out, _ = run("import_prompts", str(source), user="alice")
    assert "imported 3 prompts for alice (1 already imported" in out
    out, _ = run("import_prompts", str(source), user="alice")
    assert "imported 0 prompts for alice (4 already imported" in out
    assert Prompt.objects.count() == 3 and PromptEmbedding.objects.count() == 3


def test_a_line_repeated_in_the_next_batch_is_imported_once(make_user, tmp_path):
    make_user("alice")
    source = write_lines(tmp_path / "history.jsonl", [GOOD[0], GOOD[1], GOOD[0], GOOD[2], GOOD[1]])
    out, _ = run("import_prompts", str(source), user="alice", batch_size=2)
    assert "imported 3 prompts for alice (2 already imported, 0 bad lines skipped)" in out
    assert sorted(Prompt.objects.values_list("text", flat=True)) == sorted(line["prompt"] for line in GOOD)


def test_the_next_batch_is_embedded_while_the_previous_one_is_stored(make_user, tmp_path, monkeypatch):
    import threading

    from prompt_forge.prompts.management.commands import import_prompts

    make_user("alice")
    second_embedding_started = threading.Event()
    stored_while_embedding = []
    real_embed, real_store = FakeEmbedder.embed, import_prompts.store_batch

    def embed(self, texts):
        if any(text == GOOD[2]["prompt"] for text in texts):
            second_embedding_started.set()
        return real_embed(self, texts)

    def store(*, batch, **kwargs):
        if batch.records[0].text == GOOD[0]["prompt"]:
            stored_while_embedding.append(second_embedding_started.wait(timeout=10))
        return real_store(batch=batch, **kwargs)

    monkeypatch.setattr(FakeEmbedder, "embed", embed)
    monkeypatch.setattr(import_prompts, "store_batch", store)
    out, _ = run("import_prompts", str(write_lines(tmp_path / "h.jsonl", GOOD)), user="alice", batch_size=2)
    assert stored_while_embedding == [True]  # the first batch's write did not hold up the second's embedding
    assert "imported 3 prompts for alice" in out


def test_import_writes_whole_batches_or_nothing(make_user, tmp_path, monkeypatch):
    alice = make_user("alice")
    source = write_lines(tmp_path / "history.jsonl", GOOD)
    calls = {"n": 0}
    real_embed = FakeEmbedder.embed

    def flaky_embed(self, texts):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("embedding crashed")
        return real_embed(self, texts)

    monkeypatch.setattr(FakeEmbedder, "embed", flaky_embed)
    with pytest.raises(RuntimeError):
        run("import_prompts", str(source), user="alice", batch_size=2)
    assert Prompt.objects.filter(user=alice).count() == 2  # first batch complete, second absent
    assert PromptEmbedding.objects.filter(user=alice).count() == 2
    monkeypatch.setattr(FakeEmbedder, "embed", real_embed)
    out, _ = run("import_prompts", str(source), user="alice", batch_size=2)
    assert "imported 1 prompts for alice (2 already imported" in out
    assert Prompt.objects.filter(user=alice).count() == 3


def test_import_needs_an_existing_user_and_file(make_user, tmp_path):
    make_user("alice")
    with pytest.raises(CommandError, match="no user named 'bob'"):
        run("import_prompts", str(write_lines(tmp_path / "h.jsonl", GOOD)), user="bob")
    with pytest.raises(CommandError, match="no such file"):
        run("import_prompts", str(tmp_path / "missing.jsonl"), user="alice")


def test_rebuild_index_reembeds_other_models_and_check_reports_drift(make_user):
    alice = make_user("alice")
    bread = add(alice, "baking sourdough bread")
    chess = add(alice, "rules of chess openings")
    search_ids(alice, "x")
    out, _ = run("rebuild_index", check=True)
    assert "search index in sync" in out

    PromptEmbedding.objects.filter(prompt_id=chess).update(model_name="old-model", vector=b"\0" * 16)
    with pytest.raises(CommandError, match="drift"):
        run("rebuild_index", check=True)

    out, _ = run("rebuild_index")
    assert "re-embedded 1 prompts" in out and "1 users (2 vectors)" in out
    assert PromptEmbedding.objects.get(prompt_id=chess).model_name == FakeEmbedder.model_name
    assert search_ids(alice, "chess openings", k=1) == [chess]
    assert search_ids(alice, "sourdough", k=1) == [bread]
    out, _ = run("rebuild_index", check=True)
    assert "search index in sync" in out


def test_check_reports_a_corrupt_index_file(make_user):
    alice = make_user("alice")
    add(alice, "baking sourdough bread")
    search_ids(alice, "x")
    get_index()._path(alice.pk).write_bytes(b"garbage")
    with pytest.raises(CommandError, match="drift"):
        run("rebuild_index", check=True)
    run("rebuild_index", user="alice")
    assert "in sync" in run("rebuild_index", check=True)[0]


def test_import_skips_every_kind_of_bad_line_with_its_number_and_imports_the_rest(make_user, tmp_path):
    alice = make_user("alice")
    lines = [
        json.dumps(GOOD[0]).encode(),
        b'{"prompt": "bad date", "response": "r", "created_at": "2024-13-45T00:00:00Z"}',
        b'{"prompt": "lone \\ud800 surrogate", "response": "r"}',
        b'{"prompt": "nul", "response": "a \\u0000 b"}',
        b'{"prompt": "latin-1 \xe9t\xe9", "response": "r"}',
        b"[" * 5000 + b"]" * 5000,
        json.dumps(GOOD[1]).encode(),
        json.dumps(GOOD[2]).encode(),
    ]
    source = tmp_path / "history.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out, err = run("import_prompts", str(source), user="alice", batch_size=2)
    assert "imported 3 prompts for alice (0 already imported, 5 bad lines skipped)" in out
    assert "line 2: skipped: created_at must be an ISO 8601 date and time" in err
    assert "line 3: skipped: JSON strings must be valid Unicode text (lone surrogate found)" in err
    assert "line 4: skipped: JSON strings must not contain NUL" in err
    assert "line 5: skipped: not UTF-8 text" in err
    assert "line 6: skipped: not valid JSON (nested too deeply)" in err
    assert set(Prompt.objects.filter(user=alice).values_list("text", flat=True)) == {g["prompt"] for g in GOOD}


def test_a_line_the_database_refuses_is_reported_and_its_batch_still_imported(make_user, tmp_path, monkeypatch):
    from django.db import DataError

    from prompt_forge.prompts.management.commands import import_prompts

    alice = make_user("alice")
    real_store_batch = import_prompts.store_batch

    def refusing(*, batch, **kwargs):
        if any(record.text == "poison" for record in batch.records):
            raise DataError("value out of range")
        return real_store_batch(batch=batch, **kwargs)

    monkeypatch.setattr(import_prompts, "store_batch", refusing)
    source = write_lines(tmp_path / "h.jsonl", [GOOD[0], {"prompt": "poison", "response": "r"}, GOOD[1], GOOD[2]])
    out, err = run("import_prompts", str(source), user="alice", batch_size=3)
    assert "imported 3 prompts for alice (0 already imported, 1 bad lines skipped)" in out
    assert "line 2: skipped: the database refused it (value out of range)" in err
    assert Prompt.objects.filter(user=alice).count() == 3
