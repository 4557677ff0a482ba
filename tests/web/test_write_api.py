"""The write API and the web fallback's forms: the same handlers as Slack; bad input is a 400/404 with
`{"error": …}` and nothing written; forms need a session and their CSRF token."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from incidentbot.store.tables import incidents, outbox, timeline_events
from tests.support.harness import API_TOKEN, Harness

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def rows(bot: Harness) -> tuple[int, ...]:
    with bot.bot.db.read_engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                     for t in (incidents, timeline_events, outbox))  # fmt: skip


def post(bot: Harness, path: str, body: Any, *, headers: dict[str, str] | None = None) -> Any:
    return bot.http.post(path, json=body, headers={**AUTH, **(headers or {})})


def test_declare_update_note_resolve_through_the_api(bot: Harness) -> None:
    made = post(bot, "/api/incidents", {"summary": "Checkout <down> & out", "division": "payments", "severity": 2,
                                        "company_wide": False, "drill": False},
                headers={"X-Incidentbot-User": "U0CAROL"})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["id"] == "OUT-1" and made.json()["declared_by"] == "U0CAROL"
    assert post(bot, "/api/incidents/OUT-1/updates", {"text": "Rolling back", "status": "identified"}).json()[
        "status"] == "identified"
    assert post(bot, "/api/incidents/OUT-1/notes", {"text": "Vendor says fine"}).status_code == 200
    bot.delivered()
    shown = bot.api("/api/incidents/OUT-1").json()
    assert shown["summary"] == "Checkout &lt;down&gt; &amp; out"  # stored as Slack sends text, like every surface
    kinds = [(e["kind"], e["actor"]) for e in shown["timeline"]]
    assert ("update", "U0CAROL") not in kinds and ("update", "api") in kinds and ("note", "api") in kinds
    root = bot.fake.messages("payments-outage")[0]
    assert [m.text for m in bot.fake.replies("payments-outage", root.ts)][-1].count("Rolling back") == 1
    refused = post(bot, "/api/incidents/OUT-1/resolve", {"summary": "Rolled back"})
    assert refused.status_code == 403 and refused.json()["error"]  # `api` is not the commander
    resolved = post(bot, "/api/incidents/OUT-1/resolve", {"summary": "Rolled back"},
                    headers={"X-Incidentbot-User": "U0CAROL"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"


BAD: list[tuple[str, Any, int, str]] = [
    ("/api/incidents", "not json", 400, "not valid JSON"),
    ("/api/incidents", [1, 2], 400, "JSON object"),
    ("/api/incidents", {"summary": "x", "division": "payments", "colour": "red"}, 400, "unknown field"),
    ("/api/incidents", {"division": "payments"}, 400, "summary"),
    ("/api/incidents", {"summary": 7, "division": "payments"}, 400, "summary"),
    ("/api/incidents", {"summary": "x", "division": "pay ments"}, 400, "division"),
    ("/api/incidents", {"summary": "x", "division": "payments", "severity": 9}, 400, "severity"),
    ("/api/incidents", {"summary": "x", "division": "payments", "severity": True}, 400, "severity"),
    ("/api/incidents", {"summary": "x", "division": "payments", "severity": "2"}, 201, ""),
    ("/api/incidents", {"summary": "x", "division": "payments", "drill": "yes"}, 400, "drill"),
    ("/api/incidents", {"summary": "x" * 501, "division": "payments"}, 400, "at most"),
    ("/api/incidents/OUT-1/updates", {"text": ""}, 400, "text"),
    ("/api/incidents/OUT-1/updates", {"text": "x", "status": "sleeping"}, 400, "status"),
    ("/api/incidents/OUT-1/updates", {"text": "x", "status": "resolved"}, 400, "resolve"),
    ("/api/incidents/OUT-1/updates", {"text": ["x"]}, 400, "string"),
    ("/api/incidents/OUT-1/notes", {"text": "x", "status": "identified"}, 400, "unknown field"),
    ("/api/incidents/OUT-1/notes", {}, 400, "text"),
    ("/api/incidents/OUT-1/resolve", {"summary": 3}, 400, "string"),
    ("/api/incidents/OUT-9/notes", {"text": "x"}, 404, "no incident"),
    ("/api/incidents/nonsense/resolve", {}, 404, "no incident"),
]


@pytest.mark.parametrize(("path", "body", "status", "says"), BAD)
def test_bad_input_is_refused_with_nothing_written(bot: Harness, path: str, body: Any, status: int,
                                                   says: str) -> None:  # fmt: skip
    bot.reply("declare --division payments --sev 2 Card payments failing")
    before = rows(bot)
    if isinstance(body, str):
        answer = bot.http.post(path, content=body, headers={**AUTH, "Content-Type": "application/json"})
    else:
        answer = post(bot, path, body)
    assert answer.status_code == status, answer.text
    if status >= 400:
        assert says in answer.json()["error"]
        assert rows(bot) == before


def test_writes_need_the_token_or_a_session_and_json(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    before = rows(bot)
    assert bot.http.post("/api/incidents/OUT-1/notes", json={"text": "x"}).status_code == 401
    wrong = bot.http.post("/api/incidents/OUT-1/notes", json={"text": "x"}, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 401
    form = bot.http.post("/api/incidents/OUT-1/notes", data={"text": "x"}, headers=AUTH)
    assert form.status_code == 400 and "application/json" in form.json()["error"]
    as_alice = {"X-Incidentbot-User": "U0ALICE"}
    assert post(bot, "/api/incidents/OUT-1/resolve", {}, headers=as_alice).status_code == 200
    again = post(bot, "/api/incidents/OUT-1/resolve", {}, headers=as_alice)
    assert again.status_code == 400 and again.json()["error"]
    assert rows(bot)[0] == before[0]


def signed_in(bot: Harness, user: str = "U0ALICE") -> str:
    """Sign `user` in through the DM's link; returns the page's CSRF token."""
    from tests.web.test_sign_in import path_of, sign_in_link

    link = sign_in_link(bot, user)
    bot.http.cookies.clear()
    bot.http.post("/signin", data={"secret": path_of(link).rsplit("/", 1)[1]})
    page = bot.http.get("/incidents").text
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_forms_run_the_handlers_as_the_signed_in_person(bot: Harness) -> None:
    csrf = signed_in(bot, "U0BOB")
    fields = {"csrf": csrf, "summary": "Search slow", "division": "search", "severity": "2", "company_wide": "true"}
    made = bot.http.post("/incidents", data=fields, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/incidents/OUT-1?done=declared"
    page = bot.http.get(made.headers["location"]).text
    assert "Declared." in page and "Search slow" in page and "Commander</dt><dd>u0bob<" in page
    for path, data in [("update", {"text": "Index rebuilt", "status": "monitoring"}), ("note", {"text": "Saw it"}),
                       ("severity", {"severity": "3"}), ("resolve", {"summary": "Rebuilt"})]:  # fmt: skip
        done = bot.http.post(f"/incidents/OUT-1/{path}", data={"csrf": csrf, **data}, follow_redirects=False)
        assert done.status_code == 303, (path, done.text)
    incident = bot.api("/api/incidents/OUT-1").json()
    assert incident["status"] == "resolved" and incident["severity"] == 3 and incident["declared_by"] == "U0BOB"
    assert [e["actor"] for e in incident["timeline"] if e["kind"] == "note"] == ["U0BOB"]


def test_a_form_without_its_csrf_token_changes_nothing(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    signed_in(bot)
    before = rows(bot)
    for csrf in ("", "forged"):
        refused = bot.http.post("/incidents/OUT-1/note", data={"csrf": csrf, "text": "x"})
        assert refused.status_code == 403 and "reload the page" in refused.text
    assert bot.http.post("/incidents/OUT-1/note", content=b'{"text": "x"}').status_code == 403
    good = bot.http.get("/incidents").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    other_site = bot.http.post("/incidents/OUT-1/note", data={"csrf": good, "text": "x"},
                               headers={"Origin": "https://evil.example"})
    assert other_site.status_code == 403
    assert rows(bot) == before


def test_accepting_a_handoff_from_the_page(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    bot.reply("commander <@U0BOB> OUT-1")
    csrf = signed_in(bot, "U0BOB")
    page = bot.http.get("/incidents/OUT-1").text
    assert "Accept the commander role</button>" in page
    done = bot.http.post("/incidents/OUT-1/accept", data={"csrf": csrf, "role": "commander"}, follow_redirects=False)
    assert done.status_code == 303
    assert bot.api("/api/incidents/OUT-1").json()["commander"] == "U0BOB"
    refused = bot.http.post("/incidents/OUT-1/accept", data={"csrf": csrf, "role": "commander"})
    assert refused.status_code == 400 and "Nothing changed" in refused.text
