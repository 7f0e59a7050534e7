#!/usr/bin/env python3
"""free_port.py: a free TCP port on 127.0.0.1 for a server a test starts a
moment later. A random one below the kernel's range for outgoing
connections' local ports: one the kernel hands out for port 0 comes from
that range, and any connection made meanwhile can take it (as a client of
another test did to an etcd's port). As util/spawn.c's port_pick_free."""
import random
import socket


def bound(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return s.getsockname()[1]
    except OSError:
        return 0
    finally:
        s.close()


try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        top = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    top = 32768
port = 0
for _ in range(200 if top > 10100 else 0):
    port = bound(random.randrange(10000, top))
    if port:
        break
print(port or bound(0))  # no room below the range: the kernel's choice
