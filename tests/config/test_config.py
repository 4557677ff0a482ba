"""Configuration: environment variables, the TOML file, and the messages people see when either is wrong."""

from __future__ import annotations

import shutil
import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel

from incidentbot.config import (
    BotConfig,
    CadenceConfig,
    ConfigError,
    DivisionConfig,
    Env,
    Settings,
    find_config_path,
    is_channel_name,
    load_config,
    load_env,
    load_settings,
    redact_url,
    require_slack_credentials,
)
from incidentbot.domain.policy import Policy
from incidentbot.durations import DURATION_HINT, format_duration, parse_duration
from tests.config.example_file import example_text, with_example_divisions

REPO = Path(__file__).resolve().parents[2]
ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "INCIDENTBOT_CONFIG",
    "INCIDENTBOT_API_TOKEN",
)

# PRODUCT.md's configuration block, without its example division: loading it must equal the defaults.
PRODUCT_DEFAULTS_TOML = """
company_channel = "company-outage"
division_channel = "{division}-outage"
id_prefix = "OUT"
public_url = "http://localhost:3000"   # where people reach the incident pages; used in links and topics
runbooks_dir = "runbooks"        # relative to the configuration file's folder
admins = []                      # Slack user ids allowed to act on any incident
timezone = "UTC"
summary_interval = "60m"         # roll-up to the company channel while incidents are open
daily_digest_at = "09:00"        # local time in `timezone`
handoff_timeout = "10m"
postmortem_due = "2d"

[cadence]                        # how often a status update is due, by severity
sev1 = "15m"
sev2 = "30m"
sev3 = "60m"
sev4 = "120m"
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No incidentbot variable from the outer environment; the working directory is a fresh folder."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "incidentbot.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


# ----- defaults ---------------------------------------------------------------------------------------------


def test_defaults_are_products(tmp_path: Path) -> None:
    config = load_config(None)
    assert config.company_channel == "company-outage"
    assert config.division_channel == "{division}-outage"
    assert config.id_prefix == "OUT"
    assert config.public_url == "http://localhost:3000"
    assert config.runbooks_dir == tmp_path.resolve() / "runbooks"
    assert config.admins == ()
    assert config.timezone == "UTC"
    assert config.summary_interval == timedelta(minutes=60)
    assert config.daily_digest_at == time(9, 0)
    assert config.handoff_timeout == timedelta(minutes=10)
    assert config.postmortem_due == timedelta(days=2)
    assert config.cadence.by_severity() == {
        1: timedelta(minutes=15),
        2: timedelta(minutes=30),
        3: timedelta(minutes=60),
        4: timedelta(minutes=120),
    }
    assert config.divisions == ()


def test_products_toml_block_equals_the_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, PRODUCT_DEFAULTS_TOML)) == load_config(None)


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")) == BotConfig()


def test_example_file_is_all_defaults_as_given(tmp_path: Path) -> None:
    example = tmp_path / "incidentbot.toml"
    shutil.copy(REPO / "incidentbot" / "example.toml", example)
    assert load_config(example) == load_config(None)  # no runbooks folder needed: nothing to adapt first


def test_example_file_shows_the_defaults_and_two_divisions(tmp_path: Path) -> None:
    example = write(tmp_path, with_example_divisions(example_text()))
    write(tmp_path / "runbooks", "# Payments runbook\n", name="payments.md")
    config = load_config(example)
    assert config.model_dump(exclude={"divisions"}) == BotConfig().model_dump(exclude={"divisions"})
    assert config.divisions == (
        DivisionConfig(name="payments", channel="payments-outage", runbook="payments.md"),
        DivisionConfig(name="search"),
    )
    assert config.runbook_path("payments") == tmp_path.resolve() / "runbooks" / "payments.md"


def _example_keys() -> dict[str, set[str]]:
    """The keys the example file shows, by table, counting the commented-out examples."""
    data = tomllib.loads(with_example_divisions(example_text()))
    return {
        "": set(data) - {"cadence", "divisions"},
        "cadence": set(data["cadence"]),
        "divisions": {key for division in data["divisions"] for key in division},
    }


def test_example_file_shows_every_key_of_products_contract() -> None:
    product = tomllib.loads(PRODUCT_DEFAULTS_TOML)
    contract = {"": set(product) - {"cadence"}, "cadence": set(product["cadence"]),
                "divisions": {"name", "channel", "runbook"}}  # PRODUCT.md's example [[divisions]] entry
    shown = _example_keys()
    assert all(contract[table] <= shown[table] for table in contract), (contract, shown)


def test_example_file_shows_every_key_the_bot_reads() -> None:
    models: dict[str, type[BaseModel]] = {"": BotConfig, "cadence": CadenceConfig, "divisions": DivisionConfig}
    shown = _example_keys()
    for table, model in models.items():
        assert set(model.model_fields) - {"cadence", "divisions"} == shown[table], table


def test_default_policy_equals_the_domains() -> None:
    assert BotConfig().policy() == Policy()


# ----- every key parsed -------------------------------------------------------------------------------------


def test_every_key_is_read(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "books", "# Payments\n", name="pay.md")
    path = write(
        tmp_path / "conf",
        """
        company_channel = "#all-hands-outage"
        division_channel = "outage-{division}"
        id_prefix = "inc"
        public_url = "https://bot.example.com/"
        runbooks_dir = "books"
        admins = ["U012AB3CD", "W0123ABCD", "U012AB3CD"]
        timezone = "Europe/Paris"
        summary_interval = 1800
        daily_digest_at = "7:45"
        handoff_timeout = "1h30m"
        postmortem_due = "3d"

        [cadence]
        sev1 = "5m"
        sev2 = 600
        sev3 = "1h"
        sev4 = 7200.5

        [[divisions]]
        name = "payments"
        channel = "pay-incidents"
        runbook = "pay.md"

        [[divisions]]
        name = "search_2"
        """,
    )
    config = load_config(path)
    assert config.company_channel == "all-hands-outage"
    assert config.division_channel == "outage-{division}"
    assert config.id_prefix == "INC"
    assert config.public_url == "https://bot.example.com"
    assert config.runbooks_dir == (tmp_path / "conf" / "books").resolve()
    assert config.admins == ("U012AB3CD", "W0123ABCD")
    assert config.admin_ids == frozenset({"U012AB3CD", "W0123ABCD"})
    assert config.timezone == "Europe/Paris"
    assert config.tz == ZoneInfo("Europe/Paris")
    assert config.summary_interval == timedelta(minutes=30)
    assert config.daily_digest_at == time(7, 45)
    assert config.handoff_timeout == timedelta(minutes=90)
    assert config.postmortem_due == timedelta(days=3)
    assert config.cadence.by_severity() == {
        1: timedelta(minutes=5),
        2: timedelta(minutes=10),
        3: timedelta(hours=1),
        4: timedelta(seconds=7200.5),
    }
    assert [division.name for division in config.divisions] == ["payments", "search_2"]
    assert config.channel_for("payments") == "pay-incidents"
    assert config.channel_for("search_2") == "outage-search_2"


def test_daily_digest_accepts_a_toml_local_time(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "daily_digest_at = 18:30:00")).daily_digest_at == time(18, 30)


def test_utc_timezone_gives_a_tzinfo() -> None:
    assert datetime(2024, 7, 1, tzinfo=BotConfig().tz).utcoffset() == timedelta(0)


# ----- durations --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (90, timedelta(seconds=90)),
        (0.5, timedelta(seconds=0.5)),
        ("90", timedelta(seconds=90)),
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("2d", timedelta(days=2)),
        ("1h30m", timedelta(minutes=90)),
        ("1d2h3m4s", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        (" 1h 30m ", timedelta(minutes=90)),
        ("1.5h", timedelta(minutes=90)),
        ("120m", timedelta(hours=2)),
        (timedelta(minutes=3), timedelta(minutes=3)),
    ],
)
def test_good_durations(value: object, expected: timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize(
    "value",
    ["fifteen", "30 minutes", "15M", "1m1h", "1h1h", "", "  ", "h", "-5m", "1.m", "15min", "1w", "inf", None, [], {}],
)
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match="is not a duration") as caught:
        parse_duration(value)
    assert str(caught.value).endswith(f"({DURATION_HINT})")


@pytest.mark.parametrize("value", [0, -1, 0.0, "0s", "0", "0h0m", timedelta(0)])
def test_durations_must_be_positive(value: object) -> None:
    with pytest.raises(ValueError, match="must be longer than zero"):
        parse_duration(value)


@pytest.mark.parametrize("value", [True, False, float("nan"), float("inf")])
def test_odd_numbers_are_not_durations(value: object) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(value)


def test_huge_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_duration("99999999999d")


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(minutes=90), "1h30m"),
        (timedelta(minutes=15), "15m"),
        (timedelta(days=2), "2d"),
        (timedelta(seconds=45), "45s"),
        (timedelta(0), "0s"),
        (timedelta(seconds=0.5), "0.5s"),
        (timedelta(days=1, seconds=1), "1d1s"),
        (-timedelta(minutes=5), "-5m"),
    ],
)
def test_format_duration(duration: timedelta, text: str) -> None:
    assert format_duration(duration) == text
    if duration > timedelta(0):
        assert parse_duration(text) == duration


def test_bad_cadence_message_is_exact(tmp_path: Path) -> None:
    path = write(tmp_path, '[cadence]\nsev1 = "fifteen"\n')
    assert config_error(path) == (
        f'{path}: cadence.sev1: "fifteen" is not a duration (use seconds or a string such as "90s", "15m", "2h")'
    )


def test_errors_name_the_file_as_given(tmp_path: Path) -> None:
    write(tmp_path, '[cadence]\nsev2 = "30 minutes"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(Path("incidentbot.toml"))
    assert str(caught.value) == (
        'incidentbot.toml: cadence.sev2: "30 minutes" is not a duration '
        '(use seconds or a string such as "90s", "15m", "2h")'
    )


# ----- every error names the file and the key ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        ("company_channel = 12", "company_channel", "expected a string, got 12"),
        ('company_channel = "Company Outage"', "company_channel", "is not a valid Slack channel name"),
        ('company_channel = ""', "company_channel", "is not a valid Slack channel name"),
        (f'company_channel = "{"x" * 81}"', "company_channel", "at most 80 characters"),
        ('division_channel = "outage"', "division_channel", 'must contain "{division}" exactly once'),
        ('division_channel = "{division}-{division}"', "division_channel", "exactly once"),
        ('division_channel = "{division} outage"', "division_channel", "does not make valid Slack channel names"),
        ('division_channel = "{division}-{x}"', "division_channel", "does not make valid Slack channel names"),
        ('id_prefix = "OUT-"', "id_prefix", "is not a valid prefix (1 to 10 letters"),
        ('id_prefix = ""', "id_prefix", "is not a valid prefix"),
        ('id_prefix = "ABCDEFGHIJK"', "id_prefix", "is not a valid prefix"),
        ('public_url = "bot.example.com"', "public_url", "is not an http(s) URL"),
        ("runbooks_dir = 3", "runbooks_dir", "expected a string (a path), got 3"),
        ('admins = "U123"', "admins", 'expected an array, got "U123"'),
        ('admins = ["alice"]', "admins[0]", '"alice" is not a Slack user id'),
        ('admins = ["U123", "u0123"]', "admins[1]", '"u0123" is not a Slack user id'),
        ('timezone = "Mars/Olympus"', "timezone", '"Mars/Olympus" is not a known time zone'),
        ('timezone = "Europe/Pariss"', "timezone", '(did you mean "Europe/Paris"?)'),
        ('timezone = "../etc/passwd"', "timezone", "is not a known time zone"),
        ('summary_interval = "soon"', "summary_interval", '"soon" is not a duration'),
        ('daily_digest_at = "25:00"', "daily_digest_at", '"25:00" is not a time of day (use "HH:MM"'),
        ('daily_digest_at = "9am"', "daily_digest_at", "is not a time of day"),
        ("daily_digest_at = 900", "daily_digest_at", "900 is not a time of day"),
        ("handoff_timeout = 0", "handoff_timeout", "0 is not a usable duration: it must be longer than zero"),
        ("postmortem_due = true", "postmortem_due", "true is not a duration"),
        ('cadence = "15m"', "cadence", 'expected a table, got "15m"'),
        ('[cadence]\nsev3 = "-1m"', "cadence.sev3", "is not a duration"),
        ('[divisions]\nname = "x"', "divisions", "expected an array of tables ([[divisions]]), got a table"),
        ('divisions = ["payments"]', "divisions[0]", 'expected a table, got "payments"'),
        ("[[divisions]]\nchannel = 'x'", "divisions[0]", 'missing required key "name"'),
        ('[[divisions]]\nname = "Payments"', "divisions[0].name", '"Payments" is not a valid division name'),
        ('[[divisions]]\nname = "a"\n[[divisions]]\nname = 5', "divisions[1].name", "expected a string, got 5"),
        ('[[divisions]]\nname = "a"\nchannel = "A B"', "divisions[0].channel", "is not a valid Slack channel name"),
        ('[[divisions]]\nname = "a"\nrunbook = "../x.md"', "divisions[0].runbook", "is not a file name under"),
        ('[[divisions]]\nname = "a"\nrunbook = "/etc/x.md"', "divisions[0].runbook", "is not a file name under"),
    ],
)
def test_each_error_names_file_and_key(tmp_path: Path, toml: str, key: str, problem: str) -> None:
    path = write(tmp_path, toml)
    message = config_error(path)
    assert message.startswith(f"{path}: {key}: "), message
    assert problem in message
    assert len(message.splitlines()) == 1
    assert "pydantic" not in message.lower()
    assert "http" not in message or key == "public_url"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("cadance = 3", 'unknown key "cadance" (did you mean "cadence"?)'),
        ('Timezone = "UTC"', 'unknown key "Timezone" (did you mean "timezone"?)'),
        ('admin = ["U123"]', 'unknown key "admin" (did you mean "admins"?)'),
        ('[cadence]\nsev5 = "1m"', 'cadence: unknown key "sev5" (did you mean "sev4"?)'),
        ('[cadence]\nslow = "1m"', 'cadence: unknown key "slow" (known keys: sev1, sev2, sev3, sev4)'),
        (
            '[[divisions]]\nname = "a"\n[[divisions]]\nname = "b"\nchanel = "c"',
            'divisions[1]: unknown key "chanel" (did you mean "channel"?)',
        ),
    ],
)
def test_unknown_keys_are_named_with_a_suggestion(tmp_path: Path, toml: str, expected: str) -> None:
    path = write(tmp_path, toml)
    assert config_error(path) == f"{path}: {expected}"


def test_unknown_key_without_a_close_match_lists_the_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "zzz = 1")
    message = config_error(path)
    assert message.startswith(f'{path}: unknown key "zzz" (known keys: company_channel, ')
    assert "divisions)" in message


def test_several_problems_one_line_each(tmp_path: Path) -> None:
    path = write(tmp_path, 'id_prefix = "1"\ntimezone = "Nowhere"\n[cadence]\nsev1 = "x"\n')
    lines = config_error(path).splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{path}: ") for line in lines)
    assert {line.split(": ")[1] for line in lines} == {"id_prefix", "timezone", "cadence.sev1"}


def test_config_error_keeps_its_problems() -> None:
    error = ConfigError(["a: one", "b: two"], source="x.toml")
    assert error.problems == ("a: one", "b: two")
    assert str(error) == "x.toml: a: one\nx.toml: b: two"
    assert str(ConfigError("just this")) == "just this"


def test_invalid_toml_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, 'company_channel = "ok"\nid_prefix = \n')
    assert config_error(path) == f"{path}: line 2, column 13: invalid TOML: Invalid value"


def test_duplicate_toml_key_is_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, 'id_prefix = "A"\nid_prefix = "B"\n')
    message = config_error(path)
    assert message.startswith(f"{path}: line 2, column ")
    assert "invalid TOML" in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert config_error(path) == f"{path}: configuration file not found"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert config_error(tmp_path) == f"{tmp_path}: is a directory, not a configuration file"


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "incidentbot.toml"
    path.write_bytes(b'company_channel = "caf\xe9"\n')
    assert config_error(path).startswith(f"{path}: not valid UTF-8")


# ----- divisions and channels -------------------------------------------------------------------------------


def divisions_config(tmp_path: Path) -> BotConfig:
    return load_config(
        write(
            tmp_path,
            """
            [[divisions]]
            name = "payments"

            [[divisions]]
            name = "search"
            channel = "search-fire"
            """,
        )
    )


def test_division_lookup(tmp_path: Path) -> None:
    config = divisions_config(tmp_path)
    assert config.divisions_restricted
    division = config.division("search")
    assert division is not None
    assert division.channel == "search-fire"
    assert config.division("nope") is None


def test_channel_for(tmp_path: Path) -> None:
    config = divisions_config(tmp_path)
    assert config.channel_for("payments") == "payments-outage"
    assert config.channel_for("search") == "search-fire"
    assert config.channel_for("other") == "other-outage"


@pytest.mark.parametrize(
    ("channel", "division"),
    [
        ("payments-outage", "payments"),
        ("#payments-outage", "payments"),
        ("search-fire", "search"),
        ("search-outage", "search"),  # the pattern still names a configured division
        ("other-outage", None),  # not a configured division
        ("company-outage", None),
        ("random", None),
        ("-outage", None),
        ("", None),
    ],
)
def test_division_for_channel_when_restricted(tmp_path: Path, channel: str, division: str | None) -> None:
    assert divisions_config(tmp_path).division_for_channel(channel) == division


@pytest.mark.parametrize(
    ("channel", "division"),
    [
        ("payments-outage", "payments"),
        ("a-b-outage", "a-b"),
        ("company-outage", None),  # the company channel never names a division
        ("outage", None),
        ("general", None),
    ],
)
def test_division_for_channel_when_unrestricted(channel: str, division: str | None) -> None:
    config = BotConfig()
    assert not config.divisions_restricted
    assert config.division_for_channel(channel) == division


def test_division_for_channel_with_a_prefix_pattern() -> None:
    config = BotConfig(division_channel="inc-{division}")
    assert config.division_for_channel("inc-payments") == "payments"
    assert config.channel_for("payments") == "inc-payments"
    assert config.division_for_channel("payments-outage") is None


def test_only_the_company_channel_itself_is_excluded() -> None:
    config = BotConfig(company_channel="all-outage")
    assert config.division_for_channel("company-outage") == "company"
    assert config.division_for_channel("all-outage") is None


def test_cross_division_problems(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        [[divisions]]
        name = "payments"
        [[divisions]]
        name = "payments"
        [[divisions]]
        name = "company"
        [[divisions]]
        name = "x"
        channel = "payments-outage"
        [[divisions]]
        name = "{"a" * 79}"
        """,
    )
    lines = config_error(path).splitlines()
    assert lines == [
        f'{path}: divisions[1].name: "payments" is already used by divisions[0]',
        f'{path}: divisions[2].name: "company-outage" is the company channel, not a division channel',
        f'{path}: divisions[3].channel: channel "payments-outage" is already used by divisions[0]',
        f'{path}: divisions[4].name: the channel name "{"a" * 79}-outage" made from division_channel is longer '
        "than 80 characters (set a shorter channel)",
    ]


