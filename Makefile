# One target per habit. Every target sets up the virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-slow lint bench drills clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Slack when its credentials are set, the console chat otherwise.
run: install
	$(BIN)/secbot init
	@if [ -n "$$SLACK_BOT_TOKEN$$SLACK_APP_TOKEN$$SLACK_CLIENT_ID" ]; then $(BIN)/secbot serve; else $(BIN)/secbot chat; fi

# Long simulations (slow) and fault drills (drill) have their own targets.
test: install
	$(BIN)/pytest -n 2 -q -m "not slow and not drill"

test-slow: install
	$(BIN)/pytest -n 2 -q -m slow

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot jobs storage sec

bench: install
	$(BIN)/python -m bench

# Fault drills (tests/drills), quick mode; SECBOT_DRILLS=long make drills for the long mode.
drills: install
	$(BIN)/pytest -q tests/drills -m drill

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis secbot.db
