# Two commands matter: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8888
DB     ?= ./chat.db

.PHONY: run test venv clean bench

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/chatserver serve --host $(HOST) --port $(PORT) --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Baseline vs chatserver, five benchmarks plus SSE fan-out (~6 min; QUICK=1: under a minute;
# ONLY=fanout,fanout-sse,fanout-pg,idle,posts,herd,transcript).
# Prints a table and writes bench/results.json. See bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m bench $(if $(filter 1 yes true,$(QUICK)),--quick) $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