@pytest.mark.parametrize(
    ("name", "valid"),
    [("payments", True), ("a_b-2", True), ("Payments", False), ("a b", False), ("", False), ("x" * 81, False)],
)
def test_is_channel_name(name: str, valid: bool) -> None:
    assert is_channel_name(name) is valid


# ----- runbooks ---------------------------------------------------------------------------------------------


def test_runbooks_resolve_relative_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_dir = tmp_path / "etc" / "incidentbot"
    write(config_dir / "runbooks", "# Payments\n", name="payments.md")
    path = write(config_dir, '[[divisions]]\nname = "payments"\nrunbook = "payments.md"\n[[divisions]]\nname = "b"')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.runbooks_dir == (config_dir / "runbooks").resolve()
    assert config.runbook_path("payments") == (config_dir / "runbooks" / "payments.md").resolve()
    assert config.runbook_path("b") is None
    assert config.runbook_path("unknown") is None


def test_runbooks_resolve_relative_to_a_relative_config_path(tmp_path: Path) -> None:
    write(tmp_path / "conf" / "books", "#\n", name="p.md")
    write(tmp_path / "conf", 'runbooks_dir = "books"\n[[divisions]]\nname = "p"\nrunbook = "p.md"')
    config = load_config(Path("conf/incidentbot.toml"))
    assert config.runbook_path("p") == (tmp_path / "conf" / "books" / "p.md").resolve()


