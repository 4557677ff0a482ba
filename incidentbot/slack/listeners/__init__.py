"""Bolt listeners, one module per kind of request: ack → parse → handler → render."""
