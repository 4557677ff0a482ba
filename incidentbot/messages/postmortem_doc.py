"""The postmortem document rendered: Markdown (the CLI and the API), the Slack answer and the edit modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from incidentbot.domain.model import Incident
from incidentbot.domain.postmortem import Section, empty_questions
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages.message import Block, Message, actions, button, compose, context, plain, section

TO_FILL = "_to fill in_"
CHUNK = 2800
MODAL_TEXT = 3000


def document_markdown(incident: Incident, sections: Sequence[Section]) -> str:
    lines = [f"# Postmortem: {incident.label} — {incident.summary}"]
    for s in sections:
        lines += ["", f"## {s.title}", "", s.text.strip() or TO_FILL]
        if s.newer_facts:
            lines += ["", "> Newer facts from the timeline (not merged into the text above):"]
            lines += [f"> {line}" for line in s.newer_facts.splitlines()]
    return "\n".join(lines) + "\n"


def postmortem_url(incident: Incident, public_url: str) -> str:
    return f"{public_url}/incidents/{incident.label}/postmortem"


def edit_button(incident: Incident) -> Block:
    return actions(button("Edit postmortem", action_id=ids.EDIT_POSTMORTEM, value={"incident": incident.number}))


def still_empty(sections: Sequence[Section]) -> str:
    empty = empty_questions(sections)
    if not empty:
        return "Every question has an answer."
    return f"Still empty ({len(empty)}): " + " · ".join(s.title for s in empty)


def postmortem_answer(incident: Incident, sections: Sequence[Section], *, public_url: str) -> Message:
    """The document in code blocks, the link, what is still empty, and the Edit button."""
    markdown = document_markdown(incident, sections)
    chunks, current = [], ""
    for line in markdown.splitlines():
        if len(current) + len(line) + 1 > CHUNK and current:
            chunks.append(current)
            current = ""
        current += line[:CHUNK] + "\n"
    if current:
        chunks.append(current)
    blocks: list[Block] = [section(f"*Postmortem draft for {incident.label}* · "
                                   f"{t.link(postmortem_url(incident, public_url), 'postmortem page')}"),
                           section(still_empty(sections)), edit_button(incident)]  # fmt: skip
    blocks += [section(f"```{chunk}```") for chunk in chunks[:40]]
    blocks.append(context(f"Whole, as Markdown: `incidentbot postmortem {incident.label}`"))
    return compose(f"Postmortem draft for {incident.label}", blocks)


def postmortem_modal(incident: Incident, sections: Sequence[Section]) -> dict[str, Any]:
    """One multi-line input per section a person writes or corrects (the questions, summary, root cause)."""
    editable = [s for s in sections if s.is_question or s.key in ("summary", "root-cause")]
    inputs = []
    for s in editable:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": s.key, "multiline": True,
                                   "max_length": MODAL_TEXT}
        if s.text.strip():
            element["initial_value"] = t.inert(s.text)[:MODAL_TEXT]  # shown as typed; no broadcast survives
        inputs.append({"type": "input", "block_id": s.key, "optional": True, "label": plain(s.title, 2000),
                       "element": element})
    return {
        "type": "modal", "callback_id": ids.POSTMORTEM_MODAL, "private_metadata": str(incident.number),
        "title": plain(f"Postmortem {incident.label}", 24), "submit": plain("Save", 24),
        "close": plain("Cancel", 24), "blocks": inputs,
    }  # fmt: skip
