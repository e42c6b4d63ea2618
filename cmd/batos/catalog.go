package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"batos/image"
	"batos/vm"
)

// The knowledge catalog on the command line (stdlib/mind/catalog.self,
// docs/catalog.md): `batos catalog add FILE...` imports text and Markdown
// files (a directory: the .txt, .md and .markdown files under it) in
// batches, one transaction each, with a progress line; `search`, `remove`
// and `info`. A document's id is its file's path as given, cleaned; a
// file named twice is added once.

const catalogCommands = "add, search, remove, info"

// catalogBatchFiles and catalogBatchBytes bound the files `catalog add`
// indexes in one transaction.
const (
	catalogBatchFiles = 256
	catalogBatchBytes = 8 << 20
)

const catalogUsage = `  batos catalog add FILE|DIR...    index text and Markdown files in the knowledge catalog
  batos catalog search [--top N] QUERY | remove ID... | info
`

// catalogCmd implements `batos catalog add|search|remove|info`.
func (c *cli) catalogCmd(args []string) error {
	if len(args) == 0 {
		return usagef("which command? (%s)", catalogCommands)
	}
	sub, args := args[0], args[1:]
	fs := c.newFlags("catalog " + sub)
	c.vmFlags(fs)
	top := 5
	switch sub {
	case "add", "remove", "info":
	case "search":
		fs.IntVar(&top, "top", 5, "how many chunks to show")
	default:
		c.cmd = "catalog"
		return usagef("unknown command %q (%s)", sub, catalogCommands)
	}
	pos, err := c.parseMixed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case sub == "info" && len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case sub == "search" && len(pos) != 1:
		return usagef("give one query (quote it)")
	case (sub == "add" || sub == "remove") && len(pos) == 0:
		return usagef("no %s given", map[string]string{"add": "file", "remove": "document id"}[sub])
	}
	// read and check every file before anything is indexed
	if sub == "add" {
		if pos, err = catalogFiles(pos); err != nil {
			return err
		}
	}
	texts := make([]string, len(pos))
	if sub == "add" {
		for i, p := range pos {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
				return fmt.Errorf("%s: not a text file (it is not UTF-8 text)", p)
			}
			texts[i] = string(b)
			pos[i] = filepath.ToSlash(filepath.Clean(p))
		}
		seen := map[string]bool{}
		n := 0
		for i, p := range pos {
			if !seen[p] {
				seen[p] = true
				pos[n], texts[n] = p, texts[i]
				n++
			}
		}
		pos, texts = pos[:n], texts[:n]
	}
	t, closer, err := c.boot(nil)
	if err != nil {
		return err
	}
	defer closer()
	v := t.VM()
	t.Atomic = true
	// do runs f as one transaction.
	do := func(f func(cat vm.Value) vm.Value) (vm.Value, error) {
		r, err := t.Call(func() vm.Value { return f(t.Send(vm.Ref(v.Lobby), "catalog")) })
		if err != nil {
			v.Abort()
			return r, err
		}
		return r, v.Commit()
	}
	describe := func() string {
		var s string
		do(func(cat vm.Value) vm.Value {
			r := t.Send(cat, "printString")
			s, _ = r.Str()
			return r
		})
		return s
	}
	switch sub {
	case "add":
		// files go in batches (one `catalog indexAll:` statement each, so one
		// segment and one synced commit per batch) of at most
		// catalogBatchFiles files and catalogBatchBytes bytes
		progress := image.NewProgress(c.stderr)
		progress.Start("catalog add", int64(len(pos)), "files")
		for start := 0; start < len(pos); {
			end, size := start, 0
			for end < len(pos) && end-start < catalogBatchFiles && (end == start || size+len(texts[end]) <= catalogBatchBytes) {
				size += len(texts[end])
				end++
			}
			_, err := do(func(cat vm.Value) vm.Value {
				docs := make([]vm.Value, 0, end-start)
				for i := start; i < end; i++ {
					docs = append(docs, v.NewVector([]vm.Value{v.String(pos[i]), v.String(texts[i]), v.String(pos[i])}))
				}
				return t.Send(cat, "indexAll:", v.NewVector(docs))
			})
			if err != nil {
				progress.Done()
				return fmt.Errorf("%s to %s: %w (nothing of them was added; %d file(s) before them were)", pos[start], pos[end-1], err, start)
			}
			progress.Add(int64(end - start))
			start = end
		}
		progress.Done()
		fmt.Fprintf(c.stdout, "added %d file(s): %s\n", len(pos), describe())
	case "remove":
		for _, id := range pos {
			if _, err := do(func(cat vm.Value) vm.Value { return t.Send(cat, "remove:", v.String(id)) }); err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
		}
		fmt.Fprintln(c.stdout, describe())
	case "info":
		fmt.Fprintln(c.stdout, describe())
	case "search":
		var lines []string
		_, err := do(func(cat vm.Value) vm.Value {
			hits := t.Send(cat, "search:Top:", v.String(pos[0]), vm.Int(int64(top)))
			hs, _ := hits.Vector()
			for _, h := range hs {
				id, _ := t.Send(t.Send(h, "docId"), "printString").Str()
				score, _ := t.Send(t.Send(h, "score"), "printString").Str()
				pos, _ := t.Send(t.Send(t.Send(h, "chunk"), "position"), "printString").Str()
				text, _ := t.Send(h, "text").Str()
				if r := []rune(text); len(r) > 160 {
					text = string(r[:160]) + "..."
				}
				lines = append(lines, fmt.Sprintf("%s %s #%s: %s", score, id, pos, strconv.Quote(text)))
			}
			return hits
		})
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Fprintln(c.stdout, l)
		}
		if len(lines) == 0 {
			fmt.Fprintln(c.stdout, "no chunk matches")
		}
	}
	return nil
}

// catalogFiles expands the directories among paths into the text and
// Markdown files under them, in name order.
func catalogFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		n := len(out)
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(q)) {
			case ".txt", ".md", ".markdown":
				if !d.IsDir() {
					out = append(out, q)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no .txt, .md or .markdown file in it", p)
		}
	}
	return out, nil
}
