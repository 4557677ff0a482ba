"""A modal's inputs as Slack reports them in a view_submission (``view.state.values``), for people who fill a form
without the page (the playground's scripted people): what the form shows, with some inputs filled in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class FormError(ValueError):
    """A filled-in input the form does not have, or a choice its menu does not offer."""


def form_values(view: Mapping[str, Any], filled: Mapping[str, str]) -> dict[str, Any]:
    """{block_id: {action_id: state}} for every input block of ``view``: its initial value, or the text given in
    ``filled`` for it (keyed by block_id or by the input's label; a menu takes an option's value or text)."""
    values: dict[str, Any] = {}
    used: set[str] = set()
    for block in view.get("blocks") or []:
        if block.get("type") != "input" or not isinstance(block.get("element"), dict):
            continue
        element = block["element"]
        label = str((block.get("label") or {}).get("text", ""))
        key = next((k for k in (block.get("block_id", ""), label) if k in filled), None)
        given = filled[key] if key is not None else None
        if key is not None:
            used.add(key)
        values[block.get("block_id", "")] = {element.get("action_id", ""): _state(element, given, label)}
    unknown = sorted(set(filled) - used)
    if unknown:
        raise FormError(f"the form has no input {', '.join(map(repr, unknown))}")
    return values


def _state(element: Mapping[str, Any], given: str | None, label: str) -> dict[str, Any]:
    kind = element.get("type")
    if kind == "plain_text_input":
        value = given if given is not None else element.get("initial_value")
        return {"type": kind, "value": value or None}  # Slack sends null for an empty text input
    if kind in ("static_select", "radio_buttons"):
        chosen = element.get("initial_option")
        if given is not None:
            chosen = next((o for o in element.get("options") or []
                           if given in (o.get("value"), (o.get("text") or {}).get("text"))), None)  # fmt: skip
            if chosen is None:
                raise FormError(f"{label!r} offers no {given!r}")
        return {"type": kind, "selected_option": chosen}
    if given is not None:
        raise FormError(f"{label!r} is a {kind}; only text inputs and menus can be filled in by a scenario")
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": list(element.get("initial_options") or [])}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    return {"type": kind}
