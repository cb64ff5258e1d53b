# Thin shortcuts over nox for Unix shells; `make help` lists them. Every target works on a fresh
# machine with Python 3.11+: the first run makes .tools/ with nox and uv (versions from the lock).
.DEFAULT_GOAL := help
PYTHON ?= python3
TOOLS := .tools
NOX := $(TOOLS)/bin/nox

$(NOX): requirements_dev.txt
	@echo "Making $(TOOLS)/ with nox and uv at their locked versions (once; about a minute)..."
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet -c requirements_dev.txt nox uv
	@touch $(NOX)

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9_-]+:.*## / {printf "  \033[36m%-20s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: $(NOX) ## Run μblog at http://127.0.0.1:8000 (or $PORT) on embedded defaults (SQLite, no services)
	$(NOX) -s dev

.PHONY: test
test: $(NOX) ## Run the tests with 100% coverage enforced
	$(NOX) -s tests

.PHONY: e2e
e2e: $(NOX) ## Run the browser tests with Playwright and an installed Chromium or Chrome
	$(NOX) -s e2e

.PHONY: lint
lint: $(NOX) ## Run pre-commit on every file (black, flake8, mypy, lock and schema checks)
	$(NOX) -s lint

.PHONY: format
format: $(NOX) ## Reformat the code with black
	$(NOX) -s format

.PHONY: requirements
requirements: $(NOX) ## Export requirements*.txt from poetry.lock
	$(NOX) -s requirements

.PHONY: check
check: $(NOX) ## Run what each CI job runs: lint, requirements check, docs build, tests, e2e, API fuzzing
	$(NOX) -s lint requirements_check docs tests e2e api_fuzz

.PHONY: schemas
schemas: $(NOX) ## Regenerate the committed OpenAPI schema and GraphQL SDL (docs/api/)
	$(NOX) -s schemas

.PHONY: api-fuzz
api-fuzz: $(NOX) ## Fuzz the REST API with schemathesis against a live server
	$(NOX) -s api_fuzz

.PHONY: abuse
abuse: $(NOX) ## Attack a live gunicorn (production settings): throttles, lockout, GraphQL cost
	$(NOX) -s abuse

.PHONY: mutation
mutation: $(NOX) ## Mutation-test the domain with mutmut (long: a periodic check, docs/testing.md)
	$(NOX) -s mutation

.PHONY: ci-local
ci-local: $(NOX) ## Run the GitHub, GitLab and Bitbucket pipelines here (act, gitlab-ci-local)
	$(NOX) -s ci_local

.PHONY: faults
faults: $(NOX) ## Fault injection: break PostgreSQL, Redis, SMTP, a worker under load (docs/faults.md)
	$(NOX) -s faults

.PHONY: worker
worker: $(NOX) ## Run a Celery worker (needs REDIS_URL)
	$(NOX) -s worker

.PHONY: beat
beat: $(NOX) ## Run Celery beat (needs REDIS_URL)
	$(NOX) -s beat

.PHONY: sessions
sessions: $(NOX) ## List every nox session
	$(NOX) --list

.PHONY: clean
clean: ## Remove virtualenvs, caches and build output
	rm -rf $(TOOLS) .nox .coverage coverage.xml htmlcov staticfiles

.PHONY: bench
bench: $(NOX) ## Benchmark all five interfaces with wrk at 1k and 100k posts (docs/performance.md)
	$(NOX) -s bench

.PHONY: infra
infra: $(NOX) ## Synthesise and check the AWS and Kubernetes deployment offline (docs/deploy.md)
	$(NOX) -s infra

.PHONY: deploy
deploy: $(NOX) ## Deploy to AWS with cdk deploy: make deploy ENV=dev (needs AWS credentials)
	$(NOX) -s deploy -- $(ENV)

.PHONY: ecs-exec
ecs-exec: $(NOX) ## Run in a live ECS task: make ecs-exec ENV=prod CMD="manage createsuperuser"
	$(NOX) -s ecs_exec -- $(ENV) $(CMD)

.PHONY: docs
docs: $(NOX) ## Serve the documentation at http://127.0.0.1:8001, rebuilt live on every change
	$(NOX) -s docs_serve

.PHONY: docs-build
docs-build: $(NOX) ## Build the documentation strictly into docs/_build/html (as CI does)
	$(NOX) -s docs

.PHONY: lock
lock: $(NOX) ## After editing pyproject.toml: poetry lock, then export requirements*.txt
	$(NOX) -s lock

.PHONY: superuser
superuser: $(NOX) ## Create a superuser for /admin/ in the database DATABASE_URL names (SQLite by default)
	$(NOX) -s manage -- migrate --noinput
	$(NOX) -s manage -- createsuperuser

.PHONY: lighthouse
lighthouse: $(NOX) ## Score the post lists and a post page with Lighthouse 12 (Node 20, Chromium)
	$(NOX) -s lighthouse

# --- Docker (docs/docker.md) ----------------------------------------------------------------------
.PHONY: docker-build docker-up docker-down docker-logs docker-shell docker-manage docker-test
docker-build: $(NOX) ## Build the compose stack's image
	$(NOX) -s docker_build

docker-up: $(NOX) ## Start the whole stack with Docker: μblog on :8000, maildev :1080, pgadmin :5050
	$(NOX) -s docker_up

docker-down: $(NOX) ## Stop the Docker stack (data volumes kept)
	$(NOX) -s docker_down

docker-logs: $(NOX) ## Follow the Docker stack's logs
	$(NOX) -s docker_logs

docker-shell: $(NOX) ## A bash shell in the backend container
	$(NOX) -s docker_shell

docker-manage: $(NOX) ## manage.py in the backend container: make docker-manage ARGS=createsuperuser
	$(NOX) -s docker_manage -- $(ARGS)

docker-test: $(NOX) ## Run the tests in the backend container against compose's PostgreSQL and Redis
	$(NOX) -s docker_test

.PHONY: services-up services-down
services-up: $(NOX) ## Start only PostgreSQL, Redis and maildev in Docker, for the venv workflow
	$(NOX) -s docker_services

services-down: $(NOX) ## Stop the Docker services (and the rest of the stack, if up)
	$(NOX) -s docker_down
