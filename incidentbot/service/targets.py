"""Which incident a command means: the one named, or the only open one of the channel it was typed in."""

from __future__ import annotations

from incidentbot.domain.model import Incident
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.store import channels
from incidentbot.store.unit_of_work import UnitOfWork


def channel_division(uow: UnitOfWork, ctx: Context, caller: Caller) -> str | None:
    """The division whose outage channel the command was typed in, if it was typed in one."""
    name = (channels.name_of(uow.conn, caller.channel_id) if caller.channel_id else None) or caller.channel_name
    return ctx.config.division_for_channel(name) if name else None


# Outages named when a command could mean any of them; beyond these they are counted (1,000 may be open).
CANDIDATES = 20


def find_incident(uow: UnitOfWork, ctx: Context, caller: Caller, ref: int | None, *, lock: bool) -> Incident:
    prefix = ctx.config.id_prefix
    if ref is not None:
        incident = uow.incidents.get(ref, lock=lock)
        if incident is None:
            shown, more = open_candidates(uow)
            raise Refused(f"There is no outage {prefix}-{ref}.", candidates=shown, more=more)
        return incident
    division = channel_division(uow, ctx, caller)
    if division is None:
        shown, more = open_candidates(uow)
        if not shown:
            raise Refused("There are no open outages.")
        example = f"{prefix}-{shown[0].number}"
        raise Refused(f"This is not an outage channel, so say which outage you mean (e.g. `{example}`).",
                      candidates=shown, more=more)
    shown, more = open_candidates(uow, division=division)
    if len(shown) == 1:
        number = shown[0].number
        assert number is not None
        found = uow.incidents.get(number, lock=lock)
        assert found is not None
        return found
    if not shown:
        raise Refused(f"There is no open outage in {division}. Name one with its id, e.g. `{prefix}-12`.")
    raise Refused(f"{division} has {len(shown) + more} open outages: say which one you mean.", candidates=shown,
                  more=more)


def open_candidates(uow: UnitOfWork, *, division: str | None = None) -> tuple[list[Incident], int]:
    """The first CANDIDATES open outages (of `division`), and how many more are open."""
    shown, total = uow.incidents.first_open(CANDIDATES, division=division)
    return shown, total - len(shown)
