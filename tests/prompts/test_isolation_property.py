"""Isolation proof: random multi-user sequences never show one user another user's data.

Hypothesis draws sequences of create (with and without the semantic cache and WebSocket push),
delete, list, retrieve, retry and similar-search calls by three users who write from the same small
vocabulary, so their prompts are near-identical and any leak through search or the cache would show.
Every answer the fake model writes is unique ("Answer #n ..."), so a response that came from another
user's history is recognisable. WebSocket pushes are read from each user's channel-layer group.

ISOLATION_EXAMPLES (default 1000) sets how many sequences run.
"""

import itertools
import os
from collections import Counter
from dataclasses import dataclass, field, replace

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from prompt_forge.ai.base import Generation
from prompt_forge.prompts.notifications import user_group
from tests.fakes import FakeGenerator
from tests.prompts import isolation_accounts as accounts_steps
from tests.prompts import isolation_workflow as workflow_steps

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("ISOLATION_EXAMPLES", "1000"))
USERS = 3
MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
WORDS = ["river", "delta", "chess", "bread", "plants", "light", "stone", "music"]
TEMPLATE_NAMES = ["summary", "haiku"]
_answers = itertools.count(1)


class NumberedGenerator(FakeGenerator):
    """Every answer is unique, so one that comes from another user's history is recognisable."""

    def stream(self, prompt, *, params=None):
        prefix = f"#{next(_answers)} "
        yield prefix
        for event in super().stream(prompt, params=params):
            yield replace(event, text=prefix + event.text) if isinstance(event, Generation) else event


texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
users = st.integers(0, USERS - 1)
picks = st.integers(0, 10_000)  # an index into every prompt id seen so far, whoever owns it
operations = st.one_of(
    st.tuples(st.just("create"), users, texts, st.booleans(), st.booleans()),
    st.tuples(st.just("delete"), users, picks),
    st.tuples(st.just("retrieve"), users, picks),
    st.tuples(st.just("retry"), users, picks),
    st.tuples(st.just("list"), users),
    st.tuples(st.just("similar"), users, texts, st.integers(1, 10)),
    # /search/: any mode, optionally filtered to a conversation (anyone's id).
    st.tuples(
        st.just("search"), users, texts, st.sampled_from(["hybrid", "semantic", "keyword"]), st.one_of(st.none(), picks)
    ),
    # Conversations: continue, read, search, export and delete one (anyone's id), /v1 naming one.
    st.tuples(st.just("turn"), users, picks, texts),
    st.tuples(st.just("thread"), users, picks),
    st.tuples(st.just("conversations"), users, st.one_of(st.none(), texts)),
    st.tuples(st.just("v1"), users, picks, texts),
    st.tuples(st.just("drop conversation"), users, picks),
    st.tuples(st.just("export"), users, picks),
    # API keys: create, revoke and list (anyone's id); a key reads only its owner's data.
    st.tuples(st.just("key create"), users),
    st.tuples(st.just("key revoke"), users, picks),
    st.tuples(st.just("key list"), users),
    st.tuples(st.just("key use"), users, picks),
    st.tuples(st.just("usage"), users),
    # Tags: set a conversation's (anyone's id), then list them.
    st.tuples(st.just("tag"), users, picks, st.lists(st.sampled_from(WORDS), max_size=3)),
    st.tuples(st.just("tags"), users),
    # Templates (names shared between users), runs of them, ratings and template stats.
    st.tuples(st.just("template"), users, st.sampled_from(TEMPLATE_NAMES), texts),
    st.tuples(st.just("run template"), users, st.sampled_from(TEMPLATE_NAMES), texts),
    st.tuples(st.just("read template"), users, st.sampled_from(TEMPLATE_NAMES)),
    st.tuples(st.just("rate"), users, picks, st.sampled_from([1, -1])),
    st.tuples(st.just("template stats"), users, st.sampled_from(TEMPLATE_NAMES)),
    # Share links: create (anyone's conversation id), open without login, revoke, list.
    st.tuples(st.just("share"), users, picks),
    st.tuples(st.just("open share"), picks),
    st.tuples(st.just("revoke share"), users, picks),
    st.tuples(st.just("shares"), users),
    st.tuples(st.just("compare"), users, picks),
)


