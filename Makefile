# lambda-blueprints — every entry point a person or CI uses.
# Newcomers: `make demo` (set up, deploy, show each scenario) and `make test` (the whole suite).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
# Eight workers, one test file each at a time. An integration file's stack spends most of its
# apply and destroy in the provider's fixed waits for AWS's eventual consistency (an SQS queue or
# its policy: 25 s each, an S3 lifecycle configuration: 55 s), not on the CPU: with three workers
# a 2-core machine stayed ≈ 35 % idle through `make test` (pytest 681 s); six: 419 s, eight:
# 388 s, the CPU busy throughout. (MiniStack runs three: `make test-ministack`, measured at that.)
# loadgroup: tests/conftest.py makes each file a unit of work (each test of the Terraform suites
# and of tests/integration/iam_enforcement: no shared stack), longest first.
# The reliability cases (load, faults, duplicates) deploy stacks of their own and take ~10 min of
# worker time even at 1/10 volume: they run in `make reliability`. Only the smoke tier (marker
# reliability_smoke: scenario 6's SNS re-delivery and parked webhook failure, one small stack,
# 1/100 volume) runs here, to keep CI's budget.
PYTEST_WORKERS ?= 8
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadgroup -m "not reliability or reliability_smoke"
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
TOOL_PACKAGES := $(sort $(dir $(wildcard tools/*/pyproject.toml)))
MODULES := $(sort $(dir $(wildcard modules/*/main.tf)))
EXAMPLES := $(sort $(dir $(wildcard examples/*/main.tf)))
TOOL_SOURCES := $(filter-out %/tests,$(patsubst %/__init__.py,%,$(wildcard tools/*/*/__init__.py)))

export TF_CLI_CONFIG_FILE := $(CURDIR)/$(TOOLS)/terraform.rc
export CHECKPOINT_DISABLE := 1
export TF_IN_AUTOMATION := 1
TERRAFORM = $(shell cat $(TOOLS)/terraform-path 2>/dev/null || echo terraform)

# Where AWS is. Default: the embedded local AWS (LocalStack on the host, started on demand).
# LBP_TARGET=ministack: MiniStack on the host instead (own venv, IAM enforcement on).
# AWS_ENDPOINT_URL already set (e.g. a LocalStack container): use it, start nothing.
# LBP_TARGET=aws: a real account with your own credentials (explicit opt-in, never the default).
LOCALAWS_PORT ?= 4566
MINISTACK_PORT ?= 4599
ifndef LBP_TARGET
LBP_TARGET := $(if $(AWS_ENDPOINT_URL),endpoint,local)
endif
ifeq ($(filter $(LBP_TARGET),local ministack endpoint aws),)
$(error LBP_TARGET must be local, ministack, endpoint or aws, not '$(LBP_TARGET)')
endif
# The command that installs/starts/stops the local AWS of LBP_TARGET (LocalStack by default).
LOCAL_AWS := $(PY) -m localaws
ifeq ($(LBP_TARGET),local)
export AWS_ENDPOINT_URL := http://127.0.0.1:$(LOCALAWS_PORT)
export LOCALAWS_PORT
endif
ifeq ($(LBP_TARGET),ministack)
export AWS_ENDPOINT_URL := http://127.0.0.1:$(MINISTACK_PORT)
export MINISTACK_PORT
LOCAL_AWS := $(PY) -m localaws.ministack
endif
ifneq ($(LBP_TARGET),aws)
export AWS_ACCESS_KEY_ID ?= test
export AWS_SECRET_ACCESS_KEY ?= test
export AWS_DEFAULT_REGION ?= us-east-1
export AWS_REGION ?= $(AWS_DEFAULT_REGION)
export TF_VAR_s3_use_path_style := true
endif
export LBP_TARGET

# IAM for Lambda execution roles in the local AWS (tools/localaws_iam): enforce (deny what AWS
# would deny), report (allow, log and record would-be denials) or off. Read when it starts.
LBP_IAM ?= enforce
ifeq ($(filter $(LBP_IAM),enforce report off),)
$(error LBP_IAM must be enforce, report or off, not '$(LBP_IAM)')
endif
export LBP_IAM

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- setup
$(VENV)/.installed: pyproject.toml $(addsuffix pyproject.toml,$(TOOL_PACKAGES))
	@echo "==> project venv ($(VENV)) from pyproject.toml"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --upgrade pip -e '.[dev]' $(addprefix -e ,$(TOOL_PACKAGES)) \
		> $(VENV)/install.log 2>&1 || { tail -40 $(VENV)/install.log; exit 1; }
	@touch $@

$(TOOLS)/checkov-venv/.installed:
	@echo "==> checkov in its own venv (its pins differ from the project's)"
	@$(PYTHON) -m venv $(TOOLS)/checkov-venv
	@$(TOOLS)/checkov-venv/bin/pip install checkov==3.3.30 > $(TOOLS)/checkov-install.log 2>&1 \
		|| { tail -40 $(TOOLS)/checkov-install.log; exit 1; }
	@touch $@

