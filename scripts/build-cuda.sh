#!/usr/bin/env bash
# Builds ggml's CUDA backend (libggml-cuda.so, with libggml-base.so) from
# the same pinned ggml sources that cgo compiles into batos, with cmake and
# nvcc (cgo cannot compile .cu files). batos loads it at run time
# (--gpu-backend, $BATOS_GPU_BACKEND, or libggml-cuda.so next to the
# binary) and offloads layers to the GPU.
#
#   scripts/build-cuda.sh [OUTDIR]     (default OUTDIR: bin)
#
# The sources come from $GGML_SRC (a directory or a .tar.gz made by
# `make gpu-bundle`), else from the Go module cache (go list -m). Set
# CUDA_ARCH to the GPU's compute capability (90 for H100/H200; default:
# native, the GPUs of this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin}
work=build/cuda
src=${GGML_SRC:-}
if [[ -z "$src" ]]; then
  if [[ -f build/gpu/ggml-src.tar.gz ]]; then
    src=build/gpu/ggml-src.tar.gz
  else
    src=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)
  fi
fi
if [[ "$src" == *.tar.gz ]]; then
  rm -rf "$work/src" && mkdir -p "$work/src"
  tar -xzf "$src" -C "$work/src"
  src=$work/src
fi
for tool in cmake nvcc; do
  command -v "$tool" >/dev/null || { echo "build-cuda: $tool is not installed" >&2; exit 1; }
done
echo "build-cuda: ggml sources from $src, CUDA architectures ${CUDA_ARCH:-native}"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCH:-native}" -DGGML_CCACHE=OFF >"$work/cmake.log" 2>&1 ||
  { tail -30 "$work/cmake.log"; exit 1; }
cmake --build "$work/build" --target ggml-cuda -j "$(nproc)"
mkdir -p "$out"
lib=$(find "$work/build" -name 'libggml-cuda.so' | head -1)
base=$(find "$work/build" -name 'libggml-base.so*' | head -1)
[[ -n "$lib" && -n "$base" ]] || { echo "build-cuda: no libggml-cuda.so built" >&2; exit 1; }
cp -L "$lib" "$out/libggml-cuda.so"
cp -L "$base" "$out/$(basename "$base")"
# libggml-cuda.so finds libggml-base.so next to itself.
command -v patchelf >/dev/null && patchelf --set-rpath '$ORIGIN' "$out/libggml-cuda.so" || true
echo "build-cuda: wrote $out/libggml-cuda.so"
