// Package cllama is batos's thin cgo binding to llama.cpp: model, context,
// batch, sampler chain, grammar, LoRA adapters, embeddings and backends.
// It links the llama.cpp and ggml sources of the pinned ollama module
// (github.com/ollama/ollama/llama/llama.cpp/src) and compiles against their
// headers, which `make llm-headers` copies into include/ (git-ignored).
//
// The binding is thin on purpose: it checks only what would crash C
// (nil handles, sizes), and package llm/llama validates every input before
// calling it. A GGML_ASSERT aborts the whole process and Go cannot recover
// from it. Nothing here is safe for concurrent use of one Context.
//
// The C compiler flags (optimisation, SIMD) live in the Makefile only.
package cllama

/*
#cgo CPPFLAGS: -I${SRCDIR}/include
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "helpers.h"
#include "ggml-backend.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	// llama.cpp, ggml and ggml-cpu, compiled by cgo.
	_ "github.com/ollama/ollama/llama/llama.cpp/src"
)

var initOnce sync.Once

// ExitCrash is the exit status of a process that llama.cpp aborted (see
// Init).
const ExitCrash = C.BATOS_EXIT_CRASH

// Init initialises the llama.cpp backend once per process and routes its
// logs: warnings and errors are kept (see LastError), and everything is
// printed to standard error when BATOS_LLM_LOG=1. It also catches aborts:
// should llama.cpp or ggml abort despite the checks in Go, the process
// prints "batos: crashed: ..." with the assertion and exits with status
// ExitCrash, instead of Go's signal dump and status 2.
func Init() {
	initOnce.Do(func() {
		verbose := 0
		if os.Getenv("BATOS_LLM_LOG") == "1" {
			verbose = 1
		}
		C.batos_crash_init()
		C.batos_log_init(C.int(verbose))
		C.llama_backend_init()
	})
}

var (
	logMu   sync.Mutex
	logTail []string
	logEcho = os.Getenv("BATOS_LLM_LOG") == "1"
)

//export batosLog
func batosLog(level C.int, text *C.char) {
	s := C.GoString(text)
	if logEcho {
		fmt.Fprint(os.Stderr, s)
	}
	if level < C.GGML_LOG_LEVEL_WARN {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	logTail = append(logTail, s)
	if len(logTail) > 20 {
		logTail = logTail[len(logTail)-20:]
	}
}

// takeLog returns and clears the warnings and errors logged since the last
// call, as one line.
func takeLog() string {
	logMu.Lock()
	defer logMu.Unlock()
	s := strings.Join(strings.Fields(strings.Join(logTail, " ")), " ")
	logTail = nil
	return s
}

// ClearLog forgets earlier log lines, before a call whose failure should be
// explained by its own lines only.
func ClearLog() { takeLog() }

// failure builds an error from a failed C call and what llama.cpp logged.
func failure(what string) error {
	if s := takeLog(); s != "" {
		return fmt.Errorf("%s: %s", what, s)
	}
	return errors.New(what)
}

// LoadBackend loads a ggml backend library (libggml-cuda.so ...) so that
// its devices can take offloaded layers. It must come before LoadModel.
func LoadBackend(path string) error {
	Init()
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	ClearLog()
	if C.ggml_backend_load(cs) == nil {
		return failure("cannot load ggml backend " + path)
	}
	// The backend logs through its own libggml-base: route it here too.
	C.batos_route_backend_logs()
	return nil
}

// Device is a compute device ggml can use.
type Device struct {
	Name, Description, Backend string
	GPU                        bool
	FreeBytes, TotalBytes      uint64
}

// Devices lists the devices of the loaded backends (the CPU first).
func Devices() []Device {
	Init()
	var ds []Device
	for i := C.size_t(0); i < C.ggml_backend_dev_count(); i++ {
		d := C.ggml_backend_dev_get(i)
		var free, total C.size_t
		C.ggml_backend_dev_memory(d, &free, &total)
		t := C.ggml_backend_dev_type(d)
		ds = append(ds, Device{
			Name:        C.GoString(C.ggml_backend_dev_name(d)),
			Description: C.GoString(C.ggml_backend_dev_description(d)),
			Backend:     C.GoString(C.ggml_backend_reg_name(C.ggml_backend_dev_backend_reg(d))),
			GPU:         t == C.GGML_BACKEND_DEVICE_TYPE_GPU || t == C.GGML_BACKEND_DEVICE_TYPE_IGPU,
			FreeBytes:   uint64(free),
			TotalBytes:  uint64(total),
		})
	}
	return ds
}

// SupportsGPUOffload reports whether a loaded backend can take layers.
func SupportsGPUOffload() bool { Init(); return bool(C.llama_supports_gpu_offload()) }

// crashForTest aborts the process as a GGML_ASSERT would (for the test of
// ExitCrash, in a child process).
func crashForTest() { Init(); C.batos_crash_for_test() }

// SystemInfo is llama.cpp's description of the CPU features it was
// compiled with (AVX2, FMA, F16C ...).
func SystemInfo() string { Init(); return C.GoString(C.llama_print_system_info()) }
