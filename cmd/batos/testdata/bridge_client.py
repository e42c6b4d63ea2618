"""Drives `batos serve` from libzmq (Debian's python3-zmq) and
python3-msgpack, with a REQ socket and a DEALER socket: the wire format
is the standard one (serve_test.go, TestServePython)."""
import sys

import msgpack
import zmq

ep = sys.argv[1]
ctx = zmq.Context()


def call(sock, req):
    # a REQ socket adds the empty delimiter frame itself; the payload is
    # the last frame either way
    sock.send(msgpack.packb(req))
    frames = sock.recv_multipart()
    return msgpack.unpackb(frames[-1], raw=False)


def check(cond, what):
    if not cond:
        print("python client: FAILED:", what)
        sys.exit(1)


for kind in (zmq.REQ, zmq.DEALER):
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.RCVTIMEO, 30000)
    s.connect(ep)
    name = "dealer" if kind == zmq.DEALER else "req"

    r = call(s, {"id": 1, "cmd": "eval", "source": "3 + 4"})
    check(r["id"] == 1 and r["ok"] and r["result"]["printString"] == "7"
          and r["result"]["type"] == "smallInt" and r["result"]["oid"] is None, (name, r))

    r = call(s, {"id": "s", "cmd": "eval", "source": "'caf\u00e9' , '!'"})
    check(r["ok"] and r["result"]["printString"] == "'caf\u00e9!'", (name, r))

    r = call(s, {"id": 2, "cmd": "eval", "source": "3 zork"})
    e = r["error"]
    check(r["id"] == 2 and not r["ok"] and e["code"] == "eval.undefinedSelector"
          and e["position"]["line"] == 1 and e["position"]["column"] == 3, (name, r))

    r = call(s, {"id": 3, "cmd": "send", "receiver": "", "selector": "==", "args": [{"oid": 1}]})
    check(r["id"] == 3 and ("ok" in r), (name, r))

    r = call(s, {"id": 4, "cmd": "status"})
    check(r["ok"] and r["result"]["version"].startswith("batos "), (name, r))

    s.send(b"\x93not msgpack")
    r = msgpack.unpackb(s.recv_multipart()[-1], raw=False)
    check(not r["ok"] and r["error"]["code"] == "request.malformed" and r["id"] is None, (name, r))
    s.close()
    print("python client: %s ok" % name)

print("python client: ok")
