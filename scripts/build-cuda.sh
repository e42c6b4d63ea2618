#!/usr/bin/env bash
# Builds ggml's CUDA backend (libggml-cuda.so, with the libggml-base it
# links) from the same pinned ggml sources that cgo compiles into batos,
# with cmake and nvcc (cgo cannot compile .cu files). batos loads it at run
# time (--gpu-backend, $BATOS_GPU_BACKEND, or libggml-cuda.so next to the
# binary) and offloads layers to the GPU.
#
#   scripts/build-cuda.sh [OUTDIR]     (default OUTDIR: bin)
#
# The sources come from $GGML_SRC (a directory or a .tar.gz made by
# `make gpu-bundle`), else build/gpu/ggml-src.tar.gz, else the Go module
# cache (go list -m). Set CUDA_ARCH to the GPU's compute capability (90 for
# H100/H200; default: native, the GPUs of this machine).
#
# The build is cached: the cmake tree stays in build/cuda/build, so a run
# cut short (a time limit) goes on where it stopped when run again, and a
# run whose sources and CUDA_ARCH match the last finished one does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin}
work=build/cuda
arch=${CUDA_ARCH:-native}

# nvcc is often installed but not on PATH.
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
for tool in cmake nvcc; do
  command -v "$tool" >/dev/null || { echo "build-cuda: $tool is not installed (nor in /usr/local/cuda/bin)" >&2; exit 1; }
done

src=${GGML_SRC:-}
if [[ -z "$src" ]]; then
  if [[ -f build/gpu/ggml-src.tar.gz ]]; then
    src=build/gpu/ggml-src.tar.gz
  else
    command -v go >/dev/null || { echo "build-cuda: no build/gpu/ggml-src.tar.gz and no Go (make gpu-bundle first)" >&2; exit 1; }
    src=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)
  fi
fi

# The cache key: the sources (the tarball's hash, or the module directory,
# whose name has the version) and the architectures.
# (patch: the version of the fix below; a new one rebuilds.)
patch=1
if [[ "$src" == *.tar.gz ]]; then
  key="$(sha256sum "$src" | cut -d' ' -f1) $arch patch$patch"
else
  key="$src $arch patch$patch"
fi
if [[ -f "$out/libggml-cuda.so" && -f "$out/.libggml-cuda.key" && "$(cat "$out/.libggml-cuda.key")" == "$key" ]]; then
  echo "build-cuda: $out/libggml-cuda.so is up to date"
  exit 0
fi

# The sources are copied into $work/src (git-ignored), where one fix is
# applied. The Go module cache's directories are read-only, and a tarball
# made from it may keep them so: make them writable before replacing them
# (as non-root, rm cannot empty a read-only directory), and after copying.
if [[ -d "$work/src" ]]; then
  chmod -R u+w "$work/src"
fi
rm -rf "$work/src"
mkdir -p "$work/src"
if [[ "$src" == *.tar.gz ]]; then
  tar -xzf "$src" -C "$work/src" --no-same-owner
else
  mkdir -p "$work/src/ml/backend/ggml"
  cp -p "$src/CMakeLists.txt" "$work/src/"
  cp -rp "$src/ml/backend/ggml/ggml" "$work/src/ml/backend/ggml/"
fi
chmod -R u+w "$work/src"
src=$work/src

# The fix. llama_context declares its scheduler before its backends, so
# its destructor frees the backends first; ollama's
# ggml_backend_sched_free then calls each backend's iface.reset, and the
# CUDA backend's reset writes through its freed context: every llama_free
# of a context on the GPU crashed (SIGSEGV in ggml_backend_cuda_reset).
# The CPU backend has no reset, so the CPU path never met it. Freeing a
# CUDA backend now keeps its small ggml_backend struct (a few hundred
# bytes per context) with reset cleared, so the scheduler skips the call.
cu=$src/ml/backend/ggml/ggml/src/ggml-cuda/ggml-cuda.cu
fix='    delete cuda_ctx;\n    backend->context = NULL; backend->iface.reset = NULL; /* batos: see scripts/build-cuda.sh */'
if ! grep -q 'batos: see scripts/build-cuda.sh' "$cu"; then
  n=$(awk '/^static void ggml_backend_cuda_free\(ggml_backend_t backend\) \{/ { f = 1 } f && /delete backend;/ { print NR; exit }' "$cu")
  [[ -n "$n" ]] || { echo "build-cuda: cannot apply the backend-free fix: ggml_backend_cuda_free changed in these sources" >&2; exit 1; }
  sed -i "$((n - 1)),${n}c\\
$fix" "$cu"
  grep -q 'batos: see scripts/build-cuda.sh' "$cu" || { echo "build-cuda: the backend-free fix did not apply" >&2; exit 1; }
fi

echo "build-cuda: ggml sources from $src, CUDA architectures $arch, nvcc $(command -v nvcc)"
# ollama's root CMakeLists looks for every backend itself: Vulkan with
# find_package (configure fails where its headers are installed without
# glslc), HIP with check_language. Only CUDA is wanted: the others are
# turned off explicitly. (It sets GGML_CCACHE itself; -DGGML_CCACHE=OFF
# would have no effect.)
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_COMPILER="$(command -v nvcc)" -DCMAKE_CUDA_ARCHITECTURES="$arch" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Vulkan=ON -DCMAKE_HIP_COMPILER= -DMLX_ENGINE=OFF \
  >"$work/cmake.log" 2>&1 ||
  { tail -30 "$work/cmake.log"; echo "build-cuda: cmake failed (log: $work/cmake.log)" >&2; exit 1; }
cmake --build "$work/build" --target ggml-cuda -j "$(nproc)"

lib=$(find "$work/build" -name 'libggml-cuda.so' -print -quit)
[[ -n "$lib" ]] || { echo "build-cuda: no libggml-cuda.so built" >&2; exit 1; }
# Copy the libggml-base the CUDA library asks for, under the name it asks
# for (its soname, libggml-base.so.0), not whichever file find lists first.
needed=""
if command -v readelf >/dev/null; then
  needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(libggml-base[^]]*\)\].*/\1/p' | head -1)
elif command -v objdump >/dev/null; then
  needed=$(objdump -p "$lib" | awk '$1 == "NEEDED" && $2 ~ /^libggml-base/ { print $2; exit }')
fi
[[ -n "$needed" ]] || { echo "build-cuda: cannot tell which libggml-base $lib needs (no readelf or objdump?)" >&2; exit 1; }
base=$(find "$work/build" -name "$needed" -print -quit)
[[ -n "$base" ]] || { echo "build-cuda: $lib needs $needed, which was not built" >&2; exit 1; }
mkdir -p "$out"
cp -L "$lib" "$out/libggml-cuda.so"
cp -L "$base" "$out/$needed"
# libggml-cuda.so finds libggml-base next to itself ($ORIGIN); without
# patchelf, gpu-check.sh sets LD_LIBRARY_PATH.
if command -v patchelf >/dev/null; then
  # shellcheck disable=SC2016 # $ORIGIN is for the dynamic loader
  patchelf --set-rpath '$ORIGIN' "$out/libggml-cuda.so"
fi
echo "$key" >"$out/.libggml-cuda.key"
echo "build-cuda: wrote $out/libggml-cuda.so and $out/$needed"
