# nianbao: `make demo` crawls the bundled offline mirror into data/reports.db and serves
# it with Datasette; `make test` runs the whole suite. Both set themselves up first.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8001
MIRROR_PORT ?= 8710
SERVE ?= 1
DB ?= data/reports.db
# The sites the bundled mirror holds (the registry's other portals are not mirrored).
MIRROR_SITES := $(shell python3 -c "import json; print(','.join(sorted({p['site'] for p in json.load(open('tests/mirror/manifest.json'))})))")
# On the bundled mirror there is nobody to be polite to: no delay, no throttle.
MIRROR_CRAWL_SETTINGS := -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False \
	-s CONCURRENT_REQUESTS_PER_DOMAIN=8

.PHONY: setup office redis demo test bench crawl-mirror serve clean

setup: $(VENV)/.installed browser office redis

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Debian's Chromium for bot challenges and JavaScript lists (Playwright cannot download
# its own browser offline). Elsewhere: set NIANBAO_BROWSER or run `playwright install chromium`.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || [ -n "$$NIANBAO_BROWSER" ] || { \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

# LibreOffice headless reads legacy .doc/.wps attachments (converted to docx). Without it
# they are stored with a converter_missing flag. Fonts for CJK documents and OCR tests.
office:
	@command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || { \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends \
	      libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk; }

# redis-server for the scale-out test (two crawl workers sharing one scrapy-redis queue).
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server; }

crawl-mirror: setup
	rm -rf $(DB) $(DB)-wal $(DB)-shm $(dir $(DB))raw
	$(PY) -m tests.mirror.server --port $(MIRROR_PORT) & echo $$! > .mirror.pid; \
	trap 'kill $$(cat .mirror.pid) 2>/dev/null; rm -f .mirror.pid' EXIT; \
	$(PY) -c "from tests.conftest import wait_for_http as w; w('http://127.0.0.1:$(MIRROR_PORT)/__mirror__/log')"; \
	$(VENV)/bin/scrapy crawl gansu_reports -a site=$(MIRROR_SITES) -s MIRROR=http://127.0.0.1:$(MIRROR_PORT) \
	  -s WAREHOUSE_DB=$(DB) $(MIRROR_CRAWL_SETTINGS)

serve: setup
	$(PY) -m warehouse serve $(DB) --port $(PORT)

demo: crawl-mirror
	@if [ "$(SERVE)" = "1" ]; then $(MAKE) --no-print-directory serve; \
	else echo "database: $(DB)"; fi

test: setup
	$(PY) -m pytest

# Speed and memory figures (tests/benchmarks/README.md): a large generated mirror, a
# 1,000,000-report database; prints the table and writes tests/benchmarks/results.json.
BENCH_WORK ?= /tmp/nianbao-bench
bench: setup
	PYTHONPATH=. $(PY) -m tests.benchmarks.run --work $(BENCH_WORK)

clean:
	rm -rf data .pytest_cache test-artifacts
