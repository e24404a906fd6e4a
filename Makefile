# flask-fastsession: every command a developer or CI needs. `make help` lists them.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HYPOTHESIS_PROFILE ?= ci
# Extra pytest arguments for `make test` (scripts/pythons.py passes --junitxml).
PYTEST_ARGS ?=
# Quart 0.20 on Python 3.10, 0.22 on 3.11 and 3.12, 0.23 on 3.13+; tomllib is tomli before 3.11.
DEV_PACKAGES := "maturin>=1.9.2,<2" "pytest>=8" "hypothesis>=6.100" "freezegun>=1.5" "flask>=3.1,<3.2" \
	"quart>=0.20" "tomli>=1.1; python_version < '3.11'"
MYPY := "mypy>=1.11"
# ruff adds rules to the selected sets in minor releases: the one the tree is clean under.
RUFF := "ruff>=0.17,<0.18"

.PHONY: help venv develop demo test test-rust test-python pythons matrix lint lint-rust lint-python fmt bench \
	bench-http bench-instructions wheel sdist fuzz clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(DEV_PACKAGES)
	touch $@

venv: $(VENV)/.installed ## Create .venv with the build and test tools

develop: venv ## Build the extension (release) into .venv
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/maturin develop --release -q --features testing

demo: develop ## Run the demo app: stock vs fast Set-Cookie headers side by side
	$(PY) demo/demo.py

test: test-rust test-python ## Run all tests (cargo test + pytest)

# PYO3_PYTHON: the tests link $(PYTHON)'s libpython (sid's chroot has no python3).
test-rust: ## Unit tests of the pure-Rust core
	PYO3_PYTHON=$(PYTHON) cargo test --lib -q

# FASTSESSION_SLOW=0: without the slow soaks (memory and threads: ~7.5 of the suite's
# ~10 minutes with the ci-light profile); `make pythons` sets it per interpreter.
FASTSESSION_SLOW ?= 1

test-python: develop ## Differential tests against stock Flask (slow soaks included)
	FASTSESSION_SLOW=$(FASTSESSION_SLOW) HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(PY) -m pytest -q $(PYTEST_ARGS)

# `make pythons`: the hypothesis profile of the interpreters other than $(PYTHON), then
# optionally X.Y=profile and newest=profile words ("ci-light newest=ci").
PYTHONS_HYPOTHESIS_PROFILE ?= $(HYPOTHESIS_PROFILE)

pythons: ## make test on every supported CPython found (pyenv; 3.14, 3.15: sid chroot), each in its own venv
	HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) PYTHONS_HYPOTHESIS_PROFILE="$(PYTHONS_HYPOTHESIS_PROFILE)" \
		$(PYTHON) scripts/pythons.py

matrix: ## Differential suite, and Flask's session tests stock vs swapped, per supported Flask (.matrix/)
	$(PYTHON) scripts/matrix.py

lint: lint-rust lint-python ## cargo fmt, clippy -D warnings, notices, ruff, mypy --strict, stubtest, mypy on tests

lint-rust: ## cargo fmt --check, clippy -D warnings, THIRD-PARTY-NOTICES up to date with Cargo.lock
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	$(PYTHON) scripts/third_party_notices.py --check

# mypy over tests/ checks their calls into the package and _native against its types and
# _native.pyi.
lint-python: develop ## ruff check, mypy --strict on the package, stubtest of _native.pyi, mypy on the tests
	$(PY) -c "import ruff" 2>/dev/null || $(PY) -m pip install -q $(RUFF)
	$(PY) -m ruff check python/ tests/ benches/ scripts/ demo/
	$(PY) -c "import mypy" 2>/dev/null || $(PY) -m pip install -q $(MYPY)
	$(PY) -m mypy --strict python/flask_fastsession
	$(PY) -m mypy.stubtest flask_fastsession._native
	$(PY) -m mypy --check-untyped-defs tests

fmt: ## Format the Rust code
	cargo fmt

bench: develop ## Benchmarks: stock vs fast in one run, medians and ratios
	$(PY) -m pip install -q -r benches/requirements.txt
	$(PY) benches/run.py

bench-http: develop ## gunicorn + wrk: stock vs fast vs null session, two endpoints (needs wrk)
	$(PY) -m pip install -q -r benches/requirements.txt
	$(PY) benches/e2e.py

bench-instructions: develop ## Instructions per request (callgrind): stock vs fast vs null, profile
	$(PY) -m pip install -q -r benches/requirements.txt
	$(PY) benches/instructions.py

wheel: venv ## Release wheel for $(PYTHON) in dist/ (Linux: manylinux2014 via zig, system libz.so.1)
	$(PY) -m pip install -q "ziglang>=0.13; sys_platform == 'linux'" "auditwheel>=6; sys_platform == 'linux'"
	$(PY) scripts/build_wheel.py --interpreter $(abspath $(PY)) --out dist

sdist: venv ## Source distribution in dist/ (with fuzz/, LICENSE and THIRD-PARTY-NOTICES)
	env -u VIRTUAL_ENV $(VENV)/bin/maturin sdist --out dist

FUZZ_SECONDS ?= 60
fuzz: develop ## Fuzz the native decoders for FUZZ_SECONDS per target
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

clean: ## Remove build outputs
	rm -rf target dist $(VENV) .pytest_cache .hypothesis