.PHONY: setup
setup: $(VENV)/.installed ## install everything: venvs, Terraform + CLI config, the local AWS
	@$(PY) -m toolchain terraform --tools-dir $(TOOLS)
ifneq ($(filter $(LBP_TARGET),local ministack),)
	@$(LOCAL_AWS) install
endif

# ---------------------------------------------------------------- build
.PHONY: build
build: $(VENV)/.installed ## build byte-identical function and layer zips into build/
	@$(PY) -m packager build --functions functions --layers layers --out build \
		--cache $(TOOLS)/pip-target-cache

# ---------------------------------------------------------------- release
.PHONY: release
release: $(VENV)/.installed ## versioned artifacts in dist/VERSION/ (VERSION=x.y.z; needs a CHANGELOG.md entry)
	@test -n "$${VERSION:-}" || { echo "usage: make release VERSION=x.y.z (semantic version, with a CHANGELOG.md entry)"; exit 1; }
	@$(PY) -m release --version "$(VERSION)" --functions functions --layers layers \
		--changelog CHANGELOG.md --dist dist --cache $(TOOLS)/pip-target-cache

# ---------------------------------------------------------------- local AWS
.PHONY: up down status logs denials
up: setup ## start the local AWS (LocalStack, or MiniStack with LBP_TARGET=ministack) on 127.0.0.1
	@$(LOCAL_AWS) up
down: ## stop the local AWS and every process it started
	@if [ -x $(PY) ]; then $(LOCAL_AWS) down; else echo "local AWS: not installed"; fi
status: ## is the local AWS running, how healthy, how much memory
	@$(LOCAL_AWS) status
logs: ## the local AWS log (LINES=n)
	@$(LOCAL_AWS) logs -n $${LINES:-200}
denials: ## IAM refusals MiniStack recorded since it started (LBP_TARGET=ministack)
	@$(PY) -m localaws.ministack denials

.PHONY: iam-report
iam-report: ## the IAM report of the running local AWS: per function used/denied/unused (RESET=1 clears)
	@$(PY) -m localaws_iam.report_cli --out $${LOCALAWS_STATE_DIR:-.localstack} $(if $(RESET),--reset)

.PHONY: clock
clock: ## the schedule clock: ARGS="show | set ISO [--freeze] | advance 90s|5m|2h|1d | reset | upcoming"
	@$(PY) -m localaws clock $(ARGS)

.PHONY: aws
aws: setup ## make sure the AWS endpoint of LBP_TARGET is there
ifneq ($(filter $(LBP_TARGET),local ministack),)
	@$(LOCAL_AWS) up
else ifeq ($(LBP_TARGET),endpoint)
	@echo "==> using AWS_ENDPOINT_URL=$(AWS_ENDPOINT_URL) (nothing started)"
else
	@echo "==> using a REAL AWS account (LBP_TARGET=aws): $$($(PY) -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])')"
endif

# ---------------------------------------------------------------- Terraform root stack
.PHONY: init plan apply destroy
init: setup
	@$(TERRAFORM) init -input=false -no-color >/dev/null
plan: init build ## plan the root stack against LBP_TARGET
	@$(TERRAFORM) plan -input=false
apply: init build aws ## apply the root stack to LBP_TARGET
	@$(TERRAFORM) apply -input=false -auto-approve
destroy: init aws ## destroy the root stack
	@$(TERRAFORM) destroy -input=false -auto-approve

# ---------------------------------------------------------------- quality
.PHONY: lint lint-checks lint-validate lint-static
lint: setup $(TOOLS)/checkov-venv/.installed ## fmt, validate, ruff, mypy, checkov, module README sync
	@$(MAKE) lint-checks

# The checks alone (everything installed). Terraform's working data of the validate loop goes to
# .tools/lint-tf/ so it never meets the module suites' `terraform init` in the same folders.
LINT_TF_DATA := $(CURDIR)/$(TOOLS)/lint-tf
lint-checks: lint-validate lint-static

lint-validate:
	@echo "==> terraform validate (root, every module, every example)"
	@mkdir -p "$(LINT_TF_DATA)/plugin-cache"
	@for dir in . $(MODULES) $(EXAMPLES); do \
		export TF_DATA_DIR="$(LINT_TF_DATA)/$$(echo "$$dir" | tr / _)" TF_PLUGIN_CACHE_DIR="$(LINT_TF_DATA)/plugin-cache"; \
		$(TERRAFORM) -chdir=$$dir init -backend=false -input=false -no-color >/dev/null \
		  || { echo "terraform init failed in $$dir"; exit 1; }; \
		$(TERRAFORM) -chdir=$$dir validate -no-color >/dev/null \
		  || { $(TERRAFORM) -chdir=$$dir validate -no-color; exit 1; }; \
	done

