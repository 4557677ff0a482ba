"""Role handoffs: a request counts only once the person it is addressed to accepts (a handshake).

Until then the old holder keeps the role; a decline, or no answer within the handoff timeout (re-pinged once
half-way), leaves it where it was.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import replace
from datetime import datetime

from incidentbot.domain import access
from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo
from incidentbot.domain.policy import Policy
from incidentbot.domain.roles import Handoff, Role
from incidentbot.domain.state import IncidentState
from incidentbot.domain.timeline import BOT, Kind


class HandoffRules(IncidentState):
    def request_handoff(
        self, *, role: Role, to: str, actor: str, now: datetime, admins: Set[str] = frozenset()
    ) -> Handoff:
        self._require_open("hand off a role of")
        self._require_manager(actor, admins, f"hand off the {role} role")
        if self.holder(role) == to:
            raise NothingToDo(f"<@{to}> is already the {role} of {self._label()}.")
        pending = self._pending(role)
        if pending is not None and pending.to == to:
            raise NothingToDo(f"A {role} handoff to <@{to}> is already waiting for their answer.")
        return self._add_handoff(role, to, actor, now)

    def accept_handoff(self, *, user: str, now: datetime, role: Role | None = None) -> list[Handoff]:
        accepted = self._answerable(user, role, "accept")
        for handoff in accepted:
            self.pending_handoffs.remove(handoff)
            previous = self.holder(handoff.role)
            if handoff.role is Role.COMMANDER:
                self.commander = user
            else:
                self.communicator = user
            text = f"{user} accepted the {handoff.role} role from {previous}"
            self._record(now, Kind.HANDOFF_ACCEPTED, user, text, (user, previous))
        return accepted

    def decline_handoff(self, *, user: str, now: datetime, role: Role | None = None) -> list[Handoff]:
        declined = self._answerable(user, role, "decline")
        for handoff in declined:
            self.pending_handoffs.remove(handoff)
            self._record(now, Kind.HANDOFF_DECLINED, user, f"{user} declined the {handoff.role} role", (user,))
        return declined

    def reping_handoff(self, *, role: Role, now: datetime, policy: Policy | None = None) -> Handoff | None:
        """Remind the target once, half-way through the timeout. None when no reminder is owed now."""
        policy = policy or Policy()
        handoff = self._pending(role)
        if handoff is None or handoff.repinged or not self.is_open:
            return None
        if now < handoff.requested_at + policy.handoff_timeout / 2:
            return None
        updated = replace(handoff, repinged=True)
        self.pending_handoffs[self.pending_handoffs.index(handoff)] = updated
        text = f"Reminded {handoff.to} of the pending {role} handoff"
        self._record(now, Kind.HANDOFF_REPINGED, BOT, text, (handoff.to,))
        return updated

    def expire_handoff(self, *, role: Role, now: datetime, policy: Policy) -> Handoff | None:
        handoff = self._pending(role)
        if handoff is None or now < handoff.requested_at + policy.handoff_timeout:
            return None
        self.pending_handoffs.remove(handoff)
        holder = self.holder(role)
        text = f"No answer from {handoff.to}: the {role} role stays with {holder}"
        self._record(now, Kind.HANDOFF_EXPIRED, BOT, text, (handoff.to, holder))
        return handoff

    def _withdraw_handoffs(self, actor: str, now: datetime) -> None:
        """The outage closed: nobody is asked to take a role any more."""
        for handoff in self.pending_handoffs:
            text = f"The pending {handoff.role} handoff to {handoff.to} was withdrawn: the outage is {self.status}"
            self._record(now, Kind.HANDOFF_WITHDRAWN, actor, text, (handoff.to,))
        self.pending_handoffs.clear()

    def _add_handoff(self, role: Role, to: str, actor: str, now: datetime) -> Handoff:
        replaced = self._pending(role)
        if replaced is not None:
            self.pending_handoffs.remove(replaced)
            text = f"The pending {role} handoff to {replaced.to} was withdrawn"
            self._record(now, Kind.HANDOFF_REPLACED, actor, text, (replaced.to,))
        handoff = Handoff(role=role, to=to, requested_by=actor, requested_at=now)
        self.pending_handoffs.append(handoff)
        text = f"{role.capitalize()} handoff to {to} pending their answer"
        self._record(now, Kind.HANDOFF_REQUESTED, actor, text, (to,))
        return handoff

    def _answerable(self, user: str, role: Role | None, verb: str) -> list[Handoff]:
        if not self.is_open:
            raise InvalidTransition(f"{self._label()} is {self.status}; there is no handoff to {verb}.")
        mine = [h for h in self.pending_handoffs if access.may_answer(user, h.to) and role in (None, h.role)]
        if mine:
            return mine
        others = [h for h in self.pending_handoffs if h.to != user]
        waiting = ", ".join(f"{h.role} → <@{h.to}>" for h in others)
        held = [str(r) for r in self.roles_of(user) if role in (None, r)]
        if held:
            # A second click, a Slack retry or a repeated `ack`: the answer already counted.
            still = f" Still waiting for: {waiting} (only they can {verb} it)." if others else ""
            raise NothingToDo(f"You are already the {' and '.join(held)} of {self._label()}: nothing changed.{still}")
        if others and len(others) == len(self.pending_handoffs):
            raise NotAllowed(f"Only the person a handoff is addressed to can {verb} it (pending: {waiting}).")
        which = f"{role} " if role is not None else ""
        raise NothingToDo(f"There is no pending {which}handoff on {self._label()} for you to {verb}.")
