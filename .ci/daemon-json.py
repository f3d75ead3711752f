#!/usr/bin/env python3
"""Makes /etc/docker/daemon.json hold what Berth's tests need, keeping every other key.

- default-address-pools: /24s from one /16 (256 networks of 254 addresses), unless pools are
  set already. Tests run sessions both on per-session networks (Docker's default pools hold only
  ~30 of those) and on one shared network per installation (dozens of containers).
- runtimes.runsc: gVisor, for the tests of `sandbox: gvisor` sessions. --network=host makes gVisor
  use the network namespace Docker made for the container: on VMs gVisor's own network stack
  fails ("cannot run with network enabled in root network namespace").

Prints "changed" when it wrote the file, "unchanged" otherwise (so the caller knows whether a
running dockerd must reload it with SIGHUP).
"""
import json
import os
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "/etc/docker/daemon.json"
try:
    with open(path) as f:
        text = f.read()
    config = json.loads(text) if text.strip() else {}
except FileNotFoundError:
    config = {}
before = json.dumps(config, sort_keys=True)

config.setdefault("default-address-pools", [{"base": "10.200.0.0/16", "size": 24}])
config.setdefault("runtimes", {})["runsc"] = {
    "path": "/usr/bin/runsc",
    "runtimeArgs": ["--network=host"],
}

if json.dumps(config, sort_keys=True) == before:
    print("unchanged")
else:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".berth-ci"
    with open(tmp, "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    print("changed")
