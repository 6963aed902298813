"""The Microsoft Teams surface: messaging endpoint, Adaptive Cards, install events, manifest."""
