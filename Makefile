# The README's two commands: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
APP := .venv/bin/python
RASA := .venv-rasa/bin/python

.PHONY: run test test-fast envs env-app env-rasa build model lock-app lock-rasa clean

run: envs build
	$(APP) -m ops.services run

test: envs build model
	$(APP) -m pytest

# the edit-test loop: unit tests and retrieval quality, no servers (under a minute warm)
test-fast: env-app build
	$(APP) -m pytest -m "not slow"

envs: env-app env-rasa

env-app:
	@$(PYTHON) tools/envs.py ensure app

env-rasa:
	@$(PYTHON) tools/envs.py ensure rasa

build: env-app
	@.venv/bin/policybot build

model: envs build
	@$(APP) -m ops.services train

lock-app:
	$(PYTHON) tools/envs.py lock app

lock-rasa:
	$(PYTHON) tools/envs.py lock rasa

clean:
	rm -rf .venv .venv-rasa knowledge/build index/build models var bot/data/generated .pytest_cache
