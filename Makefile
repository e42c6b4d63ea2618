# batos build. Flags live here, in one place, so the Go build cache stays warm.
GO ?= go
BIN := bin/batos

.PHONY: all build run test bench fuzz vet fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/batos

run: build
	./$(BIN)

# The README's test command.
test: vet
	$(GO) test ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

# Interpreter workloads beside gopher-lua and goja, in one run (bench/ is
# its own module so the peers stay out of the main go.mod).
bench:
	cd bench && $(GO) run . -runs 5

fuzz:
	$(GO) test ./lang -run XXX -fuzz FuzzParse -fuzztime 3m

clean:
	rm -rf bin
