"""The postmortem document: created at resolve, its fact sections regenerated in the transaction of every
change to the incident, and edited section by section (one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass

from incidentbot.domain.model import Incident
from incidentbot.domain.postmortem import Section, regenerate, require_key, require_text
from incidentbot.messages.postmortem import generate
from incidentbot.service.context import Context, Refused
from incidentbot.store import people, postmortems
from incidentbot.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PostmortemView:
    incident: Incident
    sections: list[Section]
    stored: bool  # False: a draft of an incident not resolved yet, generated on the fly


def refresh(uow: UnitOfWork, ctx: Context, incident: Incident, *, create: bool = False) -> list[Section]:
    """Regenerate the fact sections from the timeline (call after the incident is saved). The document is
    created at resolve, or by `create`; before that nothing is stored."""
    assert incident.number is not None
    stored = postmortems.load(uow.conn, incident.number)
    sections = _generated(uow, ctx, incident, stored)
    if stored or create:
        postmortems.save_generated(uow.conn, incident.number, sections, set(stored))
    return sections


def view(ctx: Context, number: int) -> PostmortemView | None:
    with ctx.read_uow() as uow:
        incident = uow.incidents.get(number)
        if incident is None:
            return None
        stored = postmortems.load(uow.conn, number)
        return PostmortemView(incident, _generated(uow, ctx, incident, stored), stored=bool(stored))


def edit_sections(ctx: Context, number: int, texts: dict[str, object], *, actor: str) -> PostmortemView:
    """A person's text for some sections, in one transaction; from now on each is what its section says
    (kept across regeneration). Every key and text is checked before anything is written."""
    for key, text in texts.items():
        require_key(key)
        require_text(text)
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = uow.incidents.get(number, lock=True)
        if incident is None:
            raise Refused(f"There is no outage {ctx.config.id_prefix}-{number}.")
        sections = {s.key: s for s in refresh(uow, ctx, incident, create=True)}
        for key, text in texts.items():
            postmortems.save_edit(uow.conn, number, sections[key].edit(str(text)), actor=actor, now=now)
        uow.commit()
    found = view(ctx, number)
    assert found is not None
    return found


def _generated(uow: UnitOfWork, ctx: Context, incident: Incident, stored: dict[str, Section]) -> list[Section]:
    assert incident.number is not None
    timeline = uow.incidents.timeline(incident.number)
    items = uow.actions.find(incident_number=incident.number)
    mentioned = {e.actor for e in timeline} | {p for e in timeline for p in e.people}
    mentioned |= {a.owner for a in items if a.owner}
    facts = generate(incident, timeline, items, policy=ctx.policy, tz=ctx.config.tz, now=ctx.clock(),
                     names=people.names(uow.conn, mentioned))
    return regenerate(stored, facts)
