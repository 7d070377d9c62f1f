# Two commands matter: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: `make run` installs the runtime only; `make test` adds the test tools on top, once.
RUNTIME := $(VENV)/.runtime-stamp
TESTING := $(VENV)/.test-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8888
DB     ?= ./chat.db

.PHONY: run test venv clean bench bench-peers-deps screenshots translations

$(RUNTIME): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(TESTING): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TESTING)

venv: $(RUNTIME)

run: $(RUNTIME)
	$(BIN)/chatserver serve --host $(HOST) --port $(PORT) --db $(DB)

test: $(TESTING)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Baseline vs chatserver, and chatserver vs Nchan and Tornado's chat demo (~17 min; QUICK=1: ~2 min;
# ONLY=fanout,fanout-sse,fanout-pg,idle,posts,herd,transcript,conversation,search,files,qa,peers).
# Prints a table and writes bench/results.json. See bench/README.md.
bench: $(TESTING)
	$(BIN)/python -m bench $(if $(filter 1 yes true,$(QUICK)),--quick) $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

# The peers of `make bench ONLY=peers` (Debian or Ubuntu, as root): nginx with the Nchan module, and
# Tornado's chat demo (examples/chat of python-tornado-doc). Without them those peers are skipped.
bench-peers-deps:
	apt-get install -y --no-install-recommends nginx-light libnginx-mod-nchan python-tornado-doc

# Every page at desktop and phone sizes, light and dark, into /tmp/chatserver-shots; the README's
# shots are copied into docs/ (tests/browser/screenshots.py).
screenshots: $(TESTING)
	$(BIN)/python -m tests.browser.screenshots --keep

# Extract every message into chatserver/locale/chatserver.pot and bring each language's .po up to it.
translations: $(TESTING)
	$(BIN)/python -m chatserver.translations

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
