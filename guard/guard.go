// Package guard is the generative kernel's auditor: it checks a method
// the model wrote before anything is installed. The static checks run on
// the AST against the world as it is now (parse, names, types,
// persistence, capabilities, compilation); the trial (package kernel)
// then runs the resumed send inside a savepoint under budgets.
//
// Every rejection has a stable code (docs/kernel.md lists them) and a
// message with a position in the method's text.
package guard

import (
	"fmt"
	"strings"

	"batos/lang"
	"batos/vm"
)

// Rejection codes. They are stable: tests, the red-team file and users'
// tools match on them.
const (
	CodeSyntax        = "parse.syntax"         // the text does not parse
	CodeShape         = "parse.shape"          // not exactly one method slot
	CodeSelector      = "parse.selector"       // the slot is not the missing selector (name or arity)
	CodeUnknownName   = "names.unknown"        // a name resolves to nothing
	CodeDuplicate     = "names.duplicate"      // an argument or local declared twice (or shadowed)
	CodeNotUnderstood = "types.notUnderstood"  // a send no object of the inferred kind understands
	CodeSelfSends     = "types.selfSends"      // too many sends of still-unknown selectors to self
	CodeConstant      = "persist.constant"     // an assignment to a constant slot
	CodeTransient     = "persist.transient"    // a block (or other transient value) stored in a slot
	CodeReflection    = "persist.reflection"   // changing another object's layout
	CodePrimitive     = "capability.primitive" // generated code calls a _Primitive
	CodeCapability    = "capability.denied"    // reaches an outside effect the policy does not grant
	CodeCompile       = "compile"              // the VM's compiler rejects it
	CodeTrialError    = "trial.error"          // the resumed send raised an error
	CodeTrialBudget   = "trial.budget"         // the trial ran out of steps, bytes, time or depth
	CodeTrialStopped  = "trial.interrupted"    // the user interrupted the trial
	CodeModel         = "model.error"          // the model failed to answer
)

// Rejection is why a method was not installed.
type Rejection struct {
	Code string
	Msg  string
	File string
	Pos  lang.Pos
}

func (r *Rejection) Error() string {
	if r.Pos.IsValid() {
		return fmt.Sprintf("%s:%d:%d: %s: %s", r.File, r.Pos.Line, r.Pos.Col, r.Code, r.Msg)
	}
	if r.File != "" {
		return fmt.Sprintf("%s: %s: %s", r.File, r.Code, r.Msg)
	}
	return r.Code + ": " + r.Msg
}

// Policy is what generated methods may do. The kernel reads it from the
// image (`kernel policy`), where users can change it.
type Policy struct {
	// MaxUnknownSelfSends is how many sends of selectors nothing
	// understands yet a method may make to self (each would be another
	// generation).
	MaxUnknownSelfSends int
	// Grants are the capabilities generated methods have ("output",
	// "clock"; not "files", "network", "model", "blobs", "reflection").
	Grants map[string]bool
	// Globals maps lobby names to the capability using them needs
	// (blobs -> blobs, model -> model).
	Globals map[string]string
}

// DefaultPolicy grants output and the clock, and nothing that reaches
// outside the image or changes other objects' layouts.
func DefaultPolicy() Policy {
	return Policy{
		Grants:  map[string]bool{"output": true, "clock": true},
		Globals: map[string]string{"blobs": "blobs", "model": "model", "modelOptions": "model", "chat": "model"},
	}
}

// IsFacet reports whether sel names a cognitive facet (`summaryFacet:`):
// a method that asks the receiver's model, so it may use the model.
func IsFacet(sel string) bool { return strings.HasSuffix(sel, "Facet:") && len(sel) > len("Facet:") }

// reflective selectors change an object's layout.
var reflective = map[string]bool{"addSlots:": true, "define:": true, "removeSlot:": true, "addSlotsIfAbsent:": true, "installMethod:": true}

// Request is one method to check.
type Request struct {
	Thread   *vm.Thread
	Receiver vm.Value   // the object whose send missed
	Name     string     // how messages name the receiver (\"acct\"); \"\" for vm.Describe
	Owner    *vm.Object // where the method will live
	Selector string     // the selector that missed
	File     string     // the method's name in positions ("gen:acct/reset")
	Text     string     // the model's completion
	Policy   Policy
}

// Method is an accepted method, compiled and ready to install.
type Method struct {
	Slot   *lang.Slot
	Method *vm.Method
}

// Check runs every static check on req.Text. It returns the compiled
// method, or the first rejection.
func Check(req Request) (*Method, *Rejection) {
	text := strings.TrimSpace(req.Text)
	rej := func(code string, pos lang.Pos, format string, args ...any) *Rejection {
		return &Rejection{Code: code, Msg: fmt.Sprintf(format, args...), File: req.File, Pos: pos}
	}
	if text == "" {
		return nil, rej(CodeShape, lang.Pos{}, "the model wrote nothing")
	}
	s, body, err := vm.ParseMethod(req.File, text)
	if err != nil {
		code := CodeShape
		var el lang.ErrorList
		if asList(err, &el) {
			code = CodeSyntax
			e := el[0]
			return nil, rej(code, e.Pos, "%s", e.Msg)
		}
		return nil, &Rejection{Code: code, Msg: strings.TrimPrefix(err.Error(), req.File+":"), File: req.File}
	}
	if s.Name != req.Selector {
		return nil, rej(CodeSelector, s.Pos(), "the method is '%s' but the missing selector is '%s'", s.Name, req.Selector)
	}
	if s.Kind != lang.Constant || s.Parent {
		return nil, rej(CodeShape, s.Pos(), "a method slot is a constant slot ('%s = (...)')", s.Name)
	}
	if n := len(lang.ArgNames(s.Args, body.Slots)); n != lang.Arity(s.Name) {
		return nil, rej(CodeSelector, s.Pos(), "'%s' takes %d argument(s), the method declares %d", s.Name, lang.Arity(s.Name), n)
	}
	c := &checker{req: req, vm: req.Thread.VM(), rej: rej}
	if r := c.method(s, body); r != nil {
		return nil, r
	}
	m, err := req.Thread.CompileMethod(s, body, req.File, text)
	if err != nil {
		r := rej(CodeCompile, lang.Pos{}, "%v", err)
		if e, ok := err.(*vm.Error); ok {
			r.Msg, r.Pos = e.Msg, e.Pos
		}
		return nil, r
	}
	return &Method{Slot: s, Method: m}, nil
}

func asList(err error, el *lang.ErrorList) bool {
	l, ok := err.(lang.ErrorList)
	if ok && len(l) > 0 {
		*el = l
	}
	return ok && len(l) > 0
}
