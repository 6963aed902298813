"""Command-line command groups: each module exposes register(app) and adds its commands."""
