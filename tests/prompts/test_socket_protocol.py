"""What a WebSocket client may send: size, rate and shape of its messages."""

import pytest

from prompt_forge.prompts.socket_protocol import (
    CLOSE_POLICY_VIOLATION,
    CLOSE_TOO_BIG,
    ClientMessageError,
    MessageRateLimit,
    read_client_message,
)


def test_rate_limit_allows_a_burst_up_to_the_limit_then_refuses():
    rate = MessageRateLimit(limit=3, window=10.0)
    assert [rate.allow(now=t) for t in (0.0, 0.1, 0.2, 0.3)] == [True, True, True, False]


def test_rate_limit_window_slides():
    rate = MessageRateLimit(limit=2, window=10.0)
    assert rate.allow(now=0.0) and rate.allow(now=5.0)
    assert not rate.allow(now=9.9)
    assert rate.allow(now=10.0)  # the first message left the window
    assert not rate.allow(now=14.9)
    assert rate.allow(now=15.0)


def test_a_refused_message_does_not_use_up_the_allowance():
    rate = MessageRateLimit(limit=1, window=1.0)
    assert rate.allow(now=0.0)
    for t in (0.2, 0.4, 0.6, 0.8):
        assert not rate.allow(now=t)
    assert rate.allow(now=1.0)


def test_too_many_messages_close_the_socket_with_policy_violation(settings):
    settings.WS_RATE_MESSAGES = 2
    rate = MessageRateLimit(2, 60.0)
    read_client_message('{"type": "ping"}', None, rate)
    read_client_message('{"type": "ping"}', None, rate)
    with pytest.raises(ClientMessageError) as refused:
        read_client_message('{"type": "ping"}', None, rate)
    assert refused.value.close_code == CLOSE_POLICY_VIOLATION
    assert refused.value.message == "more than 2 messages in 60 seconds"


def test_oversized_and_malformed_messages(settings):
    settings.WS_MAX_MESSAGE_BYTES = 32
    rate = MessageRateLimit(100, 1.0)
    with pytest.raises(ClientMessageError) as big:
        read_client_message("x" * 33, None, rate)
    assert big.value.close_code == CLOSE_TOO_BIG
    with pytest.raises(ClientMessageError) as bad:
        read_client_message("not json", None, rate)
    # The REST API's strict JSON rules, with their reason: "messages must be JSON: JSON parse error - ..."
    assert bad.value.close_code is None and bad.value.message.startswith("messages must be JSON: ")
    with pytest.raises(ClientMessageError, match="JSON objects"):
        read_client_message("[1, 2]", None, rate)
    assert read_client_message(None, b'{"type": "auth"}', rate) == {"type": "auth"}
