# Digital Resilience Toolkit: developer commands (Debian 12 / QGIS 3.22 and Debian 13 / QGIS 3.40).
#   make setup       QGIS (apt, when missing) + a venv with pinned packages; idempotent
#   make test        setup, then the whole test suite, headless
#   make test-other  the suite on the other Debian release (12 <-> 13) in a chroot (root)
#   make demo        setup, then the analysis chain on the bundled sample -> demo_output/
#   make zip         the plugin zip for the QGIS plugin repository -> dist/
#   make lint        ruff
#   make bench       benchmarks against the peer libraries -> bench/results/

SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# The platform (debian12, debian13) picks the pins, constraints/$(PLATFORM).txt, and the venv:
# .venv on Debian 12, .venv-<platform> elsewhere, so that one checkout serves a Debian 12 host
# and a Debian 13 chroot (make test-other) side by side. VENV=... overrides.
PLATFORM := $(shell . /etc/os-release 2>/dev/null && echo $$ID$$VERSION_ID)
CONSTRAINTS := $(ROOT)/constraints/$(PLATFORM).txt
ifeq ($(PLATFORM),debian12)
VENV ?= $(ROOT)/.venv
else
VENV ?= $(ROOT)/.venv-$(PLATFORM)
endif
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PLUGINS := $(ROOT)/.build/plugins
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
QGIS_PACKAGES := python3-qgis qgis-providers qgis
# pyproj must be the distribution's, linked to QGIS's PROJ (requirements.txt). proj-data: PROJ's database;
# proj-bin: the `proj` program, by which pyproj finds that database from a venv (sys.prefix is the venv).
PROJ_PACKAGES := python3-pyproj proj-data proj-bin
# Packages that stay the distribution's: `make setup` pins them to the version /usr/bin/python3 has.
SYSTEM_PINNED := pyproj matplotlib
# `python3 -m venv` needs ensurepip, which Debian ships in python3-venv (python3.11-venv).
VENV_PACKAGES := python3-venv
# Report maps and checks: CJK font for labels/layouts/charts, matplotlib (charts), Xvfb and ImageMagick (screenshots) for the desktop test,
# poppler (pdftoppm) to look at report pages, lrelease to compile translations.
REPORT_PACKAGES := fonts-noto-cjk python3-matplotlib xvfb imagemagick poppler-utils qttools5-dev-tools

# Headless Qt. Never put the repository root on sys.path (it would shadow QGIS's
# `processing`): $(RUN) sets PYTHONSAFEPATH, which stops Python from adding the cwd
# or a script's folder (not exported: package builds rely on the script folder).
export QT_QPA_PLATFORM := offscreen
RUN := PYTHONSAFEPATH=1
export QGIS_PLUGINPATH := $(PLUGINS)
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)

.PHONY: help setup qgis check-pyproj test test-slow test-core test-other demo zip lint bench clean clean-chroot i18n

help:
	@sed -n '2,8p' $(ROOT)/Makefile

setup: qgis $(STAMP) $(PLUGINS)/digital_resilience check-pyproj

qgis:
	@/usr/bin/python3 -c 'import qgis.core' 2>/dev/null && \
	  dpkg -s $(PROJ_PACKAGES) $(VENV_PACKAGES) $(REPORT_PACKAGES) >/dev/null 2>&1 || { \
	  echo "Installing QGIS and the system packages with apt..."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $(QGIS_PACKAGES) $(PROJ_PACKAGES) $(VENV_PACKAGES) $(REPORT_PACKAGES) >/dev/null; }

PIP := $(PY) -m pip install --quiet --disable-pip-version-check

$(STAMP): $(ROOT)/requirements.txt $(ROOT)/requirements-dev.txt $(CONSTRAINTS)
	@# (Re)create the venv only when its pip does not run (missing, or left without pip by an
	@# earlier `python3 -m venv` that failed: no ensurepip) or its Python is not /usr/bin/python3's
	@# version (a venv of the other Debian release). A working venv is never touched.
	@$(PY) -m pip --version >/dev/null 2>&1 && \
	  [ "$$($(PY) -c 'import sys; print(sys.version)')" = "$$(/usr/bin/python3 -c 'import sys; print(sys.version)')" ] || { \
	  echo "Creating $(VENV)..."; \
	  /usr/bin/python3 -m venv --clear --system-site-packages $(VENV); }
	@# The distribution's versions of $(SYSTEM_PINNED), so pip keeps them (never a pyproj wheel).
	@/usr/bin/python3 -c 'import sys; from importlib.metadata import version; \
	  [print(f"{p}=={version(p)}") for p in sys.argv[1:]]' $(SYSTEM_PINNED) > $(VENV)/system-constraints.txt
	@echo "Installing the Python packages (binary wheels, constraints/$(PLATFORM).txt)..."
	$(PIP) --only-binary :all: -c $(CONSTRAINTS) -c $(VENV)/system-constraints.txt \
	  -r $(ROOT)/requirements.txt -r $(ROOT)/requirements-dev.txt
	@# Make `import digital_resilience` work in the venv without the repo root on sys.path.
	@echo "$(PLUGINS)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/digital_resilience_dev.pth"
	@touch $(STAMP)

