"""Titles: the first words at once, then a short one the model writes, never over the owner's."""

import threading
import time

import pytest

from prompt_forge.ai.admission import generation_slots
from prompt_forge.ai.base import Generation
from prompt_forge.prompts.conversations import titles
from prompt_forge.prompts.conversations.models import Conversation
from tests.fakes import FakeGenerator


class TitleWriter(FakeGenerator):
    def stream(self, prompt, *, params=None):
        FakeGenerator.last_prompt = prompt
        text = '"Zorblax Introduces Himself."\nMore text the model went on with.'
        yield text
        yield Generation(text=text, model=self.model_name, prompt_tokens=5, completion_tokens=9, duration_ms=1.0)


@pytest.fixture
def title_writer(settings):
    settings.GENERATION_BACKEND = "tests.prompts.conversations.test_titles.TitleWriter"
    settings.CONVERSATION_MODEL_TITLES = True


def test_words_title_cuts_at_a_word():
    assert titles.words_title("  Hi,   my name\nis Zorblax. ") == "Hi, my name is Zorblax."
    long = titles.words_title("alpha beta gamma delta " * 10)
    assert len(long) <= 60 and long.endswith("\u2026") and not long.endswith(" \u2026")


def test_clean_title_takes_the_first_line_without_decoration():
    assert titles.clean_title('Title: "Rivers of Europe".\nblah') == "Rivers of Europe"
    assert titles.clean_title("## **Cooking pasta**") == "Cooking pasta"
    assert titles.clean_title("   \n  ") == ""
    assert titles.clean_title("```python\ndef add(a, b):") == ""
    assert len(titles.clean_title("x" * 200)) <= 60


@pytest.mark.django_db
def test_model_title_replaces_the_words_but_not_a_rename(make_user, title_writer):
    user = make_user()
    conversation = Conversation.objects.create(user=user, title="Hi, my name is Zorblax.")
    assert titles.write_model_title(conversation.pk, "Hi, my name is Zorblax.")
    conversation.refresh_from_db()
    assert (conversation.title, conversation.title_source) == ("Zorblax Introduces Himself", "model")
    assert "Hi, my name is Zorblax." in FakeGenerator.last_prompt[0]["content"]
    renamed = Conversation.objects.create(user=user, title="Mine", title_source="user")
    assert not titles.write_model_title(renamed.pk, "Hi")
    renamed.refresh_from_db()
    assert renamed.title == "Mine"


@pytest.mark.django_db
def test_a_failing_model_keeps_the_first_words(make_user, settings):
    settings.CONVERSATION_MODEL_TITLES = True
    FakeGenerator.fail_with = "model down"
    conversation = Conversation.objects.create(user=make_user(), title="first words")
    assert not titles.write_model_title(conversation.pk, "first words")
    conversation.refresh_from_db()
    assert (conversation.title, conversation.title_source) == ("first words", "words")


@pytest.mark.django_db(transaction=True)
def test_after_the_first_answer_the_title_is_written_in_the_background(make_user, client_for, title_writer):
    client = client_for(make_user())
    created = client.post("/prompts/", {"prompt": "Hi, my name is Zorblax."}, format="json").json()
    assert created["response"].startswith('"Zorblax')  # the answer is not held up by the title
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        title = client.get(f"/conversations/{created['conversation']}/").json()["title"]
        if title == "Zorblax Introduces Himself":
            break
        time.sleep(0.05)
    assert title == "Zorblax Introduces Himself"


@pytest.mark.django_db(transaction=True)
def test_a_title_waits_until_no_answer_is_being_generated(make_user, title_writer, monkeypatch):
    monkeypatch.setattr(titles, "IDLE_BEFORE_TITLE_S", 0.3)
    conversation = Conversation.objects.create(user=make_user(), title="Hi, my name is Zorblax.")
    model = titles.default_model().name
    written = threading.Event()
    with generation_slots.slot(model):  # another user's answer is being generated
        writer = threading.Thread(target=lambda: titles.write_model_title(conversation.pk, "Hi") and written.set())
        writer.start()
        assert not written.wait(1.0), "the title took the engine while an answer was generating"
    assert written.wait(5)
    writer.join()
    conversation.refresh_from_db()
    assert conversation.title == "Zorblax Introduces Himself"


def test_a_server_that_stays_busy_keeps_the_first_words(title_writer, monkeypatch):
    monkeypatch.setattr(titles, "TITLE_WAIT_S", 0.5)
    with generation_slots.slot(titles.default_model().name):
        assert titles.model_title("Hi, my name is Zorblax.") == ""
