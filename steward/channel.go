package steward

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxInstructions bounds an instruction file's size.
const maxInstructions = 1 << 20

// prepareChannel creates the channel directory if it is missing, then
// checks it.
func (s *steward) prepareChannel() error {
	if _, err := os.Lstat(s.channel); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(s.channel, 0o700); err != nil {
			return fmt.Errorf("steward: upgrade channel: %w", err)
		}
		s.log.Info("created the upgrade channel", "dir", s.channel)
	}
	return s.checkChannel()
}

// checkChannel refuses a channel directory that anyone could write
// instructions into.
func (s *steward) checkChannel() error {
	info, err := os.Lstat(s.channel)
	switch {
	case err != nil:
		return fmt.Errorf("steward: upgrade channel: %w", err)
	case info.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("steward: upgrade channel %s is a symbolic link; refused: make it a real directory", s.channel)
	case !info.IsDir():
		return fmt.Errorf("steward: upgrade channel %s is not a directory", s.channel)
	case info.Mode().Perm()&0o002 != 0:
		return fmt.Errorf("steward: upgrade channel %s is writable by every user (mode %04o), so anyone could run commands as this user through it; refused: run chmod o-w %s", s.channel, info.Mode().Perm(), s.channel)
	}
	return nil
}

// watch reports (on s.wake) when an instruction file may be waiting: a
// change to its name in the channel that has then been quiet for Settle,
// or one seen by the Poll fallback. The returned function ends it.
func (s *steward) watch(ctx context.Context) (func(), error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("steward: watching %s: %w", s.channel, err)
	}
	if err := w.Add(s.channel); err != nil {
		w.Close()
		return nil, fmt.Errorf("steward: watching %s: %w", s.channel, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		poll := time.NewTicker(s.cfg.Poll)
		defer poll.Stop()
		settle := time.NewTimer(0)
		<-settle.C
		defer settle.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Base(ev.Name) == InstructionsFile {
					settle.Reset(s.cfg.Settle)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Warn("watching the upgrade channel", "err", err, "polling every", s.cfg.Poll)
			case <-settle.C:
				s.signal()
			case <-poll.C:
				if s.present() {
					s.signal()
				}
			}
		}
	}()
	return func() { cancel(); w.Close(); <-done }, nil
}

// signal wakes the loop without blocking.
func (s *steward) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// present reports whether an instruction file is in the channel and has
// been quiet for Settle.
func (s *steward) present() bool {
	info, err := os.Lstat(filepath.Join(s.channel, InstructionsFile))
	return err == nil && time.Since(info.ModTime()) >= s.cfg.Settle
}

// pending is present, less a file already acted on that could not be
// removed (so it is not acted on again every Poll). Only the loop calls it.
func (s *steward) pending() bool {
	if !s.present() {
		return false
	}
	if s.stuck == "" {
		return true
	}
	info, err := os.Lstat(filepath.Join(s.channel, InstructionsFile))
	return err != nil || statKey(info) != s.stuck
}

// statKey identifies a version of a file: size, modification time and
// inode.
func statKey(info os.FileInfo) string {
	key := fmt.Sprintf("%d %d", info.Size(), info.ModTime().UnixNano())
	if ino, ok := inode(info); ok {
		key += fmt.Sprintf(" %d", ino)
	}
	return key
}

// instructions are a validated instruction file.
type instructions struct {
	commands [][]string
	sha256   string
}

// readInstructions reads and validates the instruction file. Its errors
// say what is wrong and where.
func (s *steward) readInstructions() (*instructions, error) {
	if err := s.checkChannel(); err != nil {
		return nil, err
	}
	path := filepath.Join(s.channel, InstructionsFile)
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symbolic link; refused: write the instructions into the file itself", path)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%v); refused", path, info.Mode().Type())
	}
	if uid, ok := ownerOK(info); !ok {
		return nil, fmt.Errorf("%s belongs to user %d, not to the steward's user or root; refused", path, uid)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opened, err := f.Stat(); err != nil || !os.SameFile(info, opened) {
		return nil, fmt.Errorf("%s changed while it was being opened; refused", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxInstructions+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxInstructions {
		return nil, fmt.Errorf("%s is larger than %d bytes; refused", path, maxInstructions)
	}
	sum := sha256.Sum256(data)
	in := &instructions{sha256: hex.EncodeToString(sum[:])}
	in.commands, err = parseInstructions(data)
	if err != nil {
		return in, fmt.Errorf("%s:%w", path, err)
	}
	return in, nil
}

// parseInstructions parses {"commands": [["argv0", "arg1", ...], ...]}.
// Its errors begin with "line:col: " or " ".
func parseInstructions(data []byte) ([][]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			line, col := lineCol(data, syn.Offset-1)
			return nil, fmt.Errorf("%d:%d: malformed JSON: %v", line, col, syn)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf(" malformed JSON: the text ends too soon")
		}
		return nil, fmt.Errorf(" malformed JSON: %v", err)
	}
	end := dec.InputOffset()
	if rest := bytes.TrimLeft(data[end:], " \t\r\n"); len(rest) > 0 {
		line, col := lineCol(data, end+int64(len(data[end:])-len(rest)))
		return nil, fmt.Errorf("%d:%d: text after the JSON object", line, col)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(` the instructions must be an object {"commands": [[...], ...]}, not %s`, jsonKind(doc))
	}
	for k := range obj {
		if k != "commands" {
			return nil, fmt.Errorf(` unknown field %q (only "commands" is allowed)`, k)
		}
	}
	raw, ok := obj["commands"]
	if !ok {
		return nil, fmt.Errorf(` no "commands" field`)
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf(` "commands" must be an array of argv arrays, not %s`, jsonKind(raw))
	}
	commands := make([][]string, len(list))
	for i, c := range list {
		argv, ok := c.([]any)
		if !ok {
			return nil, fmt.Errorf(` commands[%d] must be an array of strings (an argv list), not %s`, i, jsonKind(c))
		}
		if len(argv) == 0 {
			return nil, fmt.Errorf(` commands[%d] is empty: it needs at least the program`, i)
		}
		for j, a := range argv {
			str, ok := a.(string)
			if !ok {
				return nil, fmt.Errorf(` commands[%d][%d] must be a string, not %s`, i, j, jsonKind(a))
			}
			if bytes.IndexByte([]byte(str), 0) >= 0 {
				return nil, fmt.Errorf(` commands[%d][%d] holds a NUL byte`, i, j)
			}
			commands[i] = append(commands[i], str)
		}
		if commands[i][0] == "" {
			return nil, fmt.Errorf(` commands[%d][0] (the program) is empty`, i)
		}
	}
	return commands, nil
}

// jsonKind names a decoded JSON value's kind.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
