"""Argument rules: the committed method fixture (methods.json) and the Block Kit / view / metadata checks."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

FIXTURE_PATH = Path(__file__).with_name("methods.json")

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
MAX_MARKDOWN_TEXT = 12_000

# Errors any method can answer, which the reference does not repeat per method.
GENERIC_ERRORS = frozenset(
    {"invalid_arguments", "invalid_auth", "not_authed", "ratelimited", "unknown_method", "invalid_json"}
)
# Arguments slack_sdk adds on its own to every call, accepted on every method although the reference lists
# them only for some: WebClient(team_id=...) puts team_id into every request, and slack_bolt builds each
# listener's `client` that way (team_id=req.context.team_id), so every call a Bolt listener makes carries
# it. Real Slack ignores it for a single-workspace bot token.
CLIENT_ADDED_ARGS = frozenset({"team_id"})
# Deliberate departures from the reference, kept because they catch real bot bugs:
# - chat.postMessage with a thread_ts that is not a top-level message of the channel. Real Slack answers
#   ok and the reply is invisible (python-slack-sdk#840); the reference lists no error for it.
# - chat.postMessage with text over 40,000 characters. Slack documents truncating such text; the reference
#   lists msg_too_long for chat.update and chat.postEphemeral only.
FAKE_ONLY_ERRORS: Mapping[str, frozenset[str]] = {"chat.postMessage": frozenset({"thread_not_found", "msg_too_long"})}


class SlackError(Exception):
    """An ``{"ok": false}`` answer. ``reject`` (a human explanation) marks it as the caller's mistake:
    such answers are also recorded in ``FakeSlack.rejected``."""

    def __init__(
        self,
        error: str,
        *,
        messages: Sequence[str] = (),
        reject: str | None = None,
        status: int = 200,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(error if reject is None else f"{error}: {reject}")
        self.error = error
        self.messages = list(messages)
        self.reject = reject
        self.status = status
        self.extra = dict(extra or {})

    def to_response(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            out["response_metadata"] = {"messages": self.messages}
        return out


def invalid_arguments(*messages: str) -> SlackError:
    full = [f"[ERROR] {m}" for m in messages]
    return SlackError("invalid_arguments", messages=full, reject="; ".join(messages))


@dataclass(frozen=True)
class ArgGroup:
    args: tuple[str, ...]
    mutually_exclusive: bool
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    args: Mapping[str, Mapping[str, Any]]
    arg_groups: tuple[ArgGroup, ...]
    errors: frozenset[str]

    def allows(self, error: str) -> bool:
        return error in self.errors or error in GENERIC_ERRORS or error in FAKE_ONLY_ERRORS.get(self.name, ())

    def json_args(self) -> frozenset[str]:
        return frozenset(n for n, a in self.args.items() if a.get("format") == "json")


class Spec:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.common_errors = frozenset(data.get("common_errors", ()))
        self.methods: dict[str, MethodSpec] = {}
        for name, m in data["methods"].items():
            groups = tuple(
                ArgGroup(tuple(g["args"]), bool(g["mutually_exclusive"]), bool(g.get("required", True)))
                for g in m.get("arg_groups", ())
            )
            errors = frozenset(m.get("errors", ())) | self.common_errors
            self.methods[name] = MethodSpec(name, dict(m["args"]), groups, errors)

    @classmethod
    def load(cls, path: Path = FIXTURE_PATH) -> Spec:
        with path.open(encoding="utf-8") as fh:
            return cls(json.load(fh))

    def get(self, method: str) -> MethodSpec | None:
        return self.methods.get(method)

    def allows(self, method: str, error: str) -> bool:
        """Could real Slack answer ``error`` to ``method`` (``"*"``: to any method)?"""
        if method == "*":
            return error in self.common_errors or error in GENERIC_ERRORS
        spec = self.methods.get(method)
        return spec is not None and spec.allows(error)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


_TRUE = (True, 1, "1", "true", "True")
_FALSE = (False, 0, "0", "false", "False", "")


def _type_problem(name: str, value: Any, type_: Any) -> str | None:
    if type_ == "boolean" and value not in _TRUE and value not in _FALSE:
        return f"invalid value for {name}: expected a boolean, got {value!r}"
    if type_ == "number":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.lstrip("-").isdigit()
        )
        if not ok:
            return f"invalid value for {name}: expected a number, got {value!r}"
    return None


def check_args(spec: MethodSpec, args: Mapping[str, Any]) -> None:
    """Unknown / missing / mistyped arguments, then the method's arg_groups."""
    problems = [f"unknown argument: {n}" for n in args if n not in spec.args and n not in CLIENT_ADDED_ARGS]
    problems += [
        f"missing required field: {n}" for n, a in spec.args.items() if a.get("required") and args.get(n) is None
    ]
    for n, value in args.items():
        if n in spec.args and value is not None:
            p = _type_problem(n, value, spec.args[n].get("type"))
            if p:
                problems.append(p)
    if problems:
        raise invalid_arguments(*problems)
    for group in spec.arg_groups:
        given = [n for n in group.args if _present(args.get(n))]
        names = ", ".join(group.args)
        if group.required and not given:
            if "text" in group.args and "no_text" in spec.errors:
                raise SlackError("no_text", reject=f"none of {names} given")
            raise invalid_arguments(f"missing required field: one of {names}")
        if group.mutually_exclusive and len(given) > 1:
            if "markdown_text" in group.args and "markdown_text_conflict" in spec.errors:
                raise SlackError("markdown_text_conflict", reject=f"more than one of {names} given")
            raise invalid_arguments(f"only one of {names} is allowed, got {', '.join(given)}")


