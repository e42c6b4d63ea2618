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

func (p *plainReader) AddHistory(string) {}

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
	return line, err
}

// AddHistory keeps a whole entry, several lines written as one
// (historyLine), and saves the history at once, so that a crash loses
// none of it.
func (l *linerReader) AddHistory(entry string) {
	line := historyLine(entry)
	if strings.TrimSpace(line) == "" {
		return
	}
	l.st.AppendHistory(line)
	l.save()
}

// save writes the history file through a temporary file and a rename
// (silently giving up if it cannot), so that it is never half written.
func (l *linerReader) save() {
	if l.history == "" {
		return
	}
	tmp := l.history + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	_, err = l.st.WriteHistory(f)
	if cerr := f.Close(); err == nil && cerr == nil {
		os.Rename(tmp, l.history)
	} else {
		os.Remove(tmp)
	}
}

// Close gives the terminal back (the history is saved after each entry).
func (l *linerReader) Close() error {
	return l.st.Close()
}

// historyLine writes an entry of several lines as one line that reads
// the same: a line break inside a string becomes the escape \n, a
// trailing backslash that continued a line is dropped, and any other line
// break (inside brackets, a comment, or after an unfinished expression,
// the only places an entry goes on) becomes a space.
func historyLine(entry string) string {
	entry = strings.TrimRight(entry, " \t\r\n")
	var b strings.Builder
	inStr, inComment := false, false
	for i := 0; i < len(entry); i++ {
		c := entry[i]
		switch {
		case inStr && c == '\\' && i+1 < len(entry) && entry[i+1] != '\n':
			b.WriteByte(c)
			b.WriteByte(entry[i+1])
			i++
			continue
		case inStr && c == '\'', !inComment && !inStr && c == '\'':
			inStr = !inStr
		case !inStr && c == '"':
			inComment = !inComment
		case c == '\r' && i+1 < len(entry) && entry[i+1] == '\n':
			continue
		case c == '\n' && inStr:
			b.WriteString("\\n")
			continue
		case c == '\n':
			s := b.String()
			if !inComment && strings.HasSuffix(s, "\\") {
				b.Reset()
				b.WriteString(s[:len(s)-1])
			}
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
