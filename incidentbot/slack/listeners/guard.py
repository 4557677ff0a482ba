"""Turns refusals and unexpected failures into a clear answer: never an HTTP 500, never a stack trace."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from incidentbot.domain.errors import DomainError
from incidentbot.messages import candidates, error_message
from incidentbot.service.context import Refused, Reply
from incidentbot.store.dedupe import AlreadyProcessed

log = logging.getLogger("incidentbot.slack")


def answer(work: Callable[[], Reply], *, command: str | None = None) -> Reply:
    """Run `work`; a refusal becomes its message, a crash becomes an apology with an error id to quote.

    `command` is the `/outage` sub-command typed, so that a "which outage?" answer shows it with an ID.
    """
    try:
        return work()
    except Refused as refused:
        if refused.candidates:
            msg = candidates(refused.candidates, reason=refused.message, command=command, more=refused.more)
        else:
            msg = error_message(refused.message, refused.usage)
        return Reply(msg.text, msg.blocks)
    except AlreadyProcessed:
        raise  # not a failure: the listener acknowledges a repeated request without an answer
    except DomainError as error:
        msg = error_message(str(error), None)
        return Reply(msg.text, msg.blocks)
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        log.exception("request failed (error id %s)", error_id)
        msg = error_message(
            f"Something went wrong on our side and nothing was recorded. Please try again; if it keeps failing, "
            f"tell whoever runs incidentbot (error id `{error_id}`).",
            None,
        )
        return Reply(msg.text, msg.blocks)
