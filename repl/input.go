package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"
)

// historyPath returns the history file to use, "" for none.
func historyPath(file string) string {
	if file != "" {
		return file
	}
	if env, ok := os.LookupEnv("BATOS_HISTORY"); ok {
		return env
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".batos_history")
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// plainReader reads lines from any reader, printing prompts only when the
// input is a terminal.
type plainReader struct {
	r       *bufio.Reader
	out     io.Writer
	prompts bool
}

func (p *plainReader) ReadLine(prompt string) (string, error) {
	if p.prompts {
		fmt.Fprint(p.out, prompt)
	}
	line, err := p.r.ReadString('\n')
	if err == io.EOF && line != "" {
		err = nil // a last line without a newline
	}
	return strings.TrimRight(line, "\r\n"), err
}

func (p *plainReader) Close() error { return nil }

// linerReader reads lines with the line editor and keeps the history.
type linerReader struct {
	st      *liner.State
	history string
}

func newLinerReader(history string, complete liner.WordCompleter) *linerReader {
	st := liner.NewLiner()
	st.SetCtrlCAborts(true)
	st.SetTabCompletionStyle(liner.TabPrints)
	st.SetWordCompleter(complete)
	st.SetMultiLineMode(true)
	if history != "" {
		if f, err := os.Open(history); err == nil {
			st.ReadHistory(f)
			f.Close()
		}
	}
	return &linerReader{st: st, history: history}
}

func (l *linerReader) ReadLine(prompt string) (string, error) {
	line, err := l.st.Prompt(prompt)
	if errors.Is(err, liner.ErrPromptAborted) {
		return "", errAborted
	}
	if err == nil && strings.TrimSpace(line) != "" {
		l.st.AppendHistory(line)
	}
	return line, err
}

// Close saves the history (silently giving up if it cannot) and gives
// the terminal back.
func (l *linerReader) Close() error {
	if l.history != "" {
		if f, err := os.OpenFile(l.history, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err == nil {
			l.st.WriteHistory(f)
			f.Close()
		}
	}
	return l.st.Close()
}
