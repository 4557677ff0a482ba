"""The `/outage` slash-command grammar: every sub-command, flag form, mention form, ID form and error."""

from __future__ import annotations

import typing
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentbot.domain.model import Role, Status
from incidentbot.messages.usage import USAGE
from incidentbot.service.commands import (
    Ack,
    AddAction,
    Cancel,
    ChangeSeverity,
    Command,
    Declare,
    Decline,
    DoneAction,
    Help,
    ListActions,
    ListOpen,
    Note,
    OpenDeclareModal,
    Postmortem,
    ReopenAction,
    RequestHandoff,
    Resolve,
    SetFields,
    ShowStats,
    ShowStatus,
    ShowTimeline,
    Update,
)
from incidentbot.slack.parser import GENERAL_USAGE, ParseError, parse

COMMAND_TYPES = typing.get_args(Command)

VALID: list[tuple[str, Command]] = [
    # help
    ("", Help()),
    ("   \n ", Help()),
    ("help", Help()),
    ("HELP", Help()),
    ("help declare", Help(topic="declare")),
    ("help SET", Help(topic="set")),
    ("declare help", Help(topic="declare")),
    ("note --help", Help(topic="note")),
    ("note -- --help", Note(text="--help")),
    # declare
    ("declare", OpenDeclareModal()),
    ("declare   ", OpenDeclareModal()),
    ("Declare checkout is down", Declare(summary="checkout is down")),
    (
        "declare --division payments --sev 2 --company-wide --commander <@U1> "
        "--communicator <@U2|jane> --drill db",
        Declare(
            summary="db",
            division="payments",
            severity=2,
            company_wide=True,
            commander="U1",
            communicator="U2",
            drill=True,
        ),
    ),
    (
        "declare --division=Payments_EU-2 --sev=SEV1 --commander=<@W9|boss> db",
        Declare(summary="db", division="payments_eu-2", severity=1, commander="W9"),
    ),
    ("declare --sev sev4 x", Declare(summary="x", severity=4)),
    ("declare --sev Sev-3 x", Declare(summary="x", severity=3)),
    ("declare x --SEV 2", Declare(summary="x", severity=2)),
    ("declare checkout --drill is down", Declare(summary="checkout is down", drill=True)),
    ("declare checkout\n  is   down --drill", Declare(summary="checkout\n  is   down", drill=True)),
    ("declare line one\n--sev 2\nline two", Declare(summary="line one line two", severity=2)),
    ("declare a &amp; b &lt;3 &gt; c", Declare(summary="a &amp; b &lt;3 &gt; c")),
    ("declare -- --drill is a word", Declare(summary="--drill is a word")),
    ("declare --drill -- --sev 2", Declare(summary="--sev 2", drill=True)),
    ("declare 12 hosts down", Declare(summary="12 hosts down")),
    ("declare \u2014sev 1 api down \u2014 badly", Declare(summary="api down \u2014 badly", severity=1)),
    ("declare \u2013drill x \u2014nonsense", Declare(summary="x \u2014nonsense", drill=True)),
    (
        "declare see <https://status.example.com|status page>",
        Declare(summary="see <https://status.example.com|status page>"),
    ),
    ("declare " + "x" * 500, Declare(summary="x" * 500)),
    ("declare " + "&amp;" * 500, Declare(summary="&amp;" * 500)),
    # update
    ("update things are better", Update(text="things are better")),
    ("update OUT-12 things", Update(text="things", ref=12)),
    ("update out-12 things", Update(text="things", ref=12)),
    ("update 12 things", Update(text="things", ref=12)),
    ("update --status Identified bad deploy", Update(text="bad deploy", status=Status.IDENTIFIED)),
    ("update --status=resolved OUT-3 fixed", Update(text="fixed", ref=3, status=Status.RESOLVED)),
    (
        "update OUT-3 rolled back --status monitoring",
        Update(text="rolled back", ref=3, status=Status.MONITORING),
    ),
    ("update -- 12 hosts back", Update(text="12 hosts back")),
    ("update 4 -- 12 hosts back", Update(text="12 hosts back", ref=4)),
    ("update OUT-12: better", Update(text="OUT-12: better")),
    # prose that starts like a number or like the prefix stays text
    ("update 5xx errors down to 2%", Update(text="5xx errors down to 2%")),
    ("update 12x faster after the rollback", Update(text="12x faster after the rollback")),
    ("update out-of-date certificates renewed", Update(text="out-of-date certificates renewed")),
    ("update out-dated certificates renewed", Update(text="out-dated certificates renewed")),
    ("update -- OUT-abc is a made-up name", Update(text="OUT-abc is a made-up name")),
    ("note -- #1 priority is checkout", Note(text="#1 priority is checkout")),
    ("update line 1\n\nline 2", Update(text="line 1\n\nline 2")),
    # handoffs
    ("commander <@U123>", RequestHandoff(role=Role.COMMANDER, to="U123")),
    ("commander <@U123|bob> OUT-4", RequestHandoff(role=Role.COMMANDER, to="U123", ref=4)),
    ("commander 4 <@U123>", RequestHandoff(role=Role.COMMANDER, to="U123", ref=4)),
    ("communicator <@W77|Jane Doe> out-9", RequestHandoff(role=Role.COMMUNICATOR, to="W77", ref=9)),
    ("COMMUNICATOR OUT-9 <@U1>", RequestHandoff(role=Role.COMMUNICATOR, to="U1", ref=9)),
    # ack / decline / cancel / status / timeline / postmortem
    ("ack", Ack()),
    ("ack OUT-5", Ack(ref=5)),
    ("decline 5", Decline(ref=5)),
    ("cancel out-5", Cancel(ref=5)),
    ("status", ShowStatus()),
    ("status 0012", ShowStatus(ref=12)),
    ("timeline OUT-1", ShowTimeline(ref=1)),
    ("postmortem 9999999999", Postmortem(ref=9999999999)),
    ("list", ListOpen()),
    # note
    ("note called the vendor", Note(text="called the vendor")),
    ("note OUT-2 called the vendor", Note(text="called the vendor", ref=2)),
    ("note 2 called", Note(text="called", ref=2)),
    ("note -- 2 vendors called", Note(text="2 vendors called")),
    # sev
    ("sev 1", ChangeSeverity(severity=1)),
    ("sev SEV2 OUT-7", ChangeSeverity(severity=2, ref=7)),
    ("sev sev3 7", ChangeSeverity(severity=3, ref=7)),
    ("sev OUT-7 4", ChangeSeverity(severity=4, ref=7)),
    # resolve
    ("resolve", Resolve()),
    ("resolve OUT-3", Resolve(ref=3)),
    ("resolve 3 rolled back the deploy", Resolve(ref=3, summary="rolled back the deploy")),
    ("resolve rolled back", Resolve(summary="rolled back")),
    # set
    (
        "set impact=checkout down for EU service=payments-api",
        SetFields(values={"impact": "checkout down for EU", "service": "payments-api"}),
    ),
    (
        "set OUT-4 root-cause=bad config owner-team=core",
        SetFields(values={"root_cause": "bad config", "owner_team": "core"}, ref=4),
    ),
    ("set 4 Root_Cause=x", SetFields(values={"root_cause": "x"}, ref=4)),
    (
        'set impact="error rate=5% for all" service=api',
        SetFields(values={"impact": "error rate=5% for all", "service": "api"}),
    ),
    ("set impact=\u201cslow pages\u201d", SetFields(values={"impact": "slow pages"})),
    ("set impact='slow'", SetFields(values={"impact": "slow"})),
    ("set impact=a=b", SetFields(values={"impact": "a=b"})),
    ("set impact= service=x", SetFields(values={"impact": "", "service": "x"})),
    ("set impact=two\nlines", SetFields(values={"impact": "two\nlines"})),
    # actions
    ("action add retries", AddAction(text="add retries")),
    (
        "action OUT-3 add retries --owner <@U5|ann> --due 2024-07-31",
        AddAction(text="add retries", ref=3, owner="U5", due=date(2024, 7, 31)),
    ),
    ("action --due=2024-02-29 3 alerting", AddAction(text="alerting", ref=3, due=date(2024, 2, 29))),
    ("actions", ListActions()),
    ("actions --open", ListActions(open_only=True)),
    ("actions open", ListActions(open_only=True)),
    ("done 7", DoneAction(action_id=7)),
    ("done A-7 2 hosts fixed", DoneAction(action_id=7, note="2 hosts fixed")),
    ("reopen a-3", ReopenAction(action_id=3)),
    ("actions OUT-2 --open --mine", ListActions(open_only=True, ref=2, mine=True)),
    ("stats --days 30 --division payments --service checkout",
     ShowStats(days=30, division="payments", service="checkout")),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[t[:40] or "<empty>" for t, _ in VALID])
