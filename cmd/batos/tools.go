package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"batos/lang"
	"batos/stdlib"
	"batos/vm"
)

// check implements `batos check FILE...`: every file is parsed and
// compiled without running anything, and every error of every file is
// reported, in source order, with its line and a caret.
func (c *cli) check(args []string) error {
	fs := c.newFlags("check")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no files given")
	}
	var world *vm.VM // booted on first use: it knows the primitives
	status := exitOK
	for _, path := range fs.Args() {
		name, src, err := c.readSource(path)
		if err != nil {
			c.stderrf("%v", err)
			status = exitUsage
			continue
		}
		var errs []*lang.Error
		f, err := lang.Parse(name, src)
		if err != nil {
			var list lang.ErrorList
			if !errors.As(err, &list) {
				c.stderrf("%s: %v", path, err)
				status = exitUsage
				continue
			}
			errs = append(errs, list...)
		}
		if f != nil && len(f.Stmts) > 0 {
			if world == nil {
				t, err := stdlib.Boot(vm.Options{Stdout: io.Discard})
				if err != nil {
					return fmt.Errorf("cannot start: %w", err)
				}
				world = t.VM()
			}
			for _, e := range world.Check(f) {
				errs = append(errs, asSyntaxError(e, name))
			}
		}
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos.Offset < errs[j].Pos.Offset })
		for _, e := range errs {
			fmt.Fprintln(c.stderr, lang.FormatError(e, src))
			status = exitUsage
		}
	}
	if status != exitOK {
		return exitError(status)
	}
	return nil
}

// asSyntaxError turns a compile error into a *lang.Error so that it is
// shown like a syntax error, with its line and a caret.
func asSyntaxError(err error, file string) *lang.Error {
	var e *vm.Error
	if errors.As(err, &e) {
		if e.File != "" {
			file = e.File
		}
		return &lang.Error{File: file, Pos: e.Pos, Msg: e.Msg}
	}
	return &lang.Error{File: file, Msg: err.Error()}
}

// fmt implements `batos fmt [-w] [FILE...]`. Without files it formats
// standard input. A file that does not parse is never rewritten.
func (c *cli) fmt(args []string) error {
	fs := c.newFlags("fmt")
	write := fs.Bool("w", false, "rewrite the files in place")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		if *write {
			return usagef("-w needs files to rewrite")
		}
		paths = []string{"-"}
	}
	status := exitOK
	fail := func(code int, format string, args ...any) {
		c.stderrf(format, args...)
		status = max(status, code)
	}
	for _, path := range paths {
		name, src, err := c.readSource(path)
		if err != nil {
			fail(exitUsage, "%v", err)
			continue
		}
		f, err := lang.Parse(name, src)
		if err != nil {
			fmt.Fprintln(c.stderr, lang.FormatError(err, src))
			if *write {
				fail(exitUsage, "not rewriting %s: it does not parse", path)
			} else {
				status = exitUsage
			}
			continue
		}
		out := lang.Format(f)
		// Never replace good source by bad: the result must parse to the
		// same tree with the same comments.
		g, err := lang.Parse(name, out)
		if err != nil {
			fail(exitRuntime, "%s: formatting produced source that does not parse (a bug in batos): %v", path, err)
			continue
		}
		if !lang.Equal(f, g) || !sameComments(lang.CommentsOf(f), lang.CommentsOf(g)) {
			fail(exitRuntime, "%s: formatting changed the program or its comments (a bug in batos)", path)
			continue
		}
		if !*write {
			io.WriteString(c.stdout, out)
			continue
		}
		if out == src {
			continue
		}
		if err := writeFile(path, out); err != nil {
			fail(exitRuntime, "%v", err)
		}
	}
	if status != exitOK {
		return exitError(status)
	}
	return nil
}

// sameComments reports whether a and b are the same comments in order.
func sameComments(a, b []*lang.Comment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Text != b[i].Text {
			return false
		}
	}
	return true
}

// writeFile replaces the contents of path, keeping its permissions. It
// writes a temporary file next to it and renames it, so that a failure
// leaves the old contents in place.
func writeFile(path, data string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(data)
	if err == nil {
		err = tmp.Chmod(fi.Mode().Perm())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
