#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Programs as a new user would try them (`make programs`, root): each recorded once and three
# times with --append, then run 20 times under each profile; prints a markdown table. Programs
# not installed are skipped.
cd "$(dirname "$0")/.."
B=$PWD/${BUILD:-build}
S=$B/syscensus
W=$(mktemp -d /tmp/syscensus-programs.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
declare -A C=(
 [python3]='python3 -c "import json,hashlib,threading,subprocess; t=threading.Thread(target=lambda: None); t.start(); t.join(); print(json.dumps({\"h\": hashlib.sha256(b\"x\").hexdigest()}))"'
 [git]='git -C "$OLDPWD" log --oneline -3'
 [tar]='tar -czf $W/t.tgz -C /etc apt'
 [openssl]='openssl dgst -sha256 /etc/os-release'
 [perl]='perl -MList::Util=sum -e "print sum(1..100), qq(\n)"'
 [curl]='curl -s -o /dev/null -w %{http_code} file:///etc/os-release'
 [sqlite3]='sqlite3 $W/db.sqlite "create table if not exists t(x); insert into t values(1); select count(*) from t;"'
 [node]='node -e "const c=require(\"crypto\"); setTimeout(()=>console.log(c.randomBytes(4).toString(\"hex\")),10)"'
 [runc-spec]='sh -c "rm -f config.json && runc spec && test -s config.json"'
 [gzip]='sh -c "gzip -c /etc/os-release > $W/r.gz"'
 [jq]='jq -n 1'
 [sample-pthreads]='$B/tests/sample'
 [sample32-static-ia32]='$B/tests/sample32'
 [ssh-keygen]='sh -c "rm -f $W/k $W/k.pub; ssh-keygen -q -t ed25519 -N \"\" -f $W/k"'
)
printf "| program | names / argument rules (1 run) | ok under it /20 | names / argument rules (3 runs) | ok under it /20 |\n|---|---|---|---|---|\n"
for k in python3 git tar openssl perl curl sqlite3 node runc-spec gzip jq ssh-keygen sample-pthreads sample32-static-ia32; do
  cmd=${C[$k]}
  first=$(eval echo "${cmd%% *}")
  command -v "$first" >/dev/null 2>&1 || { printf "| %s | not installed | | | |\n" "$k"; continue; }
  rm -f one.json three.json
  eval "$S record -o one.json -- $cmd" >/dev/null 2>&1
  for i in 1 2 3; do eval "$S record -a -o three.json -- $cmd" >/dev/null 2>&1; done
  n1=$(python3 -c 'import json;d=json.load(open("one.json"))["syscalls"];print(len({n for r in d if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"]}), "/", sum(1 for r in d if "args" in r))' 2>/dev/null)
  n3=$(python3 -c 'import json;d=json.load(open("three.json"))["syscalls"];print(len({n for r in d if r["action"]=="SCMP_ACT_ALLOW" for n in r["names"]}), "/", sum(1 for r in d if "args" in r))' 2>/dev/null)
  ok1=0; ok3=0
  for i in $(seq 20); do eval "$S exec --profile one.json -- $cmd" >/dev/null 2>&1 && ok1=$((ok1+1)); eval "$S exec --profile three.json -- $cmd" >/dev/null 2>&1 && ok3=$((ok3+1)); done
  printf "| %s | %s | %s | %s | %s |\n" "$k" "$n1" "$ok1" "$n3" "$ok3"
done
