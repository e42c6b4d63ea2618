#!/usr/bin/env bash
# GPU check: build ggml's CUDA backend from the pinned sources, then run the
# LLM benchmark (make bench-llm) with every layer offloaded to the GPU.
#
# For a GPU machine with nvcc and cmake but no network (and possibly no
# Go), prepare on the development machine:
#
#   make gpu-bundle        # bin/batos and build/gpu/ggml-src.tar.gz (~1 MB)
#
# then carry bin/ and build/gpu/ to the GPU machine and run the two steps,
# as two commands where one command's time is limited:
#
#   scripts/gpu-check.sh build   # the CUDA backend into bin/ (cached; a build
#                                # cut short goes on when run again)
#   scripts/gpu-check.sh bench   # the devices, then the benchmark
#   scripts/gpu-check.sh         # both
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
  build | bench | all) ;;
  *) echo "usage: scripts/gpu-check.sh [build|bench|all]" >&2; exit 2 ;;
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
"$batos" --gpu-layers -1 model bench --params 1b --type "${TYPE:-q8_0}" --file "build/gpu/bench-1b-${TYPE:-q8_0}.gguf" \
  --prompt "${PROMPT:-512}" --gen "${GEN:-128}" --samples "${SAMPLES:-5}"
