"""The Slack app: Bolt listeners, Block Kit rendering, install (OAuth) and Socket Mode."""
