"""Faults: a failing or slow model, a broken channel layer, a corrupt index file. Nothing is lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from prompt_forge.prompts.models import Prompt, PromptMetadata
from tests.fakes import FakeGenerator

pytestmark = pytest.mark.django_db(transaction=True)


def create(client, text: str, **extra):
    return client.post("/prompts/", {"prompt": text, **extra}, format="json")


def test_failed_prompt_is_kept_and_retriable(make_user, client_for):
    client = client_for(make_user())
    FakeGenerator.fail_with = "CUDA out of memory"
    failed = create(client, "What is a volcano?")
    assert failed.status_code == 503
    prompt_id = failed.json()["prompt_id"]
    assert failed.json()["retry"] == f"POST /prompts/{prompt_id}/retry/"
    # Still failing: another 503, the prompt still kept.
    assert client.post(f"/prompts/{prompt_id}/retry/").status_code == 503
    assert Prompt.objects.get(pk=prompt_id).status == Prompt.Status.FAILED

    FakeGenerator.fail_with = None
    retried = client.post(f"/prompts/{prompt_id}/retry")
    assert retried.status_code == 200
    body = retried.json()
    assert body["id"] == prompt_id
    assert body["response"] == "Answer to: What is a volcano?"
    assert body["metadata"]["extra_info"]["status"] == "completed"
    assert len(body["embedding"]["vector"]) == 384
    # The answered prompt is searchable, and only once in the history.
    assert [r["id"] for r in client.get("/prompts/similar/?q=volcano").json()] == [prompt_id]
    assert client.get("/prompts/").json()["count"] == 1
    # Answered prompts are not answered twice.
    again = client.post(f"/prompts/{prompt_id}/retry/")
    assert again.status_code == 409
    assert again.json() == {"error": "prompt already has an answer"}


def test_retry_of_someone_elses_prompt_is_404(make_user, client_for):
    alice, bob = client_for(make_user("alice")), client_for(make_user("bob"))
    FakeGenerator.fail_with = "down"
    prompt_id = create(alice, "alice's failed prompt").json()["prompt_id"]
    FakeGenerator.fail_with = None
    assert bob.post(f"/prompts/{prompt_id}/retry/").json() == {"detail": "Not found."}
    assert Prompt.objects.get(pk=prompt_id).status == Prompt.Status.FAILED
    assert alice.post("/prompts/999999/retry/").status_code == 404


def test_generation_timeout_is_504_and_the_prompt_is_kept(make_user, client_for, settings):
    settings.GENERATION_TIMEOUT_S = 0.2
    client = client_for(make_user())
    FakeGenerator.piece_delay_s = 0.5  # a stuck model: 0.5 s before each word
    response = create(client, "Tell me a long story")
    assert response.status_code == 504
    body = response.json()
    assert body["error"] == "the language model timed out; your prompt was saved"
    assert body["reason"] == "generation took longer than 0.2 s"
    saved = Prompt.objects.get(pk=body["prompt_id"])
    assert saved.text == "Tell me a long story" and saved.status == Prompt.Status.FAILED

    FakeGenerator.piece_delay_s = 0.0
    retried = client.post(f"/prompts/{saved.pk}/retry/")
    assert retried.status_code == 200
    assert retried.json()["response"] == "Answer to: Tell me a long story"


def test_orphaned_pending_prompt_is_retriable_but_a_fresh_one_is_not(make_user, client_for):
    user = make_user()
    client = client_for(user)
    fresh = Prompt.objects.create(user=user, text="in flight")
    PromptMetadata.objects.create(prompt=fresh)
    busy = client.post(f"/prompts/{fresh.pk}/retry/")
    assert busy.status_code == 409
    assert busy.json() == {"error": "prompt is being answered right now"}
    # A process stopped mid-generation left this one pending long ago.
    Prompt.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert client.post(f"/prompts/{fresh.pk}/retry/").json()["response"] == "Answer to: in flight"
