"""How a failed Web API call is treated: retried (and when), repaired, or given up on."""

from __future__ import annotations

import http.client
import random
import socket
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from slack_sdk.errors import SlackApiError


class Action(StrEnum):
    RETRY = "retry"  # transient: try again after `delay`
    JOIN = "join"  # the bot is not in the channel: join, then post
    RECREATE = "recreate"  # the channel is gone or archived: find or create it again
    FAIL = "fail"  # permanent: Slack will never accept this call
    WAIT = "wait"  # nothing was sent (a Retry-After, a thread being re-created): try again, no attempt spent


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str
    delay: timedelta = timedelta(0)
    unknown_outcome: bool = False  # the call may have taken effect (timeout after sending, 5xx)
    rate_limited: bool = False


# Errors that will not go away by themselves but where waiting (for a fix of the token or scopes) beats
# dropping the post: the post is kept and retried slowly.
_WAIT_FOR_FIX = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                 "missing_scope", "no_permission", "team_access_not_granted", "ekm_access_denied"}  # fmt: skip
_TRANSIENT = {"ratelimited", "rate_limited", "service_unavailable", "fatal_error", "internal_error",
              "request_timeout", "team_added_to_org", "org_login_required"}  # fmt: skip
_GONE = {"channel_not_found", "is_archived"}

# Its own generator: worker threads must not move the global one (tests that seed or watch it, e.g. hypothesis).
_jitter = random.Random()

BACKOFF_BASE = 1.0
BACKOFF_CAP = 300.0


def backoff(attempt: int, *, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP) -> timedelta:
    """Exponential backoff with full jitter. The retry schedule is persisted per outbox row (it must survive
    restarts and be shared by processes), which is why an in-process retry decorator does not fit here."""
    ceiling = min(cap, base * (2 ** min(attempt, 16)))
    return timedelta(seconds=_jitter.uniform(ceiling / 2, ceiling))


def classify(
    error: BaseException, *, attempt: int, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP
) -> Verdict:
    def wait(n: int) -> timedelta:
        return backoff(n, base=base, cap=cap)

    if isinstance(error, SlackApiError):
        return _classify_api_error(error, attempt, wait)
    if isinstance(error, TimeoutError | socket.timeout):
        return Verdict(Action.RETRY, "timed out waiting for Slack", wait(attempt), unknown_outcome=True)
    if _refused(error):
        # Nothing was sent: there is nothing to look for before trying again.
        return Verdict(Action.RETRY, "Slack could not be reached (connection refused)", wait(attempt))
    if isinstance(error, urllib.error.URLError | ConnectionError | http.client.HTTPException | OSError):
        # The request may have reached Slack before the connection broke.
        return Verdict(Action.RETRY, f"connection to Slack failed: {error}", wait(attempt), unknown_outcome=True)
    return Verdict(Action.FAIL, f"unexpected error: {type(error).__name__}: {error}")


def passing(error: BaseException) -> bool:
    """Whether the failure should go away by itself soon (Slack down or busy), as opposed to needing a fix
    (credentials, scopes) or never going away."""
    if classify(error, attempt=0).action is not Action.RETRY:
        return False
    code = error.response.get("error") if isinstance(error, SlackApiError) and isinstance(error.response.data,
                                                                                          dict) else None
    return code not in _WAIT_FOR_FIX


def _refused(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, ConnectionRefusedError)


def _classify_api_error(error: SlackApiError, attempt: int, wait: Callable[[int], timedelta]) -> Verdict:
    response = error.response
    status = getattr(response, "status_code", 200)
    code = response.get("error") if isinstance(response.data, dict) else None
    if status == 429 or code in {"ratelimited", "rate_limited"}:
        return Verdict(Action.RETRY, "rate limited by Slack", retry_after(error) or wait(attempt), rate_limited=True)
    if status >= 500:
        return Verdict(Action.RETRY, f"Slack answered HTTP {status}", wait(attempt), unknown_outcome=True)
    if code == "not_in_channel":
        return Verdict(Action.JOIN, "the bot is not in the channel")
    if code in _GONE:
        return Verdict(Action.RECREATE, f"the channel is unavailable ({code})")
    if code in _TRANSIENT:
        return Verdict(Action.RETRY, f"Slack error {code}", wait(attempt))
    if code in _WAIT_FOR_FIX:
        return Verdict(Action.RETRY, f"Slack refused the bot's credentials ({code}); fix the token or scopes",
                       wait(attempt + 4))
    return Verdict(Action.FAIL, f"Slack rejected the call: {code or f'HTTP {status}'}")


def retry_after(error: BaseException) -> timedelta | None:
    """The wait Slack asked for with HTTP 429, if this is such an answer."""
    if not isinstance(error, SlackApiError) or getattr(error.response, "status_code", 200) != 429:
        return None
    return _retry_after(error.response.headers)


def _retry_after(headers: object) -> timedelta | None:
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return timedelta(seconds=max(1.0, float(raw)))
            except (TypeError, ValueError):
                return None
    return None
