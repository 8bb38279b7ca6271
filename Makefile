# Digital Resilience Toolkit: developer commands (Debian 12, QGIS 3.22).
#   make setup   QGIS (apt, when missing) + .venv with pinned packages; idempotent
#   make test    setup, then the whole test suite, headless
#   make demo    setup, then the analysis chain on the bundled sample -> demo_output/
#   make zip     the plugin zip for the QGIS plugin repository -> dist/
#   make lint    ruff
#   make bench   benchmarks against the peer libraries -> bench/results/

SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PLUGINS := $(ROOT)/.build/plugins
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
QGIS_PACKAGES := python3-qgis qgis-providers qgis
# Headers to build pyproj, shapely, pyogrio and rasterio against QGIS's own libraries.
BUILD_PACKAGES := python3-dev libproj-dev proj-bin libgeos-dev libgdal-dev
# `python3 -m venv` needs ensurepip, which Debian ships in python3-venv (python3.11-venv).
VENV_PACKAGES := python3-venv
# Report maps and checks: CJK font for labels/layouts/charts, matplotlib (charts), Xvfb for the desktop test,
# poppler (pdftoppm) to look at report pages, lrelease to compile translations.
REPORT_PACKAGES := fonts-noto-cjk python3-matplotlib xvfb poppler-utils qttools5-dev-tools

# Headless Qt. Never put the repository root on sys.path (it would shadow QGIS's
# `processing`): $(RUN) sets PYTHONSAFEPATH, which stops Python from adding the cwd
# or a script's folder (not exported: package builds rely on the script folder).
export QT_QPA_PLATFORM := offscreen
RUN := PYTHONSAFEPATH=1
export QGIS_PLUGINPATH := $(PLUGINS)
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

.PHONY: help setup qgis test test-slow test-core demo zip lint bench clean i18n

help:
	@sed -n '2,7p' $(ROOT)/Makefile

setup: qgis $(STAMP) $(PLUGINS)/digital_resilience

qgis:
	@/usr/bin/python3 -c 'import qgis.core' 2>/dev/null && \
	  dpkg -s $(BUILD_PACKAGES) $(VENV_PACKAGES) $(REPORT_PACKAGES) >/dev/null 2>&1 || { \
	  echo "Installing QGIS and build headers with apt..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $(QGIS_PACKAGES) $(BUILD_PACKAGES) $(VENV_PACKAGES) $(REPORT_PACKAGES) >/dev/null; }

PIP := $(PY) -m pip install --quiet --disable-pip-version-check

$(STAMP): requirements.txt requirements-dev.txt constraints.txt build-constraints.txt
	@# (Re)create the venv only when its pip does not run: missing, or left without pip by an
	@# earlier `python3 -m venv` that failed (no ensurepip). A working venv is never touched.
	@$(PY) -m pip --version >/dev/null 2>&1 || { \
	  echo "Creating $(VENV)..."; \
	  /usr/bin/python3 -m venv --clear --system-site-packages $(VENV); }
	@echo "Building the Python packages (pyproj, shapely, pyogrio, rasterio compile: ~3 min)..."
	PIP_CONSTRAINT=$(ROOT)/build-constraints.txt $(PIP) --no-binary pyproj \
	  $$(grep -E '^pyproj==' requirements.txt)
	$(PIP) -c constraints.txt -r requirements.txt -r requirements-dev.txt
	@# Make `import digital_resilience` work in the venv without the repo root on sys.path.
	@echo "$(PLUGINS)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/digital_resilience_dev.pth"
	@touch $(STAMP)

$(PLUGINS)/digital_resilience:
	@mkdir -p $(PLUGINS)
	@ln -sfn ../.. $(PLUGINS)/digital_resilience

test: setup
	cd /tmp && $(RUN) $(VENV)/bin/pytest -c $(ROOT)/pyproject.toml --rootdir $(ROOT) $(ROOT)/tests $(PYTEST_ARGS)

test-slow: setup
	cd /tmp && $(RUN) $(VENV)/bin/pytest -c $(ROOT)/pyproject.toml --rootdir $(ROOT) $(ROOT)/tests -m slow

test-core: setup
	cd /tmp && $(RUN) $(VENV)/bin/pytest -c $(ROOT)/pyproject.toml --rootdir $(ROOT) -p no:pytest_qgis $(ROOT)/tests/core

demo: setup
	$(RUN) $(PY) $(ROOT)/scripts/demo.py --out $(ROOT)/demo_output

zip:
	@/usr/bin/python3 $(ROOT)/scripts/build_zip.py --out $(ROOT)/dist

lint: setup
	$(VENV)/bin/ruff check $(ROOT)

bench: setup
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements-bench.txt
	$(RUN) $(PY) $(ROOT)/bench/run.py --out $(ROOT)/bench/results $(BENCH_ARGS)

# Re-extract every user-visible string into resources/i18n/*.ts (translations kept), compile .qm.
i18n:
	/usr/bin/python3 $(ROOT)/scripts/i18n.py update
	/usr/bin/python3 $(ROOT)/scripts/i18n.py compile

clean:
	rm -rf $(ROOT)/.build $(ROOT)/dist $(ROOT)/demo_output $(ROOT)/bench/results
