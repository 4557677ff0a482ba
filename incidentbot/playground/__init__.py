"""`incidentbot playground`: the real bot and the Slack emulator in one process, with a web page to use them."""
