// Package kernel is batos's generative kernel: when an object receives a
// message it does not understand and generation is on, the model writes
// the missing method in batos, the guardian (package guard) audits it,
// and it is installed with its provenance and the original send resumes,
// all in the user's transaction.
//
// The model never runs while the world is held. A miss that needs the
// model raises a vm.Restart: the transaction aborts, the model runs
// outside the world (other sessions go on), the completion is kept as the
// pending candidate of the miss's key (the receiver's shape and the
// selector), and the transaction runs again. This time the miss finds the
// candidate, checks it, installs it and runs the resumed send as the
// trial, inside a savepoint under budgets. A rejection is fed back to the
// model on the next attempt, up to Config.MaxAttempts. Accepted texts go
// into a persistent cache keyed the same way, so a later miss on an object
// of the same shape installs the method without calling the model (the
// guardian still checks it against the world as it is then).
//
// docs/kernel.md describes the design, the rejection codes and the
// replay format used by the tests.
package kernel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"batos/guard"
	"batos/llm"
	"batos/metrics"
	"batos/vm"
)

// Config configures a kernel.
type Config struct {
	Generate    bool // --generate: every object that inherits from the lobby
	MaxAttempts int  // model calls per miss (--max-attempts); 0: 3
	// MaxNesting is how many generations may nest: a miss inside a trial
	// starts another generation only below this depth (0: never).
	MaxNesting  int
	Model       string        // the model spec; "" for the registry's default
	Registry    *llm.Registry // nil: llm.Default
	Store       Store         // the generation cache; nil: in memory
	Log         io.Writer     // the one-line notices; nil: os.Stderr
	Verbose     bool          // stream the model's tokens to Log
	MaxTokens   int           // per completion; 0: 1024 (at most half the context)
	Seed        int64         // sampling seed (-1: random)
	Temperature float64       // 0: greedy
	// Catalog, when set, adds what the knowledge catalog knows about a
	// selector to the prompt (textindex.Notes: the best chunks for the
	// selector's words).
	Catalog func(sel string) []string
	// Trial bounds the resumed send that tests a candidate.
	TrialSteps int64
	TrialBytes int64
	TrialDepth int
	TrialTime  time.Duration
}

func (c *Config) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.Registry == nil {
		c.Registry = llm.Default
	}
	if c.Store == nil {
		c.Store = NewMemStore()
	}
	if c.Log == nil {
		c.Log = os.Stderr
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = 1024
	}
	if c.TrialSteps <= 0 {
		c.TrialSteps = 10_000_000
	}
	if c.TrialBytes <= 0 {
		c.TrialBytes = 256 << 20
	}
	if c.TrialDepth <= 0 {
		c.TrialDepth = 2000
	}
	if c.TrialTime <= 0 {
		c.TrialTime = 10 * time.Second
	}
}

// Kernel is the generative kernel of one process.
type Kernel struct {
	cfg     Config
	enabled atomic.Bool
	mu      sync.Mutex
	jobs    map[string]*job
	trials  map[*vm.Thread]int // threads running a trial (no re-entry)
	stats   Stats
	policy  atomic.Pointer[guard.Policy]
}

// Stats count what the kernel did in this process.
type Stats struct {
	Misses, ModelCalls, CacheHits, Installed, Rejected, Failed int
}

// job is the state of one miss key across restarts.
type job struct {
	gen        sync.Mutex // held while the model runs for this key (one generation at a time)
	mu         sync.Mutex // guards the fields below
	candidate  string     // the model's latest text, not yet checked
	prompt     string
	attempts   int // model calls so far
	rejections []*guard.Rejection
	done       bool // installed or failed: the job is over
	checking   bool // a session is checking the candidate it took
}

// take returns the pending candidate (clearing it) and the job's state.
func (j *job) take() (cand, prompt string, attempts int, rejs []*guard.Rejection) {
	j.mu.Lock()
	defer j.mu.Unlock()
	cand, j.candidate = j.candidate, ""
	j.checking = cand != ""
	return cand, j.prompt, j.attempts, append([]*guard.Rejection(nil), j.rejections...)
}

func (j *job) uncheck() {
	j.mu.Lock()
	j.checking = false
	j.mu.Unlock()
}

func (j *job) reject(r *guard.Rejection) {
	j.mu.Lock()
	j.rejections = append(j.rejections, r)
	j.checking = false
	j.mu.Unlock()
}

// New returns a kernel.
func New(cfg Config) *Kernel {
	cfg.defaults()
	k := &Kernel{cfg: cfg, jobs: map[string]*job{}, trials: map[*vm.Thread]int{}}
	k.enabled.Store(cfg.Generate)
	p := guard.DefaultPolicy()
	k.policy.Store(&p)
	return k
}

