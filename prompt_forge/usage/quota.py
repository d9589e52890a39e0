"""The verbs the answer pipeline spends tokens through: reserve before generating, settle after.

    with quota.reserve(user_id=..., key_id=..., tokens=prompt + max_new_tokens, model=...) as spending:
        ... generate ...
        spending.settle(tokens=used, model=answering_model, outcome="answered")

A request that cannot fit raises QuotaExceededError (HTTP 429 with Retry-After) before anything is
stored. Leaving the block without settling gives the whole reservation back (nothing was generated).
Tokens are prompt plus completion tokens; a semantic-cache hit settles to 0.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

from prompt_forge.common.metrics import QUOTA_TOKENS

from . import ledger
from .budgets import Budget, budgets_for

OUTCOMES = ("answered", "cache_hit", "failed", "cancelled", "refused")


class QuotaExceededError(Exception):
    """A token budget of the user (or of their API key) is spent until `resets_at`."""

    def __init__(self, budget: Budget, used: int) -> None:
        super().__init__(
            f"{budget.describe()} of {budget.limit} tokens is spent; it resets at {budget.resets_at.isoformat()}"
        )
        self.limit = budget.limit
        self.used = used
        self.resets_at = budget.resets_at
        self.period = budget.period

    @property
    def retry_after(self) -> int:
        return max(1, int((self.resets_at - datetime.now(UTC)).total_seconds()) + 1)


class Spending:
    def __init__(self, budgets: list[Budget], reserved: int, model: str) -> None:
        self._budgets = budgets
        self._reserved = reserved
        self._model = model
        self.settled = False

    def settle(self, *, tokens: int, model: str | None = None, outcome: str) -> None:
        """Count `tokens` instead of the reservation (once; later calls change nothing)."""
        if self.settled:
            return
        self.settled = True
        ledger.adjust(budgets=self._budgets, delta=max(0, tokens) - self._reserved)
        QUOTA_TOKENS.labels(model=model or self._model, outcome=outcome).inc(max(0, tokens))


@contextmanager
def reserve(*, user_id: int, key_id: int | None, tokens: int, model: str):
    """Reserve `tokens` in every budget of this user and key (QuotaExceededError when one is spent)."""
    budgets = budgets_for(user_id=user_id, key_id=key_id, now=datetime.now(UTC))
    refusal = ledger.reserve(budgets=budgets, tokens=tokens)
    if refusal is not None:
        QUOTA_TOKENS.labels(model=model, outcome="refused").inc(tokens)
        raise QuotaExceededError(refusal.budget, refusal.used)
    spending = Spending(budgets, tokens, model)
    try:
        yield spending
    finally:
        if not spending.settled:
            spending.settled = True
            ledger.adjust(budgets=budgets, delta=-tokens)
