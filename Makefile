# The README's two commands: `make run` and `make test`. Everything else is a step they take.
PYTHON ?= python3
APP := .venv/bin/python
RASA := .venv-rasa/bin/python

.PHONY: run run-cluster bench test test-fast envs env-app env-rasa build model lock-app lock-rasa clean

run: envs build
	$(APP) -m ops.services run

# the scaled-out set on this machine: nginx on 5005 (and 5055 for the action servers), two Rasa and two action
# servers, PostgreSQL and Redis (README "Scale-out and load")
run-cluster: envs build
	$(APP) -m ops.cluster run

# every measured figure in one run (retrieval, load at 1/8/32/64 users single and scaled out, memory, training);
# writes benchmarks/results.json. Run it on a quiet machine.
bench: envs build model
	$(APP) -m ops.loadbench $(BENCH_ARGS)

# on TEST_WORKERS processes (pytest-xdist); the grouping and order are in tests/conftest.py
TEST_WORKERS ?= 2
test: envs build model
	$(APP) -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

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
