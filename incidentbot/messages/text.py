"""Text safety for everything the bot writes to Slack.

Stored user text is in Slack's escaped form, exactly as slash commands deliver it: `&amp;` `&lt;` `&gt;`,
mentions like `<@U1>`, links like `<https://x|label>`. The renderers never post it without `inert` (so
the bot cannot ping a crowd by repeating someone's words) and `trim` (so Slack never rejects a message
for being too long, and a cut never leaves half a token behind).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from incidentbot.domain.timeline import BOT

# Slack's limits, in characters.
HEADER = 150
SECTION = 3000
FIELD = 2000
CONTEXT = 2000
BUTTON = 75
BUTTON_VALUE = 2000
OPTION = 75
TOPIC = 250
MAX_BLOCKS = 50
FALLBACK = 3000

ELLIPSIS = "…"

# A well-formed `<…>` token (a mention, a link, a `<!…>` command) or an `&…;` entity.
_ANGLE_TOKEN = re.compile(r"<[^<>]*>")
_TOKEN = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]{1,10};")
_BROADCASTS = frozenset({"channel", "here", "everyone", "group"})
# Unicode bidirectional controls: embeddings and overrides (U+202A to U+202E), isolates (U+2066 to U+2069) and the
# marks (U+200E, U+200F, U+061C). In someone's text they can run on into the bot's own words around it and
# show them reversed or reordered ("Trojan Source"); dropped, the text itself still reads the same.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))


def escape(raw: str) -> str:
    """Raw text (typed into a modal, read from a file) in the escaped form Slack delivers and expects."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str) -> str:
    """The text with every broadcast made harmless; mentions, links and dates keep working.

    Only well-formed `<…>` tokens survive, and the only `<!…>` token that survives is `<!date^…>`: a
    broadcast becomes plain `@here`-style text, and a stray `<` or `>` is escaped, so no two pieces of
    the result can join into a live token. Bidirectional controls are removed first (so none can hide
    inside a token either), and cannot reorder what the bot writes around the text.
    """
    text = text.translate(_BIDI_CONTROLS)
    out: list[str] = []
    position = 0
    for match in _ANGLE_TOKEN.finditer(text):
        out.append(_escape_angles(text[position : match.start()]))
        out.append(_inert_token(match.group()))
        position = match.end()
    out.append(_escape_angles(text[position:]))
    return "".join(out)


def _escape_angles(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _inert_token(token: str) -> str:
    body = token[1:-1]
    if not body.startswith("!") or body.startswith("!date^"):
        return token
    command, _, label = body[1:].partition("|")
    name = re.split(r"[\^|]", command, maxsplit=1)[0]
    shown = label.lstrip("@!").strip()
    if name.lower() in _BROADCASTS:
        shown = name.lower()
    elif name.lower() == "subteam":
        shown = shown or "group"
    else:
        shown = shown or name.lstrip("@!") or "mention"
    return "@" + _escape_angles(shown)


def trim(text: str, limit: int) -> str:
    """At most `limit` characters, cut between tokens and entities, ending with `…` when cut."""
    if len(text) <= limit:
        return text
    if limit < len(ELLIPSIS):
        return ""
    cut = limit - len(ELLIPSIS)
    for match in _TOKEN.finditer(text):
        if match.start() >= cut:
            break
        if match.end() > cut:
            cut = match.start()
            break
    return text[:cut].rstrip() + ELLIPSIS


def excerpt(text: str, limit: int, *, more: str | None) -> str:
    """`text` made inert, whole when it fits in `limit` characters; else cut and followed by `more` (a link to
    the whole text, which is stored and shown in full elsewhere), the two together within `limit`."""
    safe = inert(text)
    if len(safe) <= limit or not more:
        return trim(safe, limit)
    return trim(safe, limit - len(more) - 1) + "\n" + more


def one_line(text: str) -> str:
    """Multi-line text folded onto one line (for lists, topics and notifications)."""
    return " ".join(text.split())


def user(uid: str) -> str:
    return f"<@{uid}>"


def actor(uid: str) -> str:
    """Who did something: a mention, or the bot itself (which has no user id in the timeline)."""
    return "incidentbot" if uid == BOT else user(uid)


def date(dt: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """A time every reader sees in their own time zone; the fallback is UTC."""
    moment = dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{fmt}|{fallback}>"


def link(url: str, label: str) -> str:
    """A link whose label is shown as written: `|` and `>` in the label would otherwise end it early."""
    return f"<{escape(url)}|{escape(label).replace('|', '¦')}>"
