# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
SECRET_FILE := instance/secret_key
PORT ?= 5000

.PHONY: run test test-fast lint translations extract-messages bench fuzz load mutate clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The catalogues compile only when a .po changed, so that two `make test` at once (CI runs SQLite and
# PostgreSQL side by side) never write a .mo while the other reads it.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGUES)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages -l $*

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

$(SECRET_FILE):
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

# `make run PORT=5050` when 5000 is taken. Loopback only: 127.0.0.1 counts as a secure context,
# so the service worker runs without HTTPS.
run: $(VENV)/.installed translations $(SECRET_FILE)
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) db upgrade
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(FLASK) seed-demo --if-empty
	@echo "Fieldwork: http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	SECRET_KEY=$$(cat $(SECRET_FILE)) FIELDWORK_BASE_URL=$${FIELDWORK_BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.dev-installed translations
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev-installed translations
	$(BIN)/python -m pytest -m "not browser and not slow"

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check fieldwork tests bench app.py

bench: $(VENV)/.dev-installed translations
	$(BIN)/python bench/sync_bench.py
	$(BIN)/python bench/dashboard_bench.py

# A longer fuzz run than `make test` does: schemathesis with its coverage phase, hypothesis with
# more examples on every fuzzed input and on every page for every role (FUZZ_EXAMPLES=1000 for longer).
FUZZ_EXAMPLES ?= 200
fuzz: $(VENV)/.dev-installed translations
	FIELDWORK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider \
		tests/test_api_schemathesis.py tests/test_fuzz_inputs.py tests/test_fuzz_pages.py

# 50 officers syncing batches of 20 for 60 s against gunicorn -w 4 on PostgreSQL (LOAD_DATABASE_URL,
# default a database fw_load on the local server, recreated by the run); see bench/README.md.
load: $(VENV)/.dev-installed translations
	$(BIN)/python bench/load.py --officers 50 --batch 20 --duration 60 --workers 4

# Mutation testing (slow: tens of minutes; not part of `make test`). mutmut 3 mutates the rule modules listed
# under [tool.mutmut] in pyproject.toml and runs, for each mutant, the focused tests that reach it.
# Results are kept in mutants/ (a second run only tries what changed); the score and every survivor's
# reason are recorded in tests/README.md. `make mutate MUTATE_JOBS=1` on a busy machine.
MUTATE_JOBS ?= 2
mutate: $(VENV)/.dev-installed translations
	$(BIN)/mutmut run --max-children $(MUTATE_JOBS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) mutants instance/fieldwork.sqlite translations/*/LC_MESSAGES/*.mo
