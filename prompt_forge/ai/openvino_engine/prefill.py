"""Reading long prompts without starving the others: piece by piece, paced.

OpenVINO's scheduler reads waiting prompts in arrival order, each step filling its token budget with
the oldest prompt first, and every step that carries part of a long prompt takes as long as reading
that part. So a short request that arrives while an 8,000-token prompt is read would wait for all of
it, then decode at the pace of those long steps.

Instead, a prompt longer than one chunk goes into the pipeline a chunk at a time: each piece is a
request for the prompt's first `k x chunk` tokens that generates one token, and prefix caching keeps
what the pieces read, so the next piece (and finally the whole prompt, which then generates its
answer) only reads its new chunk. Between pieces other requests join and decode. While any other
request is running, the pieces take at most a third of the engine's time: after a step that carried a
piece, the next piece waits until the others have had twice that time to themselves.
"""

# While other requests run, the long prompt's pieces get one part of the engine's time in 1 + this.
OTHERS_TIME_PER_PIECE_TIME = 2.0


class PrefillPacer:
    def __init__(self) -> None:
        self._owed = 0.0  # seconds the other requests are owed before the next piece

    def may_feed(self, *, others_running: bool) -> bool:
        return not others_running or self._owed <= 0

    def record_step(self, seconds: float, *, carried_piece: bool, others_running: bool) -> None:
        if carried_piece and others_running:
            self._owed += seconds * OTHERS_TIME_PER_PIECE_TIME
        elif not carried_piece:
            self._owed = max(0.0, self._owed - seconds)
        if not others_running:
            self._owed = 0.0
