"""views.* handlers."""

from __future__ import annotations

import secrets
import time
from typing import Any

from .handlers import handles
from .rules import Args, SlackError, invalid_arguments, parse_view
from .state import ViewRecord
from .workspace import Workspace


def _new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


@handles("views.open")
def views_open(ws: Workspace, a: Args) -> dict[str, Any]:
    view = parse_view(a.value("view"), kinds=("modal",))
    trigger_id = a.text("trigger_id") or a.text("interactivity_pointer")
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used or (trigger.expires_at is not None and time.monotonic() > trigger.expires_at):
        raise SlackError("expired_trigger_id")
    external_id = view.get("external_id") or None
    if external_id and any(v.external_id == external_id for v in ws.views):
        raise SlackError("duplicate_external_id")
    trigger.used = True
    rec = ViewRecord(ws.new_id("V"), "modal", trigger.user, trigger_id, view, external_id, _new_hash())
    ws.views.append(rec)
    return {"view": rec.to_api()}


@handles("views.update")
def views_update(ws: Workspace, a: Args) -> dict[str, Any]:
    view = parse_view(a.value("view"), kinds=("modal",))
    if a.present("view_id"):
        rec = next((v for v in ws.views if v.id == a.text("view_id")), None)
    else:
        rec = next((v for v in ws.views if v.external_id == a.text("external_id")), None)
    if rec is None or rec.kind != "modal":
        raise SlackError("not_found")
    if a.present("hash") and a.text("hash") != rec.hash:
        raise SlackError("hash_conflict")
    rec.history.append(rec.view)
    rec.view, rec.hash = view, _new_hash()
    rec.external_id = view.get("external_id") or rec.external_id
    return {"view": rec.to_api()}


@handles("views.publish")
def views_publish(ws: Workspace, a: Args) -> dict[str, Any]:
    view = parse_view(a.value("view"), kinds=("home",))
    user = a.text("user_id")
    if user not in ws.users:
        raise invalid_arguments(f"unknown user_id: {user}")
    rec = next((v for v in ws.views if v.kind == "home" and v.user == user), None)
    if rec is None:
        rec = ViewRecord(ws.new_id("V"), "home", user, None, view, view.get("external_id") or None, _new_hash())
        ws.views.append(rec)
    else:
        if a.present("hash") and a.text("hash") != rec.hash:
            raise SlackError("hash_conflict")
        rec.history.append(rec.view)
        rec.view, rec.hash = view, _new_hash()
    return {"view": rec.to_api()}
