"""Stop strings and incremental decoding: what a client is shown never contains a stop string or half a character."""

from prompt_forge.ai.token_text import IncrementalDecoder, StopStringFilter


def shown(stop: tuple[str, ...], pieces: list[str]) -> tuple[list[str], StopStringFilter]:
    text = StopStringFilter(stop)
    out = []
    for piece in pieces:
        out.append(text.feed(piece))
        if text.stopped:
            break
    if not text.stopped:
        out.append(text.flush())
    return out, text


def test_the_answer_is_cut_before_a_stop_string_split_across_pieces():
    out, text = shown(("END",), ["The answer is 4", "2. E", "N", "D and more"])
    assert "".join(out) == "The answer is 42. "
    assert text.stopped


def test_no_piece_ever_shows_the_start_of_a_stop_string_before_it_is_complete():
    out, text = shown(("\n\n",), list("one\ntwo\n\nthree"))
    assert "".join(out) == "one\ntwo"  # the first newline of the stop string was held back, never shown
    assert text.stopped


def test_text_that_only_looks_like_a_stop_string_is_shown_in_full():
    out, text = shown(("STOP",), list("STOnE STO!"))
    assert "".join(out) == "STOnE STO!"
    assert not text.stopped


def test_the_earliest_of_several_stop_strings_wins():
    out, _ = shown(("beta", "alpha"), ["x alpha y beta"])
    assert "".join(out) == "x "


def test_without_stop_strings_every_piece_is_shown_at_once_and_leading_space_dropped():
    text = StopStringFilter(())
    assert text.feed("  Hello") == "Hello"
    assert text.feed(" world") == " world"
    assert text.flush() == ""


def test_whitespace_still_held_back_at_the_end_is_dropped():
    out, _ = shown(("###",), ["Done.", "\n"])
    assert out[:2] == ["Don", "e"]  # two characters (a stop string's length - 1) wait for the next piece
    assert "".join(out) == "Done."


def test_incremental_decoder_never_shows_half_a_character():
    def decode(ids: list[int]) -> str:  # one byte per token, as byte-level tokenizers do
        return bytes(ids).decode("utf-8", errors="replace")

    decoder = IncrementalDecoder(decode)
    pieces = [decoder.add(byte) for byte in "aé€".encode()]
    assert pieces == ["a", "", "é", "", "", "€"]
    assert decoder.flush() == ""
