"""Regenerate ``methods.json`` (the fake Slack's method fixture) from the Slack method reference.

The reference is a checkout of slack-ruby/slack-api-ref (MIT) that lives *outside* this repository,
by default at ``../shared/slack-api-ref`` next to the repository root. Only this script reads it;
the fake server and the test suite read the committed ``methods.json`` and nothing else.

Usage::

    python -m incidentbot.emulator.make_fixture [REF_DIR] [--check]

``--check`` exits 1 (without writing) when the committed fixture differs from what would be generated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# The Web API methods the bot calls (keep sorted by group, then name).
METHODS: tuple[str, ...] = (
    "apps.connections.open",
    "auth.test",
    "chat.getPermalink",
    "chat.postEphemeral",
    "chat.postMessage",
    "chat.unfurl",
    "chat.update",
    "conversations.create",
    "conversations.history",
    "conversations.info",
    "conversations.invite",
    "conversations.join",
    "conversations.list",
    "conversations.open",
    "conversations.replies",
    "conversations.setTopic",
    "conversations.unarchive",
    "reactions.get",
    "usergroups.users.list",
    "users.info",
    "views.open",
    "views.publish",
    "views.update",
)

# The Events API events the bot subscribes to.
EVENTS: tuple[str, ...] = ("app_home_opened", "link_shared", "reaction_added", "reaction_removed")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REF = REPO_ROOT.parent / "shared" / "slack-api-ref"
FIXTURE = Path(__file__).resolve().parent / "methods.json"


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def _method_file(ref: Path, method: str, *parts: str) -> Path:
    group = method.split(".", 1)[0]
    return ref.joinpath("methods", *parts, group, f"{method}.json")


def _arg_groups(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups = []
    for g in raw:
        groups.append(
            {
                "args": list(g["args"]),
                "mutually_exclusive": bool(g.get("mutually_exclusive", False)),
                # The reference omits "required" on groups that need one member present
                # ("One of these arguments is required") and says "required": false on
                # groups that only forbid combinations ("Use either text or markdown_text").
                "required": bool(g.get("required", True)),
            }
        )
    return groups


def build(ref: Path) -> dict[str, Any]:
    common = _load(ref / "methods" / "_errors" / "common.json").get("errors", {})
    methods: dict[str, Any] = {}
    for method in METHODS:
        spec = _load(_method_file(ref, method))
        args: dict[str, Any] = {}
        for name, a in sorted(spec.get("args", {}).items()):
            args[name] = {"required": bool(a.get("required", False)), "type": a.get("type")}
            if "format" in a:  # "json": arrives as a JSON string in form bodies
                args[name]["format"] = a["format"]
        patch_path = _method_file(ref, method, "_patches")
        groups = spec.get("arg_groups", [])
        if patch_path.exists():
            groups = _load(patch_path).get("arg_groups", groups)
        methods[method] = {
            "args": args,
            "arg_groups": _arg_groups(groups),
            "errors": sorted(spec.get("errors", {})),
            "deprecated": bool(spec.get("deprecated", False)),
        }
    events: dict[str, Any] = {}
    for event in EVENTS:
        spec = _load(ref / "events" / f"{event}.json")
        example = spec.get("example")
        events[event] = {"scopes": sorted(spec.get("scopes", [])), "example": example}
    return {
        "_source": (
            "Derived from slack-ruby/slack-api-ref (MIT, Copyright (c) 2015-2026 Daniel Doubrovkine, "
            "Artsy and Contributors): methods/<group>/<method>.json with methods/_patches arg_groups; "
            "events/<event>.json. "
            "Regenerate with `python -m incidentbot.emulator.make_fixture`; do not edit by hand."
        ),
        "common_errors": sorted(common),
        "methods": methods,
        "events": events,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ref", nargs="?", type=Path, default=DEFAULT_REF, help="slack-api-ref checkout")
    parser.add_argument("--check", action="store_true", help="only compare with the committed fixture")
    opts = parser.parse_args(argv)
    if not (opts.ref / "methods").is_dir():
        parser.error(f"{opts.ref} does not look like slack-api-ref (no methods/ folder)")
    text = render(build(opts.ref))
    if opts.check:
        current = FIXTURE.read_text(encoding="utf-8") if FIXTURE.exists() else ""
        if current != text:
            print(f"{FIXTURE} is out of date; run python -m incidentbot.emulator.make_fixture", file=sys.stderr)
            return 1
        print(f"{FIXTURE} is up to date")
        return 0
    FIXTURE.write_text(text, encoding="utf-8")
    print(f"wrote {FIXTURE} ({len(METHODS)} methods)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
