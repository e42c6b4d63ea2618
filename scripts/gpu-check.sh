#!/usr/bin/env bash
# GPU check: build ggml's CUDA backend from the pinned sources and run the
# LLM benchmark (make bench-llm) with every layer offloaded to the GPU.
#
# For a GPU machine with nvcc and cmake but no network (and possibly no
# Go), prepare on the development machine:
#
#   make gpu-bundle        # bin/batos and build/gpu/ggml-src.tar.gz (~1 MB)
#
# then carry bin/ and build/gpu/ to the GPU machine and run
#
#   scripts/gpu-check.sh   # CUDA_ARCH=90 for H100/H200 (default: native)
#
# It prints the devices, the benchmark table (prompt and generation
# tokens/s of a ~1.1B-parameter random model: llama.cpp's own timing, the
# raw binding loop, the model primitive, grammar-constrained runs) and the
# adapter switch time.
set -euo pipefail
cd "$(dirname "$0")/.."
batos=${BATOS:-bin/batos}
if [[ ! -x "$batos" ]]; then
  command -v go >/dev/null || { echo "gpu-check: no $batos and no Go to build it (make gpu-bundle first)" >&2; exit 1; }
  make build
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
if [[ ! -f bin/libggml-cuda.so ]]; then
  scripts/build-cuda.sh bin
fi
export BATOS_GPU_BACKEND=$PWD/bin/libggml-cuda.so
export LD_LIBRARY_PATH=$PWD/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
"$batos" model backend
if ! "$batos" model backend | grep -q 'GPU'; then
  echo "gpu-check: the CUDA backend loaded no GPU device" >&2
  exit 1
fi
"$batos" --gpu-layers -1 model bench --params 1b --type "${TYPE:-q8_0}" --prompt "${PROMPT:-512}" --gen "${GEN:-128}"
