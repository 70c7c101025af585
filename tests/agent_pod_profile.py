#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The agent's profile for its container (deploy/seccomp/syscensus-agent-pod.json: the
# runtime's filter, a Kubernetes Localhost profile), made from two recordings by syscensus:
#  - AGENT, the agent recorded running (deploy/seccomp/syscensus-agent.json, the filter the
#    agent loads on itself once confined);
#  - RUNTIME, `record -- podman run IMAGE --version` of the agent's image, with and without
#    no-new-privileges: what runc does under the filter before it executes the agent
#    (fstatfs, setgroups, chdir... in either mode);
# plus what the agent does to confine itself before its own filter is in place, with the
# runtime's already there: capset, prctl (ambient set, bounding set, no_new_privs) and
# seccomp (user/census/confine.c). The conditional prctl rule gives way to the plain name.
#   python3 tests/agent_pod_profile.py AGENT RUNTIME OUT
import json, os, sys

CONFINE = ["capset", "prctl", "seccomp"]

def allowed(d):
    return {n for r in d["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" and "args" not in r for n in r["names"]}

agent_path, runtime_path, out = sys.argv[1:4]
d = json.load(open(agent_path))
runtime = json.load(open(runtime_path))
allow = d["syscalls"][0]
assert allow["action"] == "SCMP_ACT_ALLOW" and "args" not in allow, allow
mine = allowed(d)
from_runtime = sorted(allowed(runtime) - mine - set(CONFINE))
add = set(CONFINE) | set(from_runtime)
d["syscalls"] = [allow] + [r for r in d["syscalls"][1:]
                           if not (r["action"] == "SCMP_ACT_ALLOW" and set(r["names"]) & add)]
allow["names"] = sorted(mine | add)
d["comment"] = ("syscensus agent in its container: %s, plus the agent's confinement calls (%s) and what "
                "runc did under the filter before executing it (%s, from %s); tests/agent_pod_profile.py" %
                (os.path.basename(agent_path), ", ".join(CONFINE), ", ".join(from_runtime) or "nothing more",
                 os.path.basename(runtime_path)))
with open(out + ".tmp", "w") as f:
    json.dump(d, f, indent=2)
    f.write("\n")
os.replace(out + ".tmp", out)
print("agent-profile: %s: %d syscalls allowed (%d from the runtime's recording)" %
      (out, len(allowed(d)), len(from_runtime)))
