package bridge

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// bucket is a token bucket: rate requests a second on average, at most
// burst at once. It is used by the receiving goroutine only.
type bucket struct {
	rate, burst float64
	tokens      float64
	last        time.Time
}

func newBucket(rate float64, burst int) bucket {
	return bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// take reports whether a request may go now.
func (b *bucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// ParseBind checks a --bind endpoint (tcp://HOST:PORT) and reports whether
// it listens on loopback only. Only TCP is served.
func ParseBind(ep string) (hostPort string, loopback bool, err error) {
	u, err := url.Parse(ep)
	if err != nil || u.Scheme != "tcp" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return "", false, fmt.Errorf("--bind %q: want tcp://HOST:PORT (e.g. tcp://127.0.0.1:5555)", ep)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return "", false, fmt.Errorf("--bind %q: %v", ep, err)
	}
	if port == "" {
		return "", false, fmt.Errorf("--bind %q: no port", ep)
	}
	switch host {
	case "localhost":
		return u.Host, true, nil
	case "", "*":
		return u.Host, false, nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "", false, fmt.Errorf("--bind %q: the host must be an IP address or localhost", ep)
	}
	return u.Host, ip.IsLoopback(), nil
}

// ReadToken reads a token file: it must not be readable or writable by
// group or others (0600 or stricter), and holds the token on its first
// line (at least 16 characters).
func ReadToken(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %v", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("--token-file %s: not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("--token-file %s: its permissions are %04o; it must be readable by its owner only (chmod 600 %s)", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--token-file: %v", err)
	}
	tok, _, _ := strings.Cut(string(b), "\n")
	tok = strings.TrimSpace(tok)
	if len(tok) < 16 {
		return "", fmt.Errorf("--token-file %s: the token must be at least 16 characters", path)
	}
	return tok, nil
}
