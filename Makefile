# One command for the main job, one for the tests; both set themselves up first.
PYTHON ?= python3
UV := $(PYTHON) -m uv
MIRROR ?= $(wildcard ../shared/data/paperlists)
ARCHIVE ?= $(or $(TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR),$(wildcard ../shared/data/papercopilot-openreview))
DB ?= talentflow.duckdb
OUT ?= out

.PHONY: setup run test lint bench

# With bytecode, a command starts without compiling Typer, rich and pydantic each time where
# PYTHONDONTWRITEBYTECODE is set (benchmarks/cli_startup.py: the 'libraries' condition).
setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@$(UV) sync --frozen --all-extras --quiet --compile-bytecode

# The build reads the OpenReview archive beside the paper lists when it is there.
run: export TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR := $(ARCHIVE)
run: setup
	$(UV) run talentflow build $(if $(MIRROR),--mirror $(MIRROR),) --db $(DB)
	$(UV) run talentflow stats --db $(DB)
	$(UV) run talentflow report --db $(DB) --out $(OUT)/report.html

lint: setup
	$(UV) run ruff check src tests benchmarks devtools
	$(UV) run ruff format --check src tests benchmarks devtools
	$(UV) run mypy

test: lint
	$(UV) run pytest

bench: setup
	$(UV) run python benchmarks/ingest.py
