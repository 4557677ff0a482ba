"""Why the domain refused a request. Every message is written for the person who typed the command."""


class DomainError(Exception):
    """A request the incident cannot honour; `str(error)` is safe to show to the user."""


class NotAllowed(DomainError):
    """The person may not do this to this incident."""


class InvalidTransition(DomainError):
    """The incident's state does not allow this change."""


class NothingToDo(DomainError):
    """The request repeats what already happened (a double click, a Slack retry, a second `ack`)."""
