package bridge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"batos/bridge"
	"batos/bridge/client"
	"batos/image"
	"batos/prims"
	"batos/stdlib"
	"batos/vm"
)

// TestServerInProcess runs a server and its clients in one process (so
// that `go test -race ./bridge` checks the server's goroutines): clients
// increment their own counters and a shared one, browse with describe
// and status, and the server shuts down cleanly with every acknowledged
// commit in the image.
func TestServerInProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "img")
	img, err := image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	th, err := img.Thread(vm.Options{Stdout: os.Stderr, Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := bridge.New(bridge.Config{Bind: "tcp://127.0.0.1:0", MaxSteps: 1_000_000}, th, img)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	ep := "tcp://" + srv.Addr().String()

	const clients, each = 8, 100
	setup, err := client.Dial(ep, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := "lobby _AddSlots: (| shared <- 0 |)."
	for i := range clients {
		src += fmt.Sprintf(" lobby _AddSlots: (| c%d = (| parent* = traits clonable. n <- 0. bump = ( n: n + 1. shared: shared + 1 ) |) |).", i)
	}
	v, err := setup.Eval(src + " c0")
	if err != nil {
		t.Fatal(err)
	}
	c0 := *v.OID
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.Dial(ep, client.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for j := range each {
				switch j % 4 {
				case 0, 1:
					_, err = c.Send(fmt.Sprintf("c%d", i), "bump")
				case 2:
					_, err = c.Eval(fmt.Sprintf("c%d bump", i))
				case 3:
					if _, err = c.Describe(c0); err == nil {
						_, err = c.Status()
					}
					if err == nil {
						_, err = c.Eval(fmt.Sprintf("c%d bump", i))
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	v, err = setup.Eval("shared")
	if err != nil || v.PrintString != fmt.Sprint(clients*each) {
		t.Fatalf("shared: %v %+v", err, v)
	}
	setup.Close()
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}

	img, err = image.Open(image.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	th, err = img.Thread(vm.Options{Stdout: os.Stderr, Primitives: prims.Table()}, stdlib.Boot)
	if err != nil {
		t.Fatal(err)
	}
	got, err := th.EvalString("check", "shared + c0 n + c7 n")
	if err != nil {
		t.Fatal(err)
	}
	if got.Int() != clients*each+2*each {
		t.Fatalf("after reopening: %d", got.Int())
	}
}