// SetEnabled turns generation for every object on or off (:generate).
func (k *Kernel) SetEnabled(on bool) { k.enabled.Store(on) }

// Enabled reports whether generation is on for every object.
func (k *Kernel) Enabled() bool { return k.enabled.Load() }

// Stats returns the kernel's counters.
func (k *Kernel) Stats() Stats {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stats
}

// Store returns the generation cache.
func (k *Kernel) Store() Store { return k.cfg.Store }

// Allows implements vm.Generator: the capabilities of generated methods
// come from the image's policy (kernel policy grants); a cognitive facet
// (a selector ending in Facet:) may also use the model.
func (k *Kernel) Allows(t *vm.Thread, cap string) bool {
	if k.policy.Load().Grants[cap] {
		return true
	}
	sel, ok := t.GeneratedMethod()
	return ok && cap == "model" && guard.IsFacet(sel)
}

func (k *Kernel) job(key string) *job {
	k.mu.Lock()
	defer k.mu.Unlock()
	j, ok := k.jobs[key]
	if !ok {
		j = &job{}
		k.jobs[key] = j
	}
	return j
}

func (k *Kernel) dropJob(key string) {
	k.mu.Lock()
	if j, ok := k.jobs[key]; ok {
		j.mu.Lock()
		j.done = true
		j.mu.Unlock()
	}
	delete(k.jobs, key)
	k.mu.Unlock()
}

func (k *Kernel) count(f func(*Stats)) {
	k.mu.Lock()
	f(&k.stats)
	k.mu.Unlock()
}

// inTrial reports whether t is running trials nested as deep as allowed
// (misses there are ordinary errors).
func (k *Kernel) inTrial(t *vm.Thread) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.trials[t] > k.cfg.MaxNesting
}

func (k *Kernel) trial(t *vm.Thread, d int) {
	k.mu.Lock()
	k.trials[t] += d
	if k.trials[t] <= 0 {
		delete(k.trials, t)
	}
	k.mu.Unlock()
}

// miss is what the kernel knows about one failed send.
type miss struct {
	rcv     vm.Value
	sel     string
	args    []vm.Value
	owner   *vm.Object
	traits  bool
	key     string
	where   string // "acct (oid 12)", for messages
	ownerID string // the owner's name in the method's file name
}

// Miss implements vm.Generator.
func (k *Kernel) Miss(t *vm.Thread, rcv vm.Value, sel string, args []vm.Value, forced bool) (vm.Value, bool) {
	if !forced && !k.Enabled() {
		return vm.Value{}, false
	}
	if k.inTrial(t) {
		return vm.Value{}, false // no generation inside a trial
	}
	k.loadPolicy(t)
	v := t.VM()
	if deliberate(t, rcv) {
		if res, ok := k.mission(t, rcv, sel, args); ok {
			return res, true
		}
	}
	owner, traits := v.OwnerFor(rcv)
	m := &miss{rcv: rcv, sel: sel, args: args, owner: owner, traits: traits}
	m.key = v.ShapeKey(rcv) + "\x00" + sel
	m.ownerID = ownerName(t, owner)
	m.where = v.Describe(rcv)
	if !traits && !strings.HasPrefix(m.ownerID, "oid ") {
		m.where = m.ownerID
	}
	if msg, failed := t.RetryNote(failedNote + m.key); failed {
		// failed earlier in this transaction, which a later miss restarted:
		// the same error, without asking the model again
		t.Raise(vm.ErrGeneration, msg)
	}
	k.count(func(s *Stats) { s.Misses++ })
	metrics.Default.Add("gen.misses", 1)

	j := k.job(m.key)
	text, lastPrompt, attempts, rejs := j.take()
	if text != "" {
		res, rej := func() (vm.Value, *guard.Rejection) {
			defer j.uncheck() // however the check ends (an interrupt raises)
			return k.tryInstall(t, m, text, attempts, "model", lastPrompt)
		}()
		if rej == nil {
			k.dropJob(m.key)
			if err := k.cfg.Store.Put(m.key, Entry{Text: text, Selector: sel, Model: k.modelName(), Time: time.Now().UTC()}); err != nil {
				fmt.Fprintf(k.cfg.Log, "batos: could not keep the accepted method in the generation cache: %v\n", err)
			}
			return res, true
		}
		j.reject(rej)
		rejs = append(rejs, rej)
		k.count(func(s *Stats) { s.Rejected++ })
		metrics.Default.Add("gen.rejected."+rej.Code, 1)
		fmt.Fprintf(k.cfg.Log, "batos: attempt %d of %d rejected: %s\n", attempts, k.cfg.MaxAttempts, rej)
	} else if e, ok := k.cfg.Store.Get(m.key); ok && len(rejs) == 0 {
		res, rej := k.tryInstall(t, m, e.Text, 0, "cache", "")
		if rej == nil {
			k.count(func(s *Stats) { s.CacheHits++ })
			metrics.Default.Add("gen.cacheHits", 1)
			return res, true
		}
		// the world changed under the cached text: forget it, ask the model
		k.cfg.Store.Delete(m.key)
		fmt.Fprintf(k.cfg.Log, "batos: the cached '%s' no longer fits %s (%s); asking the model\n", sel, m.where, rej)
	}
	if attempts >= k.cfg.MaxAttempts {
		k.dropJob(m.key)
		k.count(func(s *Stats) { s.Failed++ })
		metrics.Default.Add("gen.failed", 1)
		k.recordFailure(m, attempts, rejs)
		msg := failureMessage(m, attempts, rejs)
		t.SetRetryNote(failedNote+m.key, msg)
		t.Raise(vm.ErrGeneration, msg)
	}
	prompt, maxTok := k.prompt(t, m, rejList(rejs))
	gram := k.grammar(m.sel)
	notice := fmt.Sprintf("batos: writing '%s' for %s, into %s, with %s, attempt %d of %d",
		sel, m.where, placement(m), k.modelName(), attempts+1, k.cfg.MaxAttempts)
	t.RaiseRestart(&vm.Restart{Why: notice, Work: func(ctx context.Context) error {
		return k.generate(ctx, j, attempts, prompt, gram, notice, maxTok)
	}})
	return vm.Value{}, true
}