$(CONSTRAINTS):
	@echo "No pins for this platform ($(PLATFORM)): add $@ (see constraints/)." >&2; exit 1

# pyproj must be the distribution's (linked to QGIS's PROJ), never a wheel in the venv.
check-pyproj:
	@$(PY) -c 'import os, sys, pyproj; where = os.path.realpath(pyproj.__file__); \
	  venv = os.path.realpath(sys.prefix) + os.sep; \
	  sys.exit(f"ERROR: pyproj {pyproj.__version__} is installed in the venv ({where}): its wheel carries its " \
	           "own PROJ, which corrupts QGIS memory. Remove it (pip uninstall pyproj) and use the " \
	           "distribution'"'"'s (apt install python3-pyproj)." if where.startswith(venv) else 0)'

$(PLUGINS)/digital_resilience:
	@mkdir -p $(PLUGINS)
	@ln -sfn ../.. $(PLUGINS)/digital_resilience

# -X faulthandler: a crash (segfault, abort) prints every thread's Python stack, and the
# non-zero exit fails the run; PYTHONFAULTHANDLER does the same for the Python programs the tests
# start (scripts/demo.py, qgis_process.bin's embedded Python) when they pass the environment on.
PYTEST := $(RUN) PYTHONFAULTHANDLER=1 $(PY) -X faulthandler -m pytest

test: setup
	cd /tmp && $(PYTEST) -c $(ROOT)/pyproject.toml --rootdir $(ROOT) $(ROOT)/tests $(PYTEST_ARGS)

test-slow: setup
	cd /tmp && $(PYTEST) -c $(ROOT)/pyproject.toml --rootdir $(ROOT) $(ROOT)/tests -m slow

test-core: setup
	cd /tmp && $(PYTEST) -c $(ROOT)/pyproject.toml --rootdir $(ROOT) -p no:pytest_qgis $(ROOT)/tests/core

# The suite on the other Debian release (Debian 13 from 12, 12 from 13): debootstrap from this
# machine's apt mirror into .build/chroot-<suite> (kept: the next run reuses it), then
# `make test` inside it on this checkout (its venv: .venv-<platform>). Needs root.
test-other:
	$(SUDO) $(ROOT)/scripts/debian_chroot.sh test-other $(if $(PYTEST_ARGS),PYTEST_ARGS='$(PYTEST_ARGS)')

demo: setup
	$(RUN) $(PY) $(ROOT)/scripts/demo.py --out $(ROOT)/demo_output

zip:
	@/usr/bin/python3 $(ROOT)/scripts/build_zip.py --out $(ROOT)/dist

lint: setup
	$(VENV)/bin/ruff check $(ROOT)

bench: setup
	$(PIP) -c $(CONSTRAINTS) -c $(VENV)/system-constraints.txt -r $(ROOT)/requirements-bench.txt
	$(RUN) $(PY) $(ROOT)/bench/run.py --out $(ROOT)/bench/results $(BENCH_ARGS)

# Re-extract every user-visible string into resources/i18n/*.ts (translations kept), compile .qm.
i18n:
	/usr/bin/python3 $(ROOT)/scripts/i18n.py update
	/usr/bin/python3 $(ROOT)/scripts/i18n.py compile

# Keeps the chroots of `make test-other` (.build/chroot-*); remove them with `make clean-chroot`.
clean:
	find $(ROOT)/.build -mindepth 1 -maxdepth 1 ! -name 'chroot-*' -exec rm -rf {} + 2>/dev/null || true
	rm -rf $(ROOT)/dist $(ROOT)/demo_output $(ROOT)/bench/results

clean-chroot:
	$(SUDO) rm -rf --one-file-system $(ROOT)/.build/chroot-*
