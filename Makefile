# Roster — `make run` serves it, `make test` runs every test. Both install what is missing first
# (and skip what is already there at the right version). No network is needed beyond crates.io,
# npm and Debian's packages.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

CARGO_LEPTOS_VERSION := 0.3.10
# Must equal the wasm-bindgen version in Cargo.lock (pinned in Cargo.toml).
WASM_BINDGEN_VERSION := 0.2.130
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# PostgreSQL for the database tests: a local server, started if it is down.
PG_VERSION := 15
ROSTER_TEST_PG_URL ?= postgres://roster:roster@127.0.0.1:5432/postgres

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run test build setup setup-rust setup-node setup-browser setup-mail pg-up test-cargo test-e2e bench bench-django fmt lint

## run: build Roster (release) and serve it on SQLite at http://127.0.0.1:3000
run: setup-rust setup-node build
	LEPTOS_SITE_ROOT=target/site $(TARGET_DIR)/release/server

## test: cargo tests on SQLite and PostgreSQL, then the browser tests against a release build
test: setup pg-up test-cargo build test-e2e

# --split: each lazy route's code goes to its own wasm chunk, loaded on the first visit.
# --precompress: brotli (quality 11) and gzip copies of every asset, made once here; the
# server sends them as they are. cargo-leptos's gzip is a fast level, so gzip -9 redoes it.
build: setup-rust setup-node
	cargo leptos build --release --split --precompress
	find target/site/pkg -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) -exec gzip -9 -k -f -n {} +

setup: setup-rust setup-node setup-browser setup-mail

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (once per machine, ~15 min)…"; \
	  cargo install cargo-leptos@$(CARGO_LEPTOS_VERSION) --locked; fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (once per machine, ~3 min)…"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; fi

# npm packages: Playwright, axe, and binaryen's wasm-opt (Debian's is too old for this rustc).
setup-node:
	@if [ ! -f end2end/node_modules/.stamp ] || [ end2end/package-lock.json -nt end2end/node_modules/.stamp ]; then \
	  cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && touch node_modules/.stamp; fi

# Playwright's own browser download cannot work here; Debian's Chromium does.
setup-browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# A real SMTP server for the mail tests (each test starts its own on a free port): Debian's
# aiosmtpd, run with Debian's Python.
setup-mail:
	@/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null; }

pg-up:
	@command -v pg_ctlcluster >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	@pg_lsclusters -h | grep -q "^$(PG_VERSION) *main .*online" || pg_ctlcluster $(PG_VERSION) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
	@su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'roster'\"" | grep -q 1 \
	  || su postgres -c "psql -qc \"CREATE ROLE roster LOGIN CREATEDB PASSWORD 'roster'\""

test-cargo:
	ROSTER_TEST_PG_URL=$(ROSTER_TEST_PG_URL) cargo test -p app --features ssr
	ROSTER_TEST_PG_URL=$(ROSTER_TEST_PG_URL) cargo test -p server

test-e2e:
	cd end2end && npx playwright test

## bench: the benchmarks (SQLite and PostgreSQL), printing their figures
bench: pg-up
	ROSTER_TEST_PG_URL=$(ROSTER_TEST_PG_URL) cargo bench -p server

## bench-django: every view of the users-page mix in Django's admin on the same databases, beside
## Roster's own times (server/benches/django/compare.py; Django from PyPI in a venv)
DJANGO_VENV := $(TARGET_DIR)/django-venv
MIX_PG_URL := $(patsubst %/postgres,%/roster_kept_mix2_1000000,$(ROSTER_TEST_PG_URL))
bench-django: pg-up
	@[ -x $(DJANGO_VENV)/bin/django-admin ] || { python3 -m venv $(DJANGO_VENV) \
	  && $(DJANGO_VENV)/bin/pip install -q "django>=5.2,<6" "psycopg[binary]>=3.2"; }
	for b in sqlite postgres; do \
	  ROSTER_TEST_PG_URL=$(ROSTER_TEST_PG_URL) ROSTER_BENCH_BACKEND=$$b ROSTER_BENCH_THROUGHPUT=none \
	    ROSTER_BENCH_TIMINGS=$(abspath $(TARGET_DIR))/mix-$$b.tsv cargo bench -p server --bench users_page_mix; \
	done
	$(DJANGO_VENV)/bin/python server/benches/django/compare.py --timings $(abspath $(TARGET_DIR))/mix-sqlite.tsv \
	  --sqlite $${TMPDIR:-/tmp}/roster-tests/kept_mix2_1000000.db
	$(DJANGO_VENV)/bin/python server/benches/django/compare.py --timings $(abspath $(TARGET_DIR))/mix-postgres.tsv \
	  --postgres $(MIX_PG_URL)

fmt:
	cargo fmt --all

lint:
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
