# The two commands of the README: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
LABSTUDIO_DB ?= data/labstudio.duckdb
export LABSTUDIO_DB

.PHONY: install install-dev system-deps office-deps db run test lint format bench fonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Debian's chromium (browser tests; chart images for the meeting deck through kaleido) and a CJK
# font (Chinese text in those images), installed as root when missing. STRICT=0 only warns.
STRICT ?= 1
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing fontconfig; \
	  elif [ "$(STRICT)" = 1 ]; then \
	    echo "missing:$$missing — run 'sudo make system-deps'"; exit 1; \
	  else \
	    echo "note: missing$$missing (run 'sudo make system-deps'); the meeting page cannot export PDF/PPTX until then"; \
	  fi; \
	fi

# LibreOffice, for the tests only: they print the 附件2 export and open the PPTX deck with it, as
# a person would. Installed as root when missing (make run does not need it).
office-deps:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: libreoffice-calc libreoffice-impress"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc libreoffice-impress; \
	  else \
	    echo "missing: LibreOffice — run 'sudo make office-deps'"; exit 1; \
	  fi; }

# The demo database, only when there is none: never overwrite real data.
db: install
	@if [ ! -f "$(LABSTUDIO_DB)" ]; then $(BIN)/python -m labstudio demo --db "$(LABSTUDIO_DB)"; fi

run: db
	@$(MAKE) --no-print-directory system-deps STRICT=0
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev system-deps office-deps lint
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

bench: install-dev
	$(BIN)/python -m bench

fonts: install-dev
	$(BIN)/python scripts/build_font.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/screenshots
