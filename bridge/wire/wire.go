// Package wire holds the bridge's wire format shared by the server
// (package bridge) and its clients (bridge/client): the reply, the error
// and its stable codes. docs/protocol.md is the specification.
//
// A request is one msgpack map: id (an integer or a string the client
// chooses), cmd, token when the server requires one, and the command's
// fields. A reply is one msgpack map: the same id, ok, and either result
// or error {code, message, position}.
package wire

// Reply is a reply as it is encoded: ID echoes the request's id (nil when
// the request had none or could not be read).
type Reply struct {
	ID     any    `msgpack:"id"`
	OK     bool   `msgpack:"ok"`
	Result any    `msgpack:"result,omitempty"`
	Error  *Error `msgpack:"error,omitempty"`
}

// Error is a failed request's error. Position is nil when the error has
// no place in the request.
type Error struct {
	Code     string    `msgpack:"code"`
	Message  string    `msgpack:"message"`
	Position *Position `msgpack:"position"`
}

func (e *Error) Error() string {
	if e.Position != nil {
		return e.Code + ": " + e.Position.String() + ": " + e.Message
	}
	return e.Code + ": " + e.Message
}

// Position is where an error is: a place in a command's source (File,
// Line and Column from 1), or a byte Offset in the request's payload
// (malformed msgpack).
type Position struct {
	File   string `msgpack:"file,omitempty"`
	Line   int    `msgpack:"line,omitempty"`
	Column int    `msgpack:"column,omitempty"`
	Offset int    `msgpack:"offset"`
}

func (p *Position) String() string {
	if p.Line > 0 {
		return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Column)
	}
	return "byte " + itoa(p.Offset)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// The error codes. They are stable: clients may rely on them.
const (
	CodeMalformed      = "request.malformed"      // the payload is not one msgpack value
	CodeTooDeep        = "request.tooDeep"        // nested deeper than the server allows
	CodeNotMap         = "request.notMap"         // the payload is not a map with string keys
	CodeField          = "request.field"          // a field is missing or has the wrong type
	CodeUnknownCommand = "request.unknownCommand" // cmd names no command
	CodeTooLarge       = "request.tooLarge"       // a frame over the server's --max-frame
	CodeToken          = "auth.token"             // the token is missing or wrong
	CodeRate           = "limit.rate"             // over the identity's request rate
	CodeQueue          = "limit.queue"            // too many of the identity's requests waiting
	CodeClients        = "limit.clients"          // too many client identities
	CodeSyntax         = "eval.syntax"            // the source does not parse
	CodeCommit         = "commit.failed"          // the transaction could not be made durable
	CodeReceiver       = "send.receiver"          // the receiver names no object
	CodeNotFound       = "describe.notFound"      // the OID names no object
	CodeSnapshot       = "snapshot.failed"        // the snapshot could not be written
	CodeNotAvailable   = "notAvailable"           // a command of a part not built yet
	CodeShutdown       = "server.shuttingDown"    // the server is stopping
	CodeInternal       = "server.internal"        // a bug in the server
	// A runtime error's code is "eval." followed by its kind:
	// eval.error, eval.undefinedSelector, eval.budget, eval.interrupted,
	// eval.generation ... (vm.ErrorKind's names).
	CodeEvalPrefix = "eval."
)

// Value is an eval's or send's result: the printString, the OID when the
// result is an object (nil for a small integer), and its kind (object,
// smallInt, bigInt, float, string, vector, byteVector, method, block,
// blob).
type Value struct {
	PrintString string  `msgpack:"printString"`
	OID         *uint64 `msgpack:"oid"`
	Type        string  `msgpack:"type"`
}