def test_valid(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_custom_id_prefix() -> None:
    assert parse("ack inc-4", id_prefix="INC") == Ack(ref=4)
    assert parse("note INC-4 x", id_prefix="INC") == Note(text="x", ref=4)
    assert isinstance(parse("ack OUT-4", id_prefix="INC"), ParseError)
    assert parse("note OUT-4 x", id_prefix="INC") == Note(text="OUT-4 x")
    bad = parse("note INC-4x x", id_prefix="INC")
    assert isinstance(bad, ParseError) and "`INC-4x` is not a valid incident ID: write `INC-12`" in bad.message


# (text, words the message must contain, usage key or None for the general usage)
ERRORS: list[tuple[str, list[str], str | None]] = [
    ("decalre db down", ["`decalre`", "/outage declare"], None),
    ("lsit", ["`lsit`", "/outage list"], None),
    ("ls", ["`ls`", "/outage list"], None),
    ("zzzzzz", ["`zzzzzz`"], None),
    ("--sev 2 db", ["`--sev`", "Start with the command"], None),
    ("help frobnicate", ["`frobnicate`"], "help"),
    ("help declare note", ["`note`"], "help"),
    # declare
    ("declare --sev 2", ["needs a summary"], "declare"),
    ("declare --drill", ["needs a summary"], "declare"),
    ("declare --", ["needs a summary"], "declare"),
    ("declare --sev 7 x", ["`--sev` must be 1, 2, 3 or 4 (got `7`)"], "declare"),
    ("declare --sev 0 x", ["`0`"], "declare"),
    ("declare --sev high x", ["`high`"], "declare"),
    ("declare --sev", ["`--sev` needs a value"], "declare"),
    ("declare x --sev=", ["`--sev` needs a value"], "declare"),
    ("declare --sev --drill x", ["`--sev` needs a value"], "declare"),
    ("declare --sev -- x", ["`--sev` needs a value"], "declare"),
    ("declare --sev 1 --sev 2 x", ["`--sev`", "twice"], "declare"),
    ("declare --drill --drill x", ["`--drill`", "twice"], "declare"),
    ("declare --drill=yes x", ["`--drill`", "`--drill=yes`"], "declare"),
    ("declare --company-wide=no x", ["`--company-wide`"], "declare"),
    ("declare --foo x", ["`--foo`", "`--division`", "`--drill`"], "declare"),
    ("declare --sevv 2 x", ["`--sevv`", "did you mean `--sev`"], "declare"),
    ("declare --owner <@U1> x", ["`--owner`", "not a flag of"], "declare"),
    ("declare --division Pay!ments x", ["`Pay!ments`"], "declare"),
    ("declare --division #payments x", ["`#payments`"], "declare"),
    ("declare --division " + "a" * 61 + " x", ["at most 60"], "declare"),
    ("declare --division \u00f6deme x", ["`\u00f6deme`"], "declare"),
    (
        "declare --commander @bob x",
        ["`@bob`", "Mention the person so Slack links them (type @ and pick their name)"],
        "declare",
    ),
    ("declare --communicator <#C1|general> x", ["`<#C1|general>`", "channel"], "declare"),
    ("declare --commander <!here> x", ["`<!here>`"], "declare"),
    ("declare --commander bob x", ["`bob`"], "declare"),
    ("declare " + "x" * 501, ["keep the summary under 500 characters; put detail in an update"], "declare"),
    # update
    ("update", ["needs text"], "update"),
    ("update OUT-3", ["needs text"], "update"),
    ("update --status identified", ["needs text"], "update"),
    ("update --status fixed x", ["`fixed`", "investigating"], "update"),
    ("update --status cancelled x", ["`cancelled`", "/outage cancel"], "update"),
    ("update --sev 2 x", ["`--sev`", "`--status`"], "update"),
    ("update OUT-0 x", ["`OUT-0`"], "update"),
    ("update 12345678901 x", ["`12345678901`", "too long"], "update"),
    # a first word meant as an ID but mistyped is named, never posted as text to another outage
    ("update OUT-abc hello", ["`OUT-abc` is not a valid incident ID", "`OUT-12`", "`--` before it"], "update"),
    ("update OUT-12x hello", ["`OUT-12x` is not a valid incident ID"], "update"),
    ("update Out-12x hello", ["`Out-12x` is not a valid incident ID"], "update"),
    ("update OUT- hello", ["`OUT-` is not a valid incident ID"], "update"),
    ("update OUT12 hello", ["`OUT12` is not a valid incident ID", "write `OUT-12` or `12`"], "update"),
    ("update #12 hello", ["`#12` is not a valid incident ID", "write `OUT-12` or `12`"], "update"),
    ("update #OUT-7 hello", ["`#OUT-7`", "write `OUT-7` or `7`"], "update"),
    ("update OUT-0 hello", ["`OUT-0`", "start at 1", "`--` before it"], "update"),
    ("note OUT-abc called the vendor", ["`OUT-abc` is not a valid incident ID"], "note"),
    ("resolve OUT-1O rolled back", ["`OUT-1O` is not a valid incident ID"], "resolve"),
    ("set OUT-x impact=a", ["`OUT-x` is not a valid incident ID"], "set"),
    ("action OUT-x add retries", ["`OUT-x` is not a valid incident ID"], "action"),
    ("status OUT-abc", ["`OUT-abc` is not a valid incident ID"], "status"),
    ("commander OUT-abc <@U1>", ["`OUT-abc` is not a valid incident ID"], "commander"),
    ("commander <@U1> #4", ["`#4` is not a valid incident ID", "`OUT-4`"], "commander"),
    ("sev OUT-x 2", ["`OUT-x` is not a valid incident ID"], "sev"),
    ("update " + "y" * 40_001, ["40000"], "update"),  # Slack's own limit: longer text cannot come from Slack
    # handoffs
    ("commander", ["needs the person"], "commander"),
    (
        "commander @bob",
        ["`@bob`", "Mention the person so Slack links them (type @ and pick their name)"],
        "commander",
    ),
    ("commander OUT-4 @bob", ["`@bob`", "Mention the person"], "commander"),
    ("communicator <!here>", ["`<!here>`"], "communicator"),
    ("communicator <!channel> 3", ["`<!channel>`"], "communicator"),
    ("commander <#C1> 3", ["`<#C1>`", "channel"], "commander"),
    ("commander <@U1> nope", ["`nope`", "incident ID"], "commander"),
    ("commander <@U1> 3 4", ["`4`"], "commander"),
    ("commander <@U1> --drill", ["`--drill`", "takes no flags"], "commander"),
    # id-only commands
    ("ack foo", ["`foo`", "incident ID"], "ack"),
    ("ack 1 2", ["`2`"], "ack"),
    ("decline INC-3", ["`INC-3`"], "decline"),
    ("cancel 0", ["`0`", "start at 1"], "cancel"),
    ("status OUT-", ["`OUT-`"], "status"),
    ("timeline --open", ["`--open`"], "timeline"),
    ("postmortem x", ["`x`"], "postmortem"),
    ("list all", ["`all`"], "list"),
    # note
    ("note", ["needs text"], "note"),
    ("note --sev 2 x", ["`--sev`"], "note"),
    ("note " + "z" * 40_001, ["40000"], "note"),
    ("note 0 hosts", ["`0`"], "note"),
    # sev
    ("sev", ["needs the new severity"], "sev"),
    ("sev 7", ["must be 1, 2, 3 or 4 (got `7`)"], "sev"),
    ("sev 12 2", ["`12`"], "sev"),
    ("sev 2 x", ["`x`"], "sev"),
    ("sev 2 3 4", ["`4`"], "sev"),
    # resolve
    ("resolve 3 " + "w" * 40_001, ["40000"], "resolve"),  # kept on the server for the click, like an update
    ("resolve --drill", ["`--drill`"], "resolve"),
    # set
    ("set", ["Nothing to set"], "set"),
    ("set OUT-2", ["Nothing to set"], "set"),
    ("set impact=a color=red", ["`color`", "impact, service, root-cause, owner-team"], "set"),
    ("set impact=a impact=b", ["`impact`", "twice"], "set"),
    ("set checkout down", ["`checkout`", "key=value"], "set"),
    ("set --impact=a", ["`--impact`"], "set"),
    # action / actions / done
    ("action", ["needs text"], "action"),
    ("action x --due 31/07/2024", ["`31/07/2024`", "YYYY-MM-DD"], "action"),
    ("action x --due 2024-02-30", ["`2024-02-30`", "not a real date"], "action"),
    ("action x --owner @ann", ["`@ann`", "Mention the person"], "action"),
    ("action x --owner", ["`--owner` needs a value"], "action"),
    ("action x --sev 1", ["`--sev`", "`--owner`", "`--due`"], "action"),
    ("action " + "v" * 501, ["500"], "action"),
    ("actions closed", ["`closed`"], "actions"),
    ("actions --open=yes", ["`--open`"], "actions"),
    ("done", ["needs the number"], "done"),
    ("done seven", ["`seven`"], "done"),
    ("done 0", ["`0`"], "done"),
    ("done -3", ["`-3`"], "done"),
    ("done 12345678901", ["too long"], "done"),
    ("reopen A-1 2", ["`2`"], "reopen"),
    ("stats --days 0", ["`--days`", "1 to 3660"], "stats"),
]


@pytest.mark.parametrize(("text", "fragments", "usage"), ERRORS, ids=[t[:40] for t, _, _ in ERRORS])
def test_errors(text: str, fragments: list[str], usage: str | None) -> None:
    result = parse(text)
    assert isinstance(result, ParseError), result
    for fragment in fragments:
        assert fragment in result.message
    assert result.usage == (USAGE[usage] if usage else GENERAL_USAGE)


def test_offending_token_is_shortened_in_messages() -> None:
    result = parse("declare --division " + "Q!" * 1000 + " x")
    assert isinstance(result, ParseError)
    assert len(result.message) < 300


HOSTILE: list[tuple[str, str]] = [
    ("declare " + "word " * 40_000, "keep the summary under 500 characters"),
    ("note " + "a" * 200_000, "the limit is 40000 characters"),
    ("set impact=" + "x " * 40_000, "the limit is 3000 characters"),
    ("<" * 100_000, "is not an `/outage` command"),
    ("declare " + "<@U1 " * 20_000, "keep the summary under 500 characters"),
    ("declare " + "--" * 50_000, "Unknown flag"),
    ("x" * 200_000, "is not an `/outage` command"),
    ("\x00\u2028\ud800" * 10_000, "is not an `/outage` command"),
    ("sev " + "9" * 100_000, "must be 1, 2, 3 or 4"),
    ("done " + "9" * 100_000, "too long"),
    ("update OUT-" + "9" * 100_000 + " x", "too long"),
    ("update OUT-" + "x" * 100_000 + " y", "is not a valid incident ID"),
]


@pytest.mark.parametrize(("text", "says"), HOSTILE, ids=[repr(t[:16]) for t, _ in HOSTILE])
def test_huge_and_hostile_inputs_get_a_short_clear_answer(text: str, says: str) -> None:
    """What the parser answers; how fast it answers is measured by benchmarks/parser_speed.py."""
    result = parse(text)
    assert isinstance(result, ParseError), result
    assert says in result.message
    assert len(result.message) < 300


# ----- properties ----------------------------------------------------------------------------------------

VOCABULARY = [
    *USAGE,
    "--",
    "--sev",
    "--sev=2",
    "2",
    "SEV1",
    "OUT-3",
    "out-0",
    "99999999999",
    "--division",
    "pay-ments",
    "--company-wide",
    "--commander",
    "--communicator",
    "<@U1>",
    "<@W2|x y>",
    "@bob",
    "<!here>",
    "<#C1|c>",
    "--drill",
    "--drill=yes",
    "--status",
    "resolved",
    "--owner",
    "--due",
    "2024-02-30",
    "2024-01-01",
    "--open",
    "impact=",
    "service=a",
    'root-cause="x',
    "owner-team='y'",
    "\u201cq\u201d",
    "\u2014sev",
    "\u2013",
    "help",
    "--help",
    "&amp;",
    "\n",
    "=",
]


def _is_command_or_error(result: object) -> bool:
    if isinstance(result, ParseError):
        return bool(result.message) and (result.usage in USAGE.values() or result.usage == GENERAL_USAGE)
    return isinstance(result, COMMAND_TYPES)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert _is_command_or_error(parse(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=6), max_size=12),
    st.sampled_from([" ", "  ", "\n", "\t", ""]),
    st.sampled_from(["OUT", "INC", "a.b", ""]),
)
def test_never_raises_on_command_like_text(words: list[str], separator: str, prefix: str) -> None:
    assert _is_command_or_error(parse(separator.join(words), id_prefix=prefix))


