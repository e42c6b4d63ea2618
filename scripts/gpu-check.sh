#!/usr/bin/env bash
# GPU check: build ggml's CUDA backend from the pinned sources, then run the
# LLM benchmark (make bench-llm) with every layer offloaded to the GPU.
#
# For a GPU machine with nvcc and cmake but no network (and possibly no
# Go), prepare on the development machine:
#
#   make gpu-bundle        # bin/batos, bin/llama.test (the llm/llama tests)
#                          # and build/gpu/ggml-src.tar.gz (~1 MB)
#
# then carry bin/ and build/gpu/ to the GPU machine and run the two steps,
# as two commands where one command's time is limited:
#
#   scripts/gpu-check.sh build   # the CUDA backend into bin/ (cached; a build
#                                # cut short goes on when run again)
#   scripts/gpu-check.sh bench   # the devices, then the benchmark
#   scripts/gpu-check.sh kernel  # the kernel's miss-to-result time with
#                                # the benchmark's model (after bench)
#   scripts/gpu-check.sh test    # the llm/llama tests on the GPU, a test
#                                # per process (a crash names its test)
#   scripts/gpu-check.sh         # all four
#
# CUDA_ARCH=90 for H100/H200 (default: native). The benchmark (a random
# ~1.1B-parameter model, written once to build/gpu/, then prompt and
# generation tokens/s: llama.cpp's own timing, the raw binding loop, the
# model primitive, grammar-constrained runs, each the median of SAMPLES
# runs) prints its table and the adapter switch time. TYPE, PROMPT, GEN and
# SAMPLES change it.
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:-all}
case "$step" in
  build | bench | kernel | test | all) ;;
  *) echo "usage: scripts/gpu-check.sh [build|bench|kernel|test|all]" >&2; exit 2 ;;
esac
batos=${BATOS:-bin/batos}

if [[ "$step" == build || "$step" == all ]]; then
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv || true
  fi
  scripts/build-cuda.sh bin
fi
if [[ "$step" == build ]]; then
  exit 0
fi

if [[ ! -x "$batos" ]]; then
  command -v go >/dev/null || { echo "gpu-check: no $batos and no Go to build it (make gpu-bundle first)" >&2; exit 1; }
  make build
fi
[[ -f bin/libggml-cuda.so ]] || { echo "gpu-check: no bin/libggml-cuda.so: run scripts/gpu-check.sh build first" >&2; exit 1; }
export BATOS_GPU_BACKEND=$PWD/bin/libggml-cuda.so
export LD_LIBRARY_PATH=$PWD/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
backend=$("$batos" model backend)
echo "$backend"
if ! grep -q 'GPU' <<<"$backend"; then
  echo "gpu-check: the CUDA backend loaded no GPU device" >&2
  exit 1
fi
mkdir -p build/gpu
model=${MODEL:-build/gpu/bench-1b-${TYPE:-q8_0}.gguf}
if [[ "$step" == bench || "$step" == all ]]; then
  "$batos" --gpu-layers -1 model bench --params 1b --type "${TYPE:-q8_0}" --file "$model" \
    --prompt "${PROMPT:-512}" --gen "${GEN:-128}" --samples "${SAMPLES:-5}"
fi
if [[ "$step" == kernel || "$step" == all ]]; then
  [[ -f "$model" ]] || { echo "gpu-check: no $model: run scripts/gpu-check.sh bench first" >&2; exit 1; }
  # The generative kernel with this model: MISSES sends not understood,
  # each timed in the DSL from the send to its answer (generation, the
  # guardian, the trial, the commit), after a first miss that loads the
  # model. The weights are random, so the guardian rejects most methods:
  # the times are the kernel's and the model's cost per miss, and the
  # metrics give the tokens written.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  {
    echo "lobby _AddSlots: (| a = (| parent* = traits clonable. n <- 1 |). t0 <- nil |)."
    echo "[ a warmUp ] onError: [| :e | nil ]."
    for i in $(seq 1 "${MISSES:-4}"); do
      echo "t0: time current."
      echo "[ a frob$i: 3 ] onError: [| :e | nil ]."
      echo "('miss $i: ', (time current - t0) printString, ' ms') printLine."
    done
  } >"$tmp/misses.self"
  "$batos" --gpu-layers -1 --image "$tmp/img" --generate --max-attempts 1 --model "$model" run "$tmp/misses.self"
  "$batos" --image "$tmp/img" metrics | grep -E '^(gen|model)\.'
fi
if [[ "$step" == test || "$step" == all ]]; then
  [[ -x bin/llama.test ]] || { echo "gpu-check: no bin/llama.test (make gpu-bundle builds it)" >&2; exit 1; }
  pass=0
  failed=()
  for t in $(bin/llama.test -test.list . | grep '^Test'); do
    if bin/llama.test -test.run "^$t\$" >"build/gpu/test-$t.log" 2>&1; then
      pass=$((pass + 1))
      rm "build/gpu/test-$t.log"
    else
      failed+=("$t")
      echo "gpu-check: $t failed on the GPU (build/gpu/test-$t.log):"
      grep -E -- '--- FAIL|_test.go:[0-9]+:|SIG[A-Z]+|_Cfunc_|panic' "build/gpu/test-$t.log" | head -12
    fi
  done
  echo "llm/llama tests on the GPU: $pass passed, ${#failed[@]} failed${failed:+: ${failed[*]}}"
  [[ ${#failed[@]} -eq 0 ]]
fi
