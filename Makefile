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
EXTRAS ?= dev,plot,text,llm
STAMP := $(VENV)/.sklearn-imbal-installed

.PHONY: demo test test-all lint bench clean-venv

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

lint: $(STAMP)
	$(PY) -m flake8 sklearn_imbal tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/bench_focal.py --quick

clean-venv:
	rm -rf $(VENV)
