# A fork server whose sealed answer names a pid (init's) but hands over no descriptors.
import time
import _common
sock, seal = _common.connect()
_common.ready(sock, seal)
sock.recv(1 << 16)
sock.send(seal({"pid": 1}))
time.sleep(60)
