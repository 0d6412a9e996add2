# A fork server that answers a fork with half of a sealed message and no descriptors.
import time
import _common
sock, seal = _common.connect()
_common.ready(sock, seal)
sock.recv(1 << 16)
sock.send(seal({"pid": 12345})[:20])
time.sleep(60)
