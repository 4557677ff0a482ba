"""`GET /metrics`: Prometheus text, open like /healthz, no incident data; the values follow what happened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from incidentbot.emulator import FakeSlack
from tests.support.harness import Harness
from tests.support.process import ServeProcess


def scrape(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}  # fmt: skip


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def read(bot: Harness) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = bot.http.get("/metrics")  # no token: open, like /healthz
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return scrape(response.text)


def test_metrics_count_acknowledgements_and_slack_calls(bot: Harness) -> None:
    before = read(bot)
    bot.reply("declare --division payments --sev 2 Card auth down in the EU")
    bot.reply("list")
    bot.reply("list")
    bot.delivered()
    after = read(bot)
    for command, times in (("declare", 1), ("list", 2)):
        label = {"command": command}
        assert value(after, "incidentbot_ack_seconds_count", **label) - value(
            before, "incidentbot_ack_seconds_count", **label) == times  # fmt: skip
        assert value(after, "incidentbot_ack_seconds_bucket", le="5.0", **label) >= times
    posted = len(bot.fake.calls_to("chat.postMessage"))
    assert posted >= 2
    grown = value(after, "incidentbot_slack_calls_total", method="chat.postMessage", status="200") - value(
        before, "incidentbot_slack_calls_total", method="chat.postMessage", status="200")  # fmt: skip
    assert grown == posted
    assert value(after, "incidentbot_outbox_backlog") == 0
    assert value(after, "incidentbot_outbox_oldest_undelivered_seconds") == 0
    assert value(after, "incidentbot_due_work_lag_seconds") == 0  # the first update is due later
    text = bot.http.get("/metrics").text
    assert "Card auth" not in text and "OUT-1" not in text and "U0ALICE" not in text


def test_metrics_show_the_backlog_errors_and_429_holds(bot: Harness) -> None:
    before = read(bot)
    bot.fake.rate_limit("chat.postMessage", retry_after=30)
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.wait(lambda: value(read(bot), "incidentbot_slack_rate_limited_total", method="chat.postMessage") > value(
        before, "incidentbot_slack_rate_limited_total", method="chat.postMessage"), timeout=10)  # fmt: skip
    now = read(bot)
    assert now[("incidentbot_outbox_backlog", ())] >= 1
    assert now[("incidentbot_outbox_oldest_undelivered_seconds", ())] >= 0
    assert 0 < value(now, "incidentbot_slack_hold_seconds", method="chat.postMessage") <= 30
    assert value(now, "incidentbot_slack_errors_total", method="chat.postMessage", status="429") > value(
        before, "incidentbot_slack_errors_total", method="chat.postMessage", status="429")  # fmt: skip


def test_due_work_lag_grows_while_due_work_waits(bot: Harness) -> None:
    bot.bot.ticker.stop()
    bot.reply("declare --division payments --sev 1 Card auth down")  # an update is due in 15 minutes
    assert value(read(bot), "incidentbot_due_work_lag_seconds") == 0
    bot.clock.advance(timedelta(minutes=20))
    assert 290 <= value(read(bot), "incidentbot_due_work_lag_seconds") <= 310 + 60


def test_multiprocess_mode_adds_up_the_processes(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    folder = tmp_path / "prom"
    folder.mkdir()
    with ServeProcess(database_url=database_url, slack_api_url=fake_slack.url, workdir=tmp_path,
                      extra_env={"PROMETHEUS_MULTIPROC_DIR": str(folder)}) as serve:  # fmt: skip
        assert serve.command("list").status_code == 200
        samples = scrape(serve.api("/metrics").text)
    assert value(samples, "incidentbot_ack_seconds_count", command="list") == 1
    assert list(folder.glob("*.db")), "the values live in the multi-process files"