// failedNote prefixes the RetryNote of a failed generation's key.
const failedNote = "kernel.failed\x00"

func placement(m *miss) string {
	if m.traits {
		return "its traits (" + m.ownerID + ")"
	}
	return "the receiver"
}

// generate asks the model for a method (outside the world). Two sessions
// missing the same key wait for one generation: a session whose view of
// the job (seen attempts) is out of date returns at once and re-runs.
func (k *Kernel) generate(ctx context.Context, j *job, seen int, prompt, gram, notice string, maxTok int) error {
	j.gen.Lock()
	defer j.gen.Unlock()
	j.mu.Lock()
	if j.done || j.candidate != "" || j.checking || j.attempts != seen {
		j.mu.Unlock()
		return nil // another session's generation answered this key
	}
	j.attempts++
	j.prompt = prompt
	j.mu.Unlock()
	fmt.Fprintln(k.cfg.Log, notice)
	k.count(func(s *Stats) { s.ModelCalls++ })
	metrics.Default.Add("gen.modelCalls", 1)
	model, err := k.cfg.Registry.Get(k.cfg.Model)
	if err != nil {
		j.reject(&guard.Rejection{Code: guard.CodeModel, Msg: err.Error()})
		return nil // the re-run reports it (or tries again)
	}
	req := llm.Request{Prompt: prompt, MaxTokens: maxTok, Temperature: k.cfg.Temperature, Seed: k.cfg.Seed, Grammar: gram}
	var onPiece func(string) error
	if k.cfg.Verbose {
		onPiece = func(p string) error { _, err := io.WriteString(k.cfg.Log, p); return err }
	}
	res, err := model.Generate(ctx, req, onPiece)
	metrics.Default.Add("model.tokensIn", float64(res.PromptTokens))
	metrics.Default.Add("model.tokensOut", float64(res.Tokens))
	if k.cfg.Verbose {
		fmt.Fprintln(k.cfg.Log)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return err // interrupted: the statement fails
	case err != nil:
		j.reject(&guard.Rejection{Code: guard.CodeModel, Msg: err.Error()})
	case strings.TrimSpace(res.Text) == "":
		j.reject(&guard.Rejection{Code: guard.CodeShape, Msg: "the model wrote nothing"})
	default:
		j.mu.Lock()
		j.candidate = res.Text
		j.mu.Unlock()
	}
	return nil
}