def test_absolute_runbooks_dir(tmp_path: Path) -> None:
    books = tmp_path / "books"
    path = write(tmp_path / "conf", f'runbooks_dir = "{books.as_posix()}"')
    assert load_config(path).runbooks_dir == books.resolve()


def test_runbooks_without_a_file_are_relative_to_cwd(tmp_path: Path) -> None:
    assert load_config(None).runbooks_dir == tmp_path.resolve() / "runbooks"


def test_missing_runbook_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[[divisions]]\nname = "payments"\nrunbook = "payments.md"')
    expected = tmp_path.resolve() / "runbooks" / "payments.md"
    assert config_error(path) == f"{path}: divisions[0].runbook: runbook file {expected} does not exist"


def test_runbook_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "runbooks" / "payments").mkdir(parents=True)
    path = write(tmp_path, '[[divisions]]\nname = "payments"\nrunbook = "payments"')
    assert "does not exist" in config_error(path)


# ----- policy -----------------------------------------------------------------------------------------------


def test_policy_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'handoff_timeout = "5m"\npostmortem_due = "1d"\n[cadence]\nsev1 = "10m"\nsev2 = "20m"\nsev4 = "4h"\n',
    )
    policy = load_config(path).policy()
    assert isinstance(policy, Policy)
    assert policy.cadence == {
        1: timedelta(minutes=10),
        2: timedelta(minutes=20),
        3: timedelta(minutes=60),
        4: timedelta(hours=4),
    }
    assert policy.handoff_timeout == timedelta(minutes=5)
    assert policy.postmortem_due == timedelta(days=1)
    assert policy.update_interval(2) == timedelta(minutes=20)
    assert policy.overdue_grace(1) == timedelta(minutes=5)


