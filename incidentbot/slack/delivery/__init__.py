"""Delivering the outbox to Slack, one module per concept.

- `worker`: the claim-and-deliver loop (`Deliverer`) and what becomes of a row after an attempt;
- `holds`: every call held back while Slack's Retry-After for its method runs, in every process;
- `pacing`: one message per second per channel, and the in-process Retry-After clock;
- `references`: `$root`, `#name` and `@user` resolved to what Slack expects, posts tagged with a delivery id;
- `earlier`: exactly once, by looking for an earlier delivery after an unknown outcome;
- `repairs`: joining a channel, finding a lost one again, moving an incident's thread;
- `policy`: which failures are retried (and when), repaired, or given up on.
"""

from incidentbot.slack.delivery.pacing import ChannelPacer
from incidentbot.slack.delivery.worker import Deliverer

__all__ = ["ChannelPacer", "Deliverer"]