@dataclass
class World:
    """What the service should hold: each prompt's owner, text and answer, and the expected pushes."""

    clients: list[APIClient]
    user_ids: list[int]
    channels: list[str]
    owner: dict[int, int] = field(default_factory=dict)  # prompt id -> user index
    text: dict[int, str] = field(default_factory=dict)
    response: dict[int, str] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    pushes: list[list[int]] = field(default_factory=lambda: [[] for _ in range(USERS)])
    conversation_owner: dict[int, int] = field(default_factory=dict)  # conversation id -> user index
    conversation_of: dict[int, int] = field(default_factory=dict)  # prompt id -> conversation id
    dropped: set[int] = field(default_factory=set)  # deleted conversations
    key_owner: dict[int, int] = field(default_factory=dict)  # API key id -> user index
    key_secret: dict[int, str] = field(default_factory=dict)
    revoked: set[int] = field(default_factory=set)
    tags: dict[int, set[str]] = field(default_factory=dict)  # conversation id -> its tags

    def tag_counts(self, user: int) -> list[dict]:
        counts = Counter(name for cid in self.own_conversations(user) for name in self.tags.get(cid, ()))
        return [{"name": name, "count": counts[name]} for name in sorted(counts)]

    templates: dict[tuple[int, str], str] = field(default_factory=dict)  # (user, name) -> content
    runs: dict[tuple[int, str], set[int]] = field(default_factory=dict)  # (user, name) -> prompt ids
    ratings: dict[int, int] = field(default_factory=dict)  # prompt id -> rating
    shares: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # url path -> (user, conversation, id)
    revoked_shares: set[str] = field(default_factory=set)

    def live(self, user: int) -> set[int]:
        return {pid for pid, who in self.owner.items() if who == user and pid not in self.deleted}

    def responses_of_others(self, user: int) -> set[str]:
        return {self.response[pid] for pid, who in self.owner.items() if who != user}

    def pick(self, n: int) -> int:
        ids = sorted(self.owner)
        return ids[n % len(ids)] if ids else 1

    def pick_conversation(self, n: int) -> int:
        ids = sorted(self.conversation_owner)
        return ids[n % len(ids)] if ids else 1

    def pick_key(self, n: int) -> int:
        ids = sorted(self.key_owner)
        return ids[n % len(ids)] if ids else 1

    def own_conversations(self, user: int) -> set[int]:
        return {cid for cid, who in self.conversation_owner.items() if who == user and cid not in self.dropped}

    def record(self, user: int, body: dict) -> None:
        pid = body["id"]
        self.owner[pid], self.text[pid], self.response[pid] = user, body["text"], body["response"]
        self.conversation_of[pid] = body["conversation"]
        self.conversation_owner.setdefault(body["conversation"], user)


def check_prompt(world: World, user: int, body: dict) -> None:
    """A prompt object shown to `user` is one of their own live prompts, with their own data."""
    pid = body["id"]
    assert world.owner.get(pid) == user, f"user {user} was shown prompt {pid} of user {world.owner.get(pid)}"
    assert pid not in world.deleted
    assert body["user"] == world.user_ids[user]
    assert body["text"] == world.text[pid]
    assert body["response"] == world.response[pid]


