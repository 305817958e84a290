# Two commands a person needs: `make demo` and `make test`. Both set up .venv on first use and
# are idempotent: the environment is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# torch is installed first, on its own, so that the project's torch range is already met when
# pip resolves the rest: on a machine without an NVIDIA GPU that keeps pip from pulling the
# multi-GB CUDA build.
TORCH_VERSION ?= 2.13.0
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
EXTRAS ?= dev,plot,text,llm,dask
STAMP := $(VENV)/.sklearn-imbal-installed

.PHONY: demo test test-all test-latest lint bench bench-import clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	bash .ci/install-torch $(PY) $(TORCH_VERSION) $(TORCH_CPU_INDEX)
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m sklearn_imbal.demo

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m pytest

test-all: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m pytest -m ""

# The default suite against the newest releases of the libraries sklearn-imbal builds on, in a
# venv of its own: it needs PyPI and is never part of `make test` or CI. torch stays at
# TORCH_VERSION (the constraint), so that the eager upgrade does not pull another build.
LATEST_VENV ?= .venv-latest
LATEST_PY := $(LATEST_VENV)/bin/python
LATEST ?= scikit-learn imbalanced-learn skorch transformers

test-latest:
	test -x $(LATEST_PY) || $(PYTHON) -m venv $(LATEST_VENV)
	bash .ci/install-torch $(LATEST_PY) $(TORCH_VERSION) $(TORCH_CPU_INDEX)
	echo "torch==$(TORCH_VERSION)" > $(LATEST_VENV)/torch-constraint.txt
	$(LATEST_PY) -m pip install --quiet --upgrade --upgrade-strategy eager \
		-c $(LATEST_VENV)/torch-constraint.txt -e ".[$(EXTRAS)]" $(LATEST)
	$(LATEST_PY) -c "import sys, importlib.metadata as m; [print(p, m.version(p)) for p in sys.argv[1:]]" \
		$(LATEST) sklearn-compat torch numpy scipy pandas
	HF_HUB_OFFLINE=1 $(LATEST_PY) -m pytest

lint: $(STAMP)
	$(PY) -m flake8 sklearn_imbal tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/bench_focal.py --quick

bench-import: $(STAMP)
	$(PY) benchmarks/bench_import.py

clean-venv:
	rm -rf $(VENV)
