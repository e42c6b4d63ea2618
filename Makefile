# batos build. Flags live here, in one place, so the Go build cache stays warm.
GO ?= go
BIN := bin/batos

# cgo: llama.cpp and ggml (package llm) are compiled by cgo from the pinned
# ollama module. These two variables are the only place their optimisation
# and SIMD level is set (cgo's default is -O2 with no SIMD: 3x slower), and
# every go command below runs with them, so the build-cache key never
# flips. A go command run without them rebuilds llama.cpp (~200 s on 2
# cores): use make, or export the same values. -DNDEBUG turns C's assert
# off, as llama.cpp's own release builds do: an assert kills the process.
# batos never relies on one; llm/llama and cllama check in Go and C first.
ifeq ($(shell $(GO) env GOARCH),amd64)
CGO_SIMD := -march=x86-64-v3
endif
export CGO_CFLAGS := -O3 -DNDEBUG $(CGO_SIMD)
export CGO_CXXFLAGS := -O3 -DNDEBUG $(CGO_SIMD)

# llama.cpp's and ggml's headers, copied from the module cache for our own
# cgo binding; git-ignored, never committed.
LLM_INCLUDE := llm/internal/cllama/include

.PHONY: all build run test bench bench-deps fuzz vet fmt clean llm-headers bench-llm cuda gpu-bundle env pgo

all: build

build: llm-headers
	$(GO) build -o $(BIN) ./cmd/batos

run: build
	./$(BIN)

# The README's test command. The second run builds the image's heap
# consistency checks in (image/invariants.go): every commit's batch is
# verified before it is written.
test: vet
	$(GO) test ./...
	$(GO) test -tags invariants ./image ./vm

vet: llm-headers
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

# Interpreter workloads beside gopher-lua and goja, and beside PUC Lua 5.4,
# LuaJIT (JIT off) and CPython 3 as processes when installed (make
# bench-deps), in one run; then the image suite (bench/ is its own module
# so the peers stay out of the main go.mod).
bench:
	cd bench && $(GO) run -pgo=../cmd/batos/default.pgo . -runs 5

# Profile-guided optimisation (as CPython's release builds do): go build
# uses cmd/batos/default.pgo for the batos binary, and make bench passes
# it to the benchmark binary, so both run the same optimised interpreter.
# The profile is CPU samples of the five interpreter workloads and of the
# library's own tests; regenerate it after large changes to vm/.
pgo: llm-headers
	$(GO) test -c -o bin/vm.test ./vm
	for w in fib loop send alloc strbuild; do \
	  (cd vm && BATOS_WORK=$$w ../bin/vm.test -test.run XXX -test.bench Workload -test.benchtime 30x -test.cpuprofile ../bin/pgo-$$w.prof >/dev/null) || exit 1; \
	done
	$(GO) test -count=1 -o bin/stdlib.test -cpuprofile bin/pgo-stdlib.prof ./stdlib >/dev/null
	$(GO) tool pprof -proto bin/pgo-*.prof > cmd/batos/default.pgo

# The process peers of make bench, from Debian's packages (as root, or
# through sudo).
bench-deps:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y lua5.4 luajit python3

fuzz:
	$(GO) test ./lang -run XXX -fuzz FuzzParse -fuzztime 3m
	$(GO) test ./lang -run XXX -fuzz FuzzDescent -fuzztime 3m

# The model primitive's speed on a generated random model of ~1.1B
# parameters (Q8_0): prompt and generation tokens/s through llama.cpp's own
# timing, the raw binding loop, the primitive, and under a grammar; adapter
# switch time. BENCH_LLM_FLAGS adds flags (--params tiny, --type f16,
# --gpu-backend LIB ...).
bench-llm: build
	./$(BIN) model bench $(BENCH_LLM_FLAGS)

# ggml's CUDA backend (bin/libggml-cuda.so) from the same pinned sources,
# with cmake and nvcc; batos offloads layers to the GPU when it is there.
cuda: llm-headers
	scripts/build-cuda.sh bin

# What scripts/gpu-check.sh needs on a GPU machine without network:
# bin/batos, the llm/llama tests (bin/llama.test) and the ggml sources
# (build/gpu/ggml-src.tar.gz, about 1 MB; writable in the tarball, though
# read-only in the module cache).
gpu-bundle: build
	$(GO) test -c -o bin/llama.test ./llm/llama
	@dir=$$($(GO) list -m -f '{{.Dir}}' github.com/ollama/ollama) && mkdir -p build/gpu && \
	tar -C $$dir --exclude='*.go' --exclude=ggml-metal --mode=u+w -czf build/gpu/ggml-src.tar.gz CMakeLists.txt ml/backend/ggml/ggml
	@ls -la $(BIN) bin/llama.test build/gpu/ggml-src.tar.gz

llm-headers: $(LLM_INCLUDE)/.stamp

$(LLM_INCLUDE)/.stamp: go.mod
	$(GO) mod download github.com/ollama/ollama
	@dir=$$($(GO) list -m -f '{{.Dir}}' github.com/ollama/ollama) && test -d "$$dir" && \
	rm -rf $(LLM_INCLUDE) && mkdir -p $(LLM_INCLUDE) && \
	cp $$dir/llama/llama.cpp/include/llama.h $$dir/ml/backend/ggml/ggml/include/*.h $(LLM_INCLUDE)/ && \
	chmod u+w $(LLM_INCLUDE)/*.h && touch $@

# `eval "$$(make -s env)"` gives a shell the same cgo flags, so a plain
# `go test ./pkg` shares make's build cache.
env:
	@echo "export CGO_CFLAGS='$(CGO_CFLAGS)' CGO_CXXFLAGS='$(CGO_CXXFLAGS)'"

clean:
	rm -rf bin $(LLM_INCLUDE)