// tryInstall checks text, installs it in a savepoint and runs the resumed
// send as its trial. On success the method stays, with its provenance.
func (k *Kernel) tryInstall(t *vm.Thread, m *miss, text string, attempts int, source, prompt string) (vm.Value, *guard.Rejection) {
	file := "gen:" + m.ownerID + "/" + m.sel
	gm, rej := guard.Check(guard.Request{Thread: t, Receiver: m.rcv, Owner: m.owner, Selector: m.sel, Name: m.where, File: file, Text: text, Policy: *k.policy.Load()})
	if rej != nil {
		return vm.Value{}, rej
	}
	v := t.VM()
	sp := v.Savepoint()
	prov := k.provenance(t, m, text, attempts, source, prompt)
	v.MarkGenerated(gm.Method, prov)
	v.InstallMethod(m.owner, gm.Method, "generated")
	lim := vm.Limits{Steps: k.cfg.TrialSteps, Bytes: k.cfg.TrialBytes, Depth: k.cfg.TrialDepth, Deadline: time.Now().Add(k.cfg.TrialTime).UnixNano()}
	res, err := func() (vm.Value, *vm.Error) {
		k.trial(t, +1)
		defer k.trial(t, -1) // a nested generation's restart passes through
		return t.Within(lim, func() vm.Value { return t.Send(m.rcv, m.sel, m.args...) })
	}()
	if err != nil {
		sp.Rollback()
		code := guard.CodeTrialError
		switch err.Kind {
		case vm.ErrBudget, vm.ErrDepth:
			code = guard.CodeTrialBudget
		case vm.ErrInterrupted:
			code = guard.CodeTrialStopped
		}
		r := &guard.Rejection{Code: code, Msg: err.Msg, File: err.File, Pos: err.Pos}
		if code == guard.CodeTrialStopped {
			t.Raise(vm.ErrInterrupted, "interrupted while trying the generated '"+m.sel+"'")
		}
		return vm.Value{}, r
	}
	sp.Release()
	k.register(t, prov)
	k.count(func(s *Stats) { s.Installed++ })
	metrics.Default.Add("gen.accepted", 1)
	return res, nil
}

// modelName names the model for notices and provenance.
func (k *Kernel) modelName() string {
	if k.cfg.Model != "" {
		return k.cfg.Model
	}
	if d := k.cfg.Registry.Default; d != "" {
		return d
	}
	return "no model"
}

var hashCache sync.Map // path+size+mtime -> sha256 hex

// modelHash identifies the model's weights: the sha256 of its file (or
// replay file), or the URL of a remote model.
func (k *Kernel) modelHash() string {
	spec := k.modelName()
	path := strings.TrimPrefix(spec, "replay:")
	if strings.Contains(spec, "://") {
		return spec
	}
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	key := fmt.Sprintf("%s|%d|%d", path, fi.Size(), fi.ModTime().UnixNano())
	if h, ok := hashCache.Load(key); ok {
		return h.(string)
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	sum := "sha256:" + hex.EncodeToString(h.Sum(nil))
	hashCache.Store(key, sum)
	return sum
}

func failureMessage(m *miss, attempts int, rejs []*guard.Rejection) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s does not understand '%s', and the model could not write it in %d attempt(s):", m.where, m.sel, attempts)
	for i, r := range rejs {
		fmt.Fprintf(&b, "\n  attempt %d: %s", i+1, r)
	}
	return b.String()
}

func rejList(rs []*guard.Rejection) []guardRejection {
	out := make([]guardRejection, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

// deliberate reports whether rcv's policy says a message it does not
// understand is deliberated on (a mission of the composite mind) rather
// than answered by a generated method: its generationPolicy slot (found
// through its parents) is 'deliberate'. The default is 'direct'.
func deliberate(t *vm.Thread, rcv vm.Value) bool {
	v := t.VM()
	res := v.Lookup(rcv, "generationPolicy")
	if !res.Found() || res.Slot.Kind == vm.SlotSetter || res.Slot.Kind == vm.SlotBlockValue {
		return false
	}
	val := res.Slot.Const
	if res.Slot.Kind == vm.SlotData {
		holder := res.Holder
		if holder == nil {
			return false
		}
		val, _ = v.FieldValue(holder, "generationPolicy")
	}
	s, ok := val.Str()
	return ok && s == "deliberate"
}

// mission answers a message not understood with a cognitive cycle: the
// mind is asked what the message asks for, and its answer is the send's
// result (nothing is installed). ok is false when the world has no mind.
func (k *Kernel) mission(t *vm.Thread, rcv vm.Value, sel string, args []vm.Value) (vm.Value, bool) {
	v := t.VM()
	mind, ok := v.FieldValue(v.Lobby, "mind")
	if !ok || mind.Obj() == nil {
		return vm.Value{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s received the message '%s'", v.Describe(rcv), sel)
	for i, a := range args {
		fmt.Fprintf(&b, "; argument %d: %s", i+1, truncate(v.Describe(a), 60))
	}
	b.WriteString(", which it does not understand. Answer what the message asks for.")
	fmt.Fprintf(k.cfg.Log, "batos: deliberating on '%s' for %s (a mission of the mind)\n", sel, v.Describe(rcv))
	metrics.Default.Add("gen.missions", 1)
	return t.Send(mind, "ask:", v.String(b.String())), true
}
