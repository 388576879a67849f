"""One style of state transitions for every model with a state (requests,
authorizations, follow-ups): the model declares its moves in a table,
`TRANSITIONS = {state: {states it may become}}`, and its services change the
state only through `transition_to`, which refuses any other move. The
database holds the same line where it matters (the append-only triggers of
the migrations and bin/db-grants.sql). An appeal has no state field: it is
filed once and decided once, and its model refuses the rest."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar


class InvalidTransition(Exception):
    """A move the model's TRANSITIONS table does not allow; the message says why."""


class Transitions:
    """Mixed into a model with a `status` field whose choices label its states."""

    TRANSITIONS: ClassVar[Mapping[Any, Collection[Any]]]
    status: str  # the model's field
    # What the refusal calls the object: "A denied request cannot become approved".
    transition_noun: ClassVar[str] = "record"

    def can_become(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.status]

    def transition_to(self, state: str) -> None:
        if not self.can_become(state):
            labels = dict(self._meta.get_field("status").choices)  # type: ignore[attr-defined]
            raise InvalidTransition(
                f"A {str(labels[self.status]).lower()} {self.transition_noun} "
                f"cannot become {str(labels[state]).lower()}")
        self.status = state
