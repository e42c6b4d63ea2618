// Package bridge serves a batos world over ZeroMQ and msgpack: the
// synaptic bridge of `batos serve`. docs/protocol.md pins the wire format
// and the threat model; this comment is the map of the code.
//
// A ROUTER socket (github.com/go-zeromq/zmq4) receives requests from
// DEALER or REQ clients. Every message's last frame is one msgpack map
// (request.go decodes and checks it, after shape.go has bounded its depth
// and size without allocating); every reply is one msgpack map with the
// request's id and either a result or an error {code, message, position}.
//
//	client --frames--> internal/zmtp (frame size and handshake limits,
//	         under the ROUTER's own reader; one write per message)
//	       --> Server.receive, dispatch (server.go): shape, token, rate
//	           and queue checks; refusals are answered at once
//	       --> the identity's worker goroutine (peer.go): one vm.Session
//	       --> commands.go: eval, send, describe, snapshot, status
//	       --> the group commit's wait (image.GroupSync), then the reply
//
// Each client identity has its own vm.Session, and its requests run in
// order; the sessions' transactions run in turn under the world lock. A
// committing request's reply is sent only once its commit is durable, and
// commits from many clients share one fsync (image.GroupSync). A miss the
// generative kernel answers runs the model without the world lock
// (vm.Thread.Retry), so other clients go on meanwhile.
//
// The Go client is package bridge/client.
package bridge
