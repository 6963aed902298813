"""Fakes at the HTTP boundary: a local Slack Web API server and Slack's request signing."""