def do_create(world: World, stats: Counter, user: int, text: str, use_cache: bool, push: bool) -> None:
    body = {"prompt": text, "use_cache": use_cache, "send_via_websocket": push}
    response = world.clients[user].post("/prompts/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    pid = created["id"]
    assert created["user"] == world.user_ids[user] and created["text"] == text
    # A cached answer is the user's own earlier answer; anything else was generated for this prompt.
    assert created["response"] not in world.responses_of_others(user), "answer taken from another user"
    cache = (created["metadata"]["extra_info"] or {}).get("cache") or {}
    if cache.get("hit"):
        stats["cache hits"] += 1
        source = cache["source_prompt_id"]
        assert source in world.live(user), f"cache hit on prompt {source} of user {world.owner.get(source)}"
        assert created["response"] == world.response[source]
        down = {world.response[p] for p, r in world.ratings.items() if r == -1 and p in world.live(user)}
        assert created["response"] not in down, "a down-rated answer was served from the cache"
    world.record(user, created)
    if push:
        world.pushes[user].append(pid)


def do_delete(world: World, stats: Counter, user: int, pick: int) -> None:
    pid = world.pick(pick)
    response = world.clients[user].delete(f"/prompts/{pid}/")
    if pid in world.live(user):
        assert response.status_code == 204
        world.deleted.add(pid)
    else:
        stats["foreign or missing ids refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def do_retrieve(world: World, stats: Counter, user: int, pick: int) -> None:
    pid = world.pick(pick)
    response = world.clients[user].get(f"/prompts/{pid}/")
    if pid in world.live(user):
        check_prompt(world, user, response.json())
    else:
        stats["foreign or missing ids refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def do_retry(world: World, stats: Counter, user: int, pick: int) -> None:
    pid = world.pick(pick)
    response = world.clients[user].post(f"/prompts/{pid}/retry/")
    # Every prompt here was answered: the owner gets 409, anyone else the same 404 as a missing id.
    assert response.status_code == (409 if pid in world.live(user) else 404)


def do_list(world: World, stats: Counter, user: int) -> None:
    page = world.clients[user].get("/prompts/?limit=100").json()
    assert page["count"] == len(world.live(user))
    assert {item["id"] for item in page["results"]} == world.live(user)
    for item in page["results"]:
        check_prompt(world, user, item)


def do_similar(world: World, stats: Counter, user: int, query: str, k: int) -> None:
    response = world.clients[user].get("/prompts/similar/", {"q": query, "k": k})
    assert response.status_code == 200
    results = response.json()
    assert len(results) == min(k, len(world.live(user)))
    for item in results:
        check_prompt(world, user, item)
    stats["search results checked"] += len(results)


def do_search(world: World, stats: Counter, user: int, query: str, mode: str, pick: int | None) -> None:
    params = {"q": query, "mode": mode, "k": 10}
    if pick is not None:
        params["conversation"] = world.pick_conversation(pick)
    response = world.clients[user].get("/search/", params)
    assert response.status_code == 200
    results = response.json()
    assert len(results) <= 10
    if pick is not None and world.conversation_owner.get(params["conversation"]) != user:
        assert results == []  # another user's conversation filters everything out
    for item in results:
        check_prompt(world, user, item)
        snippet = item["snippet"]
        source = world.text[item["id"]] if snippet["field"] == "prompt" else world.response[item["id"]]
        assert snippet["text"] in source  # the snippet is of the user's own turn
    stats["search hits checked"] += len(results)


def do_turn(world: World, stats: Counter, user: int, pick: int, text: str) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].post(f"/conversations/{cid}/turns/", {"prompt": text}, format="json")
    if cid in world.own_conversations(user):
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["response"] not in world.responses_of_others(user), "answer taken from another user"
        assert created["conversation"] == cid
        world.record(user, created)
    else:
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def do_thread(world: World, stats: Counter, user: int, pick: int) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].get(f"/conversations/{cid}/")
    if cid not in world.own_conversations(user):
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
        return
    for turn in response.json()["turns"]:
        check_prompt(world, user, {**turn, "user": turn["user"]})
        stats["turns checked"] += 1


def do_conversations(world: World, stats: Counter, user: int, query: str | None) -> None:
    params = {"limit": 100, **({"q": query} if query else {})}
    body = world.clients[user].get("/conversations/", params).json()
    shown = {item["id"] for item in body["results"]}
    assert shown <= world.own_conversations(user), "another user's conversation listed"
    if query is None:
        assert shown == world.own_conversations(user)


def do_v1(world: World, stats: Counter, user: int, pick: int, text: str) -> None:
    cid = world.pick_conversation(pick)
    body = {"model": MODEL, "messages": [{"role": "user", "content": text}], "conversation": cid}
    response = world.clients[user].post("/v1/chat/completions", body, format="json")
    if cid in world.own_conversations(user):
        assert response.status_code == 200, response.content
        answer = response.json()["choices"][0]["message"]["content"]
        assert answer not in world.responses_of_others(user)
        pid = int(response.json()["id"].removeprefix("chatcmpl-"))
        world.record(user, {"id": pid, "text": text, "response": answer, "conversation": cid})
    else:
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404 and response.json()["error"]["param"] == "conversation"


def do_drop_conversation(world: World, stats: Counter, user: int, pick: int) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].delete(f"/conversations/{cid}/")
    if cid in world.own_conversations(user):
        assert response.status_code == 204
        world.dropped.add(cid)
        world.deleted |= {pid for pid, conversation in world.conversation_of.items() if conversation == cid}
    else:
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404


def do_tag(world: World, stats: Counter, user: int, pick: int, names: list[str]) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].patch(f"/conversations/{cid}/", {"tags": names}, format="json")
    if cid in world.own_conversations(user):
        assert response.status_code == 200
        world.tags[cid] = set(names)
        assert response.json()["tags"] == sorted(set(names))
    else:
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404


def do_tags(world: World, stats: Counter, user: int) -> None:
    response = world.clients[user].get("/tags/")
    assert response.status_code == 200
    assert response.json() == world.tag_counts(user)  # only the user's own tags, counted on their own
    stats["tag lists checked"] += 1


def do_export(world: World, stats: Counter, user: int, pick: int) -> None:
    cid = world.pick_conversation(pick)
    response = world.clients[user].get(f"/conversations/{cid}/export", {"format": "json"})
    if cid not in world.own_conversations(user):
        stats["foreign or missing conversations refused"] += 1
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}
        return
    for turn in response.json()["turns"]:
        assert world.owner.get(turn["id"]) == user and turn["id"] not in world.deleted
        assert (turn["prompt"], turn["response"]) == (world.text[turn["id"]], world.response[turn["id"]])
        stats["turns checked"] += 1