def decode_json_args(spec: MethodSpec, args: dict[str, Any]) -> None:
    """Form bodies carry blocks/metadata/view/attachments as JSON strings: decode them in place
    (leaving undecodable strings alone for the specific check to complain about)."""
    for name in spec.json_args():
        value = args.get(name)
        if isinstance(value, str) and value.strip():
            with contextlib.suppress(ValueError):
                args[name] = json.loads(value)


def _block_problem(raw: Any, where: str) -> str | None:
    if not isinstance(raw, dict):
        return f"{where} must be an object, got {type(raw).__name__}"
    try:
        block = Block.parse(raw)
    except Exception as exc:  # slack_sdk raises assorted errors for malformed input
        return f"{where}: {exc}"
    if block is None:
        return f"{where}: unsupported block type {raw.get('type')!r}"
    try:
        block.validate_json()
    except Exception as exc:
        return f"{where}: {exc}"
    return None


def parse_blocks(value: Any, *, max_blocks: int = MAX_BLOCKS) -> list[dict[str, Any]]:
    """Blocks of a message; ``value`` is a list (JSON body) or, if never decodable, a string."""
    if isinstance(value, str):
        raise SlackError("invalid_blocks_format", reject=f"blocks is not valid JSON: {value[:80]!r}")
    if not isinstance(value, list):
        raise SlackError("invalid_blocks_format", reject=f"blocks must be a list, got {type(value).__name__}")
    if len(value) > max_blocks:
        msg = f"no more than {max_blocks} items allowed [json-pointer:/blocks] (got {len(value)})"
        raise SlackError("invalid_blocks", messages=[f"[ERROR] {msg}"], reject=msg)
    problems = [p for i, b in enumerate(value) if (p := _block_problem(b, f"/blocks/{i}"))]
    if problems:
        raise SlackError("invalid_blocks", messages=[f"[ERROR] {p}" for p in problems], reject="; ".join(problems))
    return value


def check_text(text: Any, markdown_text: Any) -> None:
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise SlackError("msg_too_long", reject=f"text is {len(text)} characters (max {MAX_TEXT})")
    if isinstance(markdown_text, str) and len(markdown_text) > MAX_MARKDOWN_TEXT:
        raise SlackError(
            "msg_too_long", reject=f"markdown_text is {len(markdown_text)} characters (max {MAX_MARKDOWN_TEXT})"
        )


def parse_metadata(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format", reject=f"metadata must be a JSON object: {value!r:.80}")
    if not isinstance(value.get("event_type"), str) or not value["event_type"]:
        raise SlackError("invalid_metadata_schema", reject="metadata.event_type must be a non-empty string")
    if not isinstance(value.get("event_payload"), dict):
        raise SlackError("invalid_metadata_schema", reject="metadata.event_payload must be an object")
    return value


def parse_view(value: Any, *, kinds: tuple[str, ...]) -> dict[str, Any]:
    """A view for views.open/update (modal) or views.publish (home). slack_sdk's own validation is lax
    (unknown block types are silently dropped, a modal without a title passes), so a few of Slack's
    documented rules are checked on top of it."""
    if not isinstance(value, dict):
        raise invalid_arguments(f"view must be a JSON object, got {value!r:.80}")
    if value.get("type") not in kinds:
        raise invalid_arguments(f"view type must be {' or '.join(kinds)}, got {value.get('type')!r}")
    try:
        View(**value).validate_json()
    except Exception as exc:
        raise invalid_arguments(f"invalid view: {exc}") from None
    blocks = value.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= MAX_VIEW_BLOCKS:
        raise invalid_arguments(f"view.blocks must hold 1 to {MAX_VIEW_BLOCKS} blocks")
    problems = [p for i, b in enumerate(blocks) if (p := _block_problem(b, f"/view/blocks/{i}"))]
    if problems:
        raise invalid_arguments(*problems)
    if value["type"] == "modal":
        if not value.get("title"):
            raise invalid_arguments("a modal view needs a title")
        if any(isinstance(b, dict) and b.get("type") == "input" for b in blocks) and not value.get("submit"):
            raise invalid_arguments("a modal with input blocks needs a submit button")
    return value


class Args:
    """Decoded request arguments with lenient typed accessors (form bodies carry everything as strings)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)

    def present(self, name: str) -> bool:
        return _present(self.raw.get(name))

    def text(self, name: str, default: str = "") -> str:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else str(value)

    def flag(self, name: str) -> bool:
        return self.raw.get(name) in _TRUE

    def number(self, name: str, default: int) -> int:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        return int(value)

    def value(self, name: str) -> Any:
        return self.raw.get(name)

    def id_list(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [p.strip() for p in self.text(name).split(",") if p.strip()]