lint-static:
	@echo "==> terraform fmt -check"
	@$(TERRAFORM) fmt -check -recursive -diff
	@echo "==> every aws type/argument/block/attribute exists in hashicorp/aws 5.100 and 6.25, none deprecated"
	@$(PY) -m provider_schema check $(addprefix --schema ,$(wildcard tools/provider_schema/schemas/aws-*.json)) main.tf modules examples \
		| tail -n 20
	@echo "==> module READMEs list every input and output"
	@$(PY) -m tfdocs_check $(MODULES)
	@echo "==> ruff"
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@echo "==> mypy"
	@$(VENV)/bin/mypy functions benchmarks $(TOOL_SOURCES)
	@echo "==> checkov"
	@$(TOOLS)/checkov-venv/bin/checkov -d . --framework terraform --skip-download --quiet --compact \
		--skip-path '\.terraform' --skip-path 'tests/'

# Lint runs beside pytest; its output follows pytest's, and either failing fails the target.
# Not its validate loop: pytest validates every one of those folders already (each module's
# `terraform test` suite, tests/examples, the root's plan in tests/module), and the loop's 21
# inits and validates cost ≈ 100 CPU-seconds of a 2-core machine's `make test`.
LINT_LOG := $(TOOLS)/lint.log
.PHONY: test
test: setup $(TOOLS)/checkov-venv/.installed build aws ## the whole suite: lint, unit, module (terraform test), integration
	@echo "==> lint in the background (output after pytest's)"
	@echo "==> pytest (target: $(LBP_TARGET)$(if $(AWS_ENDPOINT_URL), at $(AWS_ENDPOINT_URL)))"
	@$(MAKE) lint-static > $(LINT_LOG) 2>&1 & lint=$$!; \
	status=0; $(VENV)/bin/pytest $(PYTEST_ARGS) || status=$$?; \
	if wait $$lint; then cat $(LINT_LOG); echo "==> lint: passed"; \
	else cat $(LINT_LOG); echo "==> lint: FAILED"; status=1; fi; \
	exit $$status

# Only the integration tests reach the emulator: lint, unit and module tests (terraform test,
# mocked provider) give the same result whatever LBP_TARGET is, and `make test` runs them. So
# test-ministack runs tests/integration alone (`make test LBP_TARGET=ministack`: everything).
.PHONY: test-ministack
test-ministack: ## the integration tests against MiniStack (own venv, IAM enforcement on, port $(MINISTACK_PORT))
ifeq ($(LBP_TARGET),ministack)
	@$(MAKE) build aws
	@echo "==> pytest tests/integration (target: ministack at $(AWS_ENDPOINT_URL))"
	@$(PY) -m localaws.ministack measure -- $(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)
else
	@$(MAKE) test-ministack LBP_TARGET=ministack PYTEST_WORKERS=$(if $(filter command line,$(origin PYTEST_WORKERS)),$(PYTEST_WORKERS),3)
endif

.PHONY: bench
bench: apply ## benchmarks: ratios against a baseline measured in the same run
	@PYTHONPATH=functions $(PY) -m benchmarks

# ---------------------------------------------------------------- reliability
.PHONY: reliability redrive limits
reliability: build aws ## load, faults, duplicates at the issue's volumes; table + .reliability/results.json
	@rm -f .reliability/results.json
	@LBP_RELIABILITY=$${LBP_RELIABILITY:-full} $(VENV)/bin/pytest tests/integration/reliability -m reliability -p no:xdist \
		-o timeout=1800 $${RELIABILITY_ARGS:-}; status=$$?; $(PY) -m reliability report || true; exit $$status
redrive: setup ## re-invoke the events parked in a scenario's on-failure queue (SCENARIO=2|3|4|5|6|7, root stack)
	@$(PY) -m reliability redrive --scenario "$${SCENARIO:-2}"
limits: $(VENV)/.installed ## where each pipeline saturates at AWS scale (a model over AWS's published quotas)
	@$(PY) -m reliability limits

# ---------------------------------------------------------------- demo
.PHONY: demo
demo: build aws ## set up, deploy the root stack, drive one real event through each scenario
	@$(PY) -m demo

.PHONY: clean
clean: ## stop both local AWSs; remove everything generated (venvs, tools, state, builds, TF state)
	@if [ -x $(PY) ]; then $(PY) -m localaws down; $(PY) -m localaws.ministack down; fi
	rm -rf $(VENV) $(TOOLS) .localstack .ministack build dist .reliability
	find . -name .terraform -type d -prune -exec rm -rf {} +
	find . \( -name 'terraform.tfstate*' -o -name '.terraform.lock.hcl' \) -delete
