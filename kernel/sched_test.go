package kernel_test

import "runtime"

func runtimeGosched() { runtime.Gosched() }
