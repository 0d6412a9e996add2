# A fork server whose first message is garbage instead of a sealed "ready".
import _common
sock, seal = _common.connect()
sock.send(b"\x00\xffnot a message at all")
sock.recv(1 << 16)
