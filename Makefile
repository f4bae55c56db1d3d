# nianbao: `make demo` crawls the bundled offline mirror into data/reports.db and serves
# it with Datasette; `make test` runs the whole suite. Both set themselves up first.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8001
MIRROR_PORT ?= 8710
SERVE ?= 1
DB ?= data/reports.db
# On the bundled mirror there is nobody to be polite to: no delay, no throttle.
MIRROR_CRAWL_SETTINGS := -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False \
	-s CONCURRENT_REQUESTS_PER_DOMAIN=8

.PHONY: setup demo test crawl-mirror serve clean

setup: $(VENV)/.installed browser

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

crawl-mirror: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(PY) -m tests.mirror.server --port $(MIRROR_PORT) & echo $$! > .mirror.pid; \
	trap 'kill $$(cat .mirror.pid) 2>/dev/null; rm -f .mirror.pid' EXIT; \
	sleep 1; \
	$(VENV)/bin/scrapy crawl gansu_reports -s MIRROR=http://127.0.0.1:$(MIRROR_PORT) \
	  -s WAREHOUSE_DB=$(DB) $(MIRROR_CRAWL_SETTINGS)

serve: setup
	$(PY) -m warehouse serve $(DB) --port $(PORT)

demo: crawl-mirror
	@if [ "$(SERVE)" = "1" ]; then $(MAKE) --no-print-directory serve; \
	else echo "database: $(DB)"; fi

test: setup
	$(PY) -m pytest

clean:
	rm -rf data .pytest_cache test-artifacts