# ----- environment ------------------------------------------------------------------------------------------


def test_env_defaults(tmp_path: Path) -> None:
    env = load_env()
    assert env.slack_bot_token is None
    assert env.slack_signing_secret is None
    assert env.slack_app_token is None
    assert env.slack_api_url == "https://slack.com/api/"
    assert env.database_url == f"sqlite:///{tmp_path / 'incidentbot.db'}"
    assert env.database_url.startswith("sqlite:////")
    assert env.incidentbot_config is None
    assert env.incidentbot_api_token is None


def test_default_database_follows_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    assert load_env().database_url == f"sqlite:///{other / 'incidentbot.db'}"


def test_env_reads_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", " xoxb-1-2 \n")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:8765/api")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("INCIDENTBOT_CONFIG", "conf/bot.toml")
    monkeypatch.setenv("INCIDENTBOT_API_TOKEN", "api-token")
    env = load_env()
    assert env.slack_bot_token is not None and env.slack_bot_token.get_secret_value() == "xoxb-1-2"
    assert env.slack_signing_secret is not None and env.slack_signing_secret.get_secret_value() == "s3cret"
    assert env.slack_app_token is not None and env.slack_app_token.get_secret_value() == "xapp-1"
    assert env.slack_api_url == "http://127.0.0.1:8765/api/"
    assert env.database_url == "sqlite:///x.db"
    assert env.incidentbot_config == Path("conf/bot.toml")
    assert env.incidentbot_api_token is not None and env.incidentbot_api_token.get_secret_value() == "api-token"


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.setenv(name, "")
    env = load_env()
    assert env.slack_bot_token is None
    assert env.slack_api_url == "https://slack.com/api/"
    assert env.database_url.startswith("sqlite:///")
    assert env.incidentbot_config is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/bot", "postgresql+psycopg://u:p@db:5432/bot"),
        ("postgres://u:p@db/bot", "postgresql+psycopg://u:p@db/bot"),
        ("POSTGRES://db/bot", "postgresql+psycopg://db/bot"),
        ("postgresql+psycopg://db/bot", "postgresql+psycopg://db/bot"),
        ("sqlite:///relative.db", "sqlite:///relative.db"),
        ("sqlite:////var/lib/bot.db", "sqlite:////var/lib/bot.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_url_rewriting(monkeypatch: pytest.MonkeyPatch, url: str, expected: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert load_env().database_url == expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://u:hunter2@db/bot", 'DATABASE_URL: "mysql://" databases are not supported'),
        ("DATABASE_URL", "bot.db", 'DATABASE_URL: "bot.db" is not a database URL'),
        ("SLACK_API_URL", "slack.com/api", 'SLACK_API_URL: "slack.com/api" is not an http(s) URL'),
    ],
)
def test_bad_environment_values(monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_env()
    message = str(caught.value)
    assert message.startswith(expected)
    assert len(message.splitlines()) == 1
    assert "hunter2" not in message
    assert "pydantic" not in message.lower()


def test_secrets_never_print(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-secret-bot",
        "SLACK_SIGNING_SECRET": "secret-signing",
        "SLACK_APP_TOKEN": "xapp-secret-app",
        "INCIDENTBOT_API_TOKEN": "secret-api",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:db-password@db/bot")
    settings = load_settings()
    shown = " ".join([repr(settings.env), str(settings.env), repr(settings), str(settings)])
    for value in [*secrets.values(), "db-password"]:
        assert value not in shown
    assert "postgresql+psycopg://bot:***@db/bot" in shown
    assert settings.env.database_url == "postgresql+psycopg://bot:db-password@db/bot"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://u:pw@h:5/d", "postgresql+psycopg://u:***@h:5/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////x.db", "sqlite:////x.db"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


# ----- Slack credentials ------------------------------------------------------------------------------------


def env_with(**values: str) -> Env:
    return Env(**values)  # type: ignore[arg-type]


def test_http_mode_credentials_ok() -> None:
    require_slack_credentials(env_with(slack_bot_token="xoxb-1", slack_signing_secret="s"))


def test_socket_mode_credentials_ok() -> None:
    require_slack_credentials(env_with(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), socket=True)


def test_missing_bot_token_says_where_to_find_it() -> None:
    with pytest.raises(ConfigError) as caught:
        require_slack_credentials(env_with(slack_signing_secret="s"))
    assert str(caught.value) == (
        'SLACK_BOT_TOKEN is not set: export the bot token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page'
    )


def test_http_mode_needs_the_signing_secret() -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is not set: .*Basic Information"):
        require_slack_credentials(env_with(slack_bot_token="xoxb-1"))


def test_socket_mode_needs_an_app_token() -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token"):
        require_slack_credentials(env_with(slack_bot_token="xoxb-1", slack_signing_secret="s"), socket=True)


def test_app_token_must_be_an_app_token() -> None:
    with pytest.raises(ConfigError) as caught:
        require_slack_credentials(env_with(slack_bot_token="xoxb-1", slack_app_token="xoxb-oops"), socket=True)
    message = str(caught.value)
    assert message.startswith('SLACK_APP_TOKEN should start with "xapp-" (it looks like a bot token)')
    assert "oops" not in message


def test_user_token_is_not_a_bot_token() -> None:
    with pytest.raises(ConfigError) as caught:
        require_slack_credentials(env_with(slack_bot_token="xoxp-user-secret", slack_signing_secret="s"))
    message = str(caught.value)
    assert message.startswith('SLACK_BOT_TOKEN should start with "xoxb-" (it looks like a user token)')
    assert "user-secret" not in message


def test_all_missing_credentials_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        require_slack_credentials(env_with())
    assert [line.split(" ")[0] for line in str(caught.value).splitlines()] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    ]


# ----- load_settings ----------------------------------------------------------------------------------------


def test_settings_without_any_file_use_defaults() -> None:
    settings = load_settings()
    assert isinstance(settings, Settings)
    assert settings.config_path is None
    assert settings.bot == BotConfig()


def test_settings_find_incidentbot_toml_in_cwd(tmp_path: Path) -> None:
    write(tmp_path, 'id_prefix = "inc"')
    settings = load_settings()
    assert settings.config_path == tmp_path / "incidentbot.toml"
    assert settings.bot.id_prefix == "INC"


def test_settings_use_incidentbot_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, 'id_prefix = "cwd"')
    path = write(tmp_path / "conf", 'id_prefix = "env"', name="bot.toml")
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(path))
    settings = load_settings()
    assert settings.config_path == path
    assert settings.bot.id_prefix == "ENV"


def test_explicit_config_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(write(tmp_path, 'id_prefix = "env"', name="a.toml")))
    settings = load_settings(write(tmp_path, 'id_prefix = "arg"', name="b.toml"))
    assert settings.bot.id_prefix == "ARG"


def test_incidentbot_config_naming_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "missing.toml"
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(missing))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == f"{missing}: configuration file not found (named by INCIDENTBOT_CONFIG)"


def test_find_config_path_without_anything() -> None:
    assert find_config_path(load_env()) is None


def test_settings_report_a_bad_file(tmp_path: Path) -> None:
    write(tmp_path, "cadance = 1")
    with pytest.raises(ConfigError, match=r'^incidentbot\.toml: unknown key "cadance" \(did you mean "cadence"\?\)$'):
        load_settings()
