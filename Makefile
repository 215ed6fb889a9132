# hukou — two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
GO ?= go
export TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
# Fuzz budgets in executions, not seconds: Go 1.26's coordinator can fail a
# duration-bounded run with "context deadline exceeded" when the machine is
# loaded (go.dev/issue/75804, fixed in 1.27); a count has no deadline to race.
FUZZ_IDNUMBER ?= 200000x
FUZZ_QUERY ?= 20000x

.PHONY: run build frontend test test-go fuzz generate check-generated lint lint-go lint-spa golangci-lint clean bench bench-smoke

## run: build and serve the demo (SQLite, local blobs) and print demo logins
run: build frontend
	./bin/hukou demo

## frontend: the SPA in frontend/dist, which the server serves at / (STATIC_DIR)
frontend:
	cd frontend && npm ci && npm run codegen && npm run build

## build: the hukou binary in ./bin
build:
	$(GO) build -o bin/hukou ./cmd/hukou

## test: every test, against real SQLite, PostgreSQL and an S3-compatible server
test: check-generated
	@if ! pg_isready -q -d "$(TEST_DATABASE_URL)" 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
		echo "!!! PostgreSQL does not answer at $(TEST_DATABASE_URL): its half of the tests will be SKIPPED (CI=true fails instead) !!!"; fi
	@export TEST_S3_URL="$${TEST_S3_URL:-$$(scripts/s3-test-server.sh)}" && \
		$(GO) vet ./... && \
		$(MAKE) --no-print-directory lint-go && \
		$(GO) test -count=1 ./... && \
		$(GO) test -run='^$$' -fuzz=FuzzValidate -fuzztime=$(FUZZ_IDNUMBER) ./domain/idnumber && \
		$(GO) test -run='^$$' -fuzz=FuzzQueryCompile -fuzztime=$(FUZZ_QUERY) ./storage
	cd frontend && npm ci && npm test && npm run lint
	$(MAKE) --no-print-directory build && cd frontend && npm run build && npm run budget && npm run e2e
	@if [ "$$CI" = true ]; then $(MAKE) --no-print-directory bench-smoke; fi

export BENCH_DATABASE_URL ?= $(TEST_DATABASE_URL)

## bench: hukou beside raw PostgreSQL, one table (BENCH_SCALE=1.5m|10m|smoke; a throwaway database next to BENCH_DATABASE_URL)
bench:
	$(GO) run ./bench

## bench-smoke: the bench at 20 k residents with short windows, so it cannot rot (make test runs it when CI=true)
bench-smoke:
	BENCH_SCALE=smoke $(GO) run ./bench

## fuzz: the ID number and query compiler fuzz targets for 60 s each
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzValidate -fuzztime=60s ./domain/idnumber
	$(GO) test -run='^$$' -fuzz=FuzzQueryCompile -fuzztime=60s ./storage

## generate: regenerate gqlgen output (never edit it by hand)
generate:
	$(GO) tool gqlgen generate
	cd frontend && { [ -d node_modules ] || npm ci; } && npm run codegen

## check-generated: fail when `make generate` would change the tree
check-generated: generate
	@git diff --exit-code -- graph resolvers gqlgen.yml frontend/src/graphql || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }

## lint: every linter (`make test` runs each: lint-go after go vet, lint-spa after the SPA's tests)
lint: lint-go lint-spa

## lint-go: golangci-lint with .golangci.yml (layer directions as depguard rules, STYLE.md §2)
lint-go: golangci-lint
	$(GOLANGCI_LINT) run ./...

# The pinned golangci-lint, installed into ./bin from the Go module proxy (not a go.mod tool: it would
# drag its dependencies into our module). Reinstalled only when ./bin holds no binary of this version.
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(CURDIR)/bin/golangci-lint

## golangci-lint: install the pinned golangci-lint into ./bin unless that version is already there
golangci-lint:
	@[ "$$($(GOLANGCI_LINT) version --short 2>/dev/null)" = "$(GOLANGCI_LINT_VERSION:v%=%)" ] || { \
		echo "installing golangci-lint $(GOLANGCI_LINT_VERSION) into ./bin"; \
		GOBIN=$(CURDIR)/bin $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); }

## lint-spa: ESLint over the SPA (frontend/eslint.config.js)
lint-spa:
	cd frontend && npm ci && npm run lint

clean:
	rm -rf bin data .test-s3
