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


def find_incident(uow: UnitOfWork, ctx: Context, caller: Caller, ref: int | None, *, lock: bool) -> Incident:
    prefix = ctx.config.id_prefix
    if ref is not None:
        incident = uow.incidents.get(ref, lock=lock)
        if incident is None:
            raise Refused(f"There is no outage {prefix}-{ref}.", candidates=uow.incidents.open_incidents())
        return incident
    division = channel_division(uow, ctx, caller)
    if division is None:
        candidates = uow.incidents.open_incidents()
        if not candidates:
            raise Refused("There are no open outages.")
        example = f"{prefix}-{candidates[0].number}"
        raise Refused(f"This is not an outage channel, so say which outage you mean (e.g. `{example}`).",
                      candidates=candidates)
    candidates = uow.incidents.open_incidents(division=division)
    if len(candidates) == 1:
        number = candidates[0].number
        assert number is not None
        found = uow.incidents.get(number, lock=lock)
        assert found is not None
        return found
    if not candidates:
        raise Refused(f"There is no open outage in {division}. Name one with its id, e.g. `{prefix}-12`.")
    raise Refused(f"{division} has {len(candidates)} open outages: say which one you mean.", candidates=candidates)