ACTIONS = {
    "compare": workflow_steps.do_compare,
    "key create": accounts_steps.do_key_create,
    "key revoke": accounts_steps.do_key_revoke,
    "key list": accounts_steps.do_key_list,
    "key use": accounts_steps.do_key_use,
    "usage": accounts_steps.do_usage,
    "share": workflow_steps.do_share,
    "open share": workflow_steps.do_open_share,
    "revoke share": workflow_steps.do_revoke_share,
    "shares": workflow_steps.do_shares,
    "template": workflow_steps.do_template,
    "run template": workflow_steps.do_run_template,
    "read template": workflow_steps.do_read_template,
    "rate": workflow_steps.do_rate,
    "template stats": workflow_steps.do_template_stats,
    "export": do_export,
    "turn": do_turn,
    "thread": do_thread,
    "conversations": do_conversations,
    "v1": do_v1,
    "drop conversation": do_drop_conversation,
    "create": do_create,
    "delete": do_delete,
    "retrieve": do_retrieve,
    "retry": do_retry,
    "list": do_list,
    "similar": do_similar,
    "search": do_search,
    "tag": do_tag,
    "tags": do_tags,
}


async def drain(layer, channels: list[str]) -> list[list[dict]]:
    """Every message waiting on each channel (without waiting for more)."""
    received: list[list[dict]] = []
    for channel in channels:
        messages = []
        while (queue := layer.channels.get(channel)) is not None and not queue.empty():
            messages.append(await layer.receive(channel))
        received.append(messages)
    return received


def check_pushes(world: World, stats: Counter) -> None:
    """Each user's sockets received exactly the pushes of their own prompts, in order."""
    received = async_to_sync(drain)(get_channel_layer(), world.channels)
    for user, messages in enumerate(received):
        assert [m["payload"]["id"] for m in messages] == world.pushes[user]
        for message in messages:
            pid = message["payload"]["id"]
            assert message["payload"]["prompt"] == world.text[pid]
            assert message["payload"]["response"] == world.response[pid]
        stats["pushes checked"] += len(messages)


async def open_sockets(layer, user_ids: list[int]) -> list[str]:
    """One channel in each user's group, as an open WebSocket of that user would have."""
    channels = []
    for user_id in user_ids:
        channel = await layer.new_channel()
        await layer.group_add(user_group(user_id), channel)
        channels.append(channel)
    return channels


def new_world(django_user_model) -> World:
    clients, user_ids = [], []
    for _ in range(USERS):
        user = django_user_model.objects.create_user(username=f"iso{next(_answers)}", password=None)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        clients.append(client)
        user_ids.append(user.pk)
    channels = async_to_sync(open_sockets)(get_channel_layer(), user_ids)
    return World(clients=clients, user_ids=user_ids, channels=channels)


def test_no_user_ever_receives_another_users_data(settings, django_user_model):
    settings.GENERATION_BACKEND = "tests.prompts.test_isolation_property.NumberedGenerator"
    settings.SEMANTIC_CACHE_THRESHOLD = 0.6  # shared vocabulary: cache hits are frequent
    settings.COMPARE_CONCURRENCY = 1  # one in-memory test database: comparisons answer one at a time
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    stats: Counter = Counter()

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same sequences every run: `make test` is deterministic
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps=st.lists(operations, min_size=1, max_size=12))
    def sequence(steps) -> None:
        world = new_world(django_user_model)  # fresh users: examples never share state
        # Every user starts with one prompt, so the many kinds of steps each find something to read.
        for user in range(USERS):
            do_create(world, stats, user, WORDS[user], False, False)
        # ... and the first user one template, which the others' steps must never reach.
        workflow_steps.do_template(world, stats, 0, TEMPLATE_NAMES[0], WORDS[0])
        for name, *args in steps:
            ACTIONS[name](world, stats, *args)
        check_pushes(world, stats)
        stats["sequences"] += 1

    sequence()
    print(dict(stats))
    assert stats["sequences"] >= EXAMPLES
    if EXAMPLES >= 500:  # a full run exercised everything it claims to prove (short runs may not)
        for what in (
            "cache hits",
            "pushes checked",
            "search results checked",
            "foreign or missing ids refused",
            "foreign or missing conversations refused",
            "turns checked",
            "foreign or missing keys refused",
            "key reads checked",
            "foreign or missing templates refused",
            "template stats checked",
            "shared turns checked",
            "comparison answers checked",
        ):
            assert stats[what] > 0, (what, stats)