_summary_words = st.text(
    alphabet=st.characters(exclude_categories=("Z", "C"), exclude_characters="<>"), min_size=1, max_size=10
).filter(lambda word: not word.startswith(("-", "\u2014", "\u2013")))
_user_ids = st.from_regex(r"[UW][A-Z0-9]{2,10}", fullmatch=True)


@st.composite
def _mention(draw: st.DrawFn, user: str) -> str:
    name = draw(st.none() | st.from_regex(r"[a-z][a-z. ]{0,10}", fullmatch=True))
    return f"<@{user}>" if name is None else f"<@{user}|{name}>"


@st.composite
def _flag(draw: st.DrawFn, name: str, value: str) -> list[str]:
    flag = draw(st.sampled_from([f"--{name}", f"--{name.upper()}"]))
    return [f"{flag}={value}"] if draw(st.booleans()) else [flag, value]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_declare_round_trips(data: st.DataObject) -> None:
    draw = data.draw
    words = draw(st.lists(_summary_words, min_size=1, max_size=8))
    if len(words) == 1 and words[0].lower() == "help":
        words = ["helpful"]
    division = draw(st.none() | st.from_regex(r"[A-Za-z0-9_-]{1,60}", fullmatch=True))
    severity = draw(st.none() | st.integers(1, 4))
    company_wide, drill = draw(st.booleans()), draw(st.booleans())
    commander, communicator = draw(st.none() | _user_ids), draw(st.none() | _user_ids)

    flags: list[list[str]] = []
    if division is not None:
        flags.append(draw(_flag("division", division)))
    if severity is not None:
        form = draw(st.sampled_from(["{}", "SEV{}", "sev{}"]))
        flags.append(draw(_flag("sev", form.format(severity))))
    if commander is not None:
        flags.append(draw(_flag("commander", draw(_mention(commander)))))
    if communicator is not None:
        flags.append(draw(_flag("communicator", draw(_mention(communicator)))))
    if company_wide:
        flags.append(["--company-wide"])
    if drill:
        flags.append(["--drill"])

    # Interleave the flags with the summary words, keeping the words in order.
    order = draw(st.permutations(["word"] * len(words) + list(range(len(flags)))))
    pieces: list[str] = []
    expected = ""
    pending_words = iter(words)
    gap_had_flag = False
    for slot in order:
        if slot == "word":
            separator = draw(st.sampled_from([" ", "  ", "\n"]))
            word = next(pending_words)
            if expected:
                expected += " " if gap_had_flag else separator
            expected += word
            pieces.append(separator + word)
            gap_had_flag = False
        else:
            pieces.append(" " + " ".join(flags[int(slot)]))
            gap_had_flag = True
    text = "declare" + "".join(pieces)

    assert parse(text) == Declare(
        summary=expected,
        division=division.lower() if division is not None else None,
        severity=severity or 3,
        company_wide=company_wide,
        commander=commander,
        communicator=communicator,
        drill=drill,
    ), text


def test_update_and_note_text_is_never_refused_for_its_length_up_to_slacks_own_limit() -> None:
    update = parse("update 3 " + "y" * 39_990)
    assert isinstance(update, Update) and len(update.text) == 39_990
    note = parse("note " + "n " * 19_999)
    assert isinstance(note, Note) and len(note.text) == 39_997
