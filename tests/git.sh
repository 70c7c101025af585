# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# propose on a hostile repository, sourced by tests/run: a real git repository whose configuration
# (.git/config, config.worktree, included files, a submodule's own config) names more than 50 commands of
# the kinds git can run. propose must push its branch and run none of them.

# hostile key $2 in config file $1: a command that records that it ran (git config's own syntax)
hostile_key() {
	local label=${2//[^A-Za-z0-9._-]/_}

	ln -sf "$HD/evil.sh" "$HD/bin/$label" && git config --file "$1" "$2" "$HD/bin/$label" && HN=$((HN + 1))
}

# the same for a key git config does not write (odd subsection names): raw text, section $2,
# marker $3, variable $4
hostile_raw() {
	ln -sf "$HD/evil.sh" "$HD/bin/$3" && printf '[%s]\n\t%s = %s\n' "$2" "$4" "$HD/bin/$3" >>"$1" &&
		HN=$((HN + 1))
}

# a setting that makes git use the commands above (not counted: it runs nothing itself)
hostile_set() { git config --file "$1" "$2" "$3"; }

t_git_hostile() {
	local HD=$T/hostile HN=0
	local R=$T/hostile/remote.git W=$T/hostile/infra O=$T/hostile/obs M=$T/hostile/ran C rc out ran now sig k h i
	local G="git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c user.name=t -c user.email=t@t"
	command -v git >/dev/null || { skip git_hostile "git is not installed (bash .ci/deps installs it)"; return; }
	[ "$(uname -m)" = x86_64 ] || { skip git_hostile "syscall numbers below are x86_64's"; return; }
	mkdir -p "$O" "$M" "$HD/bin" "$HD/hooks" "$W/security/seccomp" || { fail git_hostile_setup "mkdir $HD"; return; }
	now=$(date +%s)
	# observed: read write exit_group; the committed profile allows read exit_group: write is added
	python3 - "$O/state.json" "$now" <<-'PY' || { fail git_hostile_setup "state file"; return; }
	import json, sys
	t = int(sys.argv[2])
	json.dump({"format": "syscensus-state", "version": 1, "started": t, "saved": t, "images": [
	    {"image": "example/app:1", "first_seen": t - 3600, "last_seen": t, "containers_total": 1,
	     "containers": [{"id": "ab" * 32, "name": "c1", "first_seen": t - 3600, "last_seen": t}],
	     "calls": [[1, 0, n, 5, t - 3600, t] for n in (0, 1, 231)]}]}, open(sys.argv[1], "w"))
	PY
	echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["exit_group","read"],"action":"SCMP_ACT_ALLOW"}]}' \
		>"$W/security/seccomp/example%2Fapp%3A1.json"
	# one file per filter driver, files for the diff and merge drivers
	for i in f1 f2 f3 f4 f5 f7 f8 eq; do echo "$i" >"$W/a.$i"; done
	echo text >"$W/a.tc" && echo text >"$W/a.mg"
	printf '*.%s filter=%s\n' f1 f1 f2 f2 f3 f3 f4 f4 f5 f5 f7 f7 f8 f8 eq 'x=y' >"$W/.gitattributes"
	printf '*.tc diff=d1\n*.mg merge=m1\n' >>"$W/.gitattributes"
	# a submodule, populated, with a filter driver in its own configuration (set below)
	git init -q -b main "$HD/sub" && echo s >"$HD/sub/f" && echo 'f filter=sf' >"$HD/sub/.gitattributes" &&
		$G -C "$HD/sub" add -A && $G -C "$HD/sub" commit -qm sub ||
		{ fail git_hostile_setup "submodule repository"; return; }
	git init -q --bare -b main "$R" && $G init -q -b main "$W" && $G -C "$W" add -A &&
		$G -c protocol.file.allow=always -C "$W" submodule -q add "$HD/sub" s && $G -C "$W" commit -qm init ||
		{ fail git_hostile_setup "git setup failed"; return; }
	# the base commit carries a (bogus) signature: log.showSignature would verify it with gpg.program
	sig=$(git -C "$W" cat-file commit HEAD | awk '!done && /^committer / { print; print "gpgsig -----BEGIN PGP SIGNATURE-----"
		print " "; print " iQ=="; print " -----END PGP SIGNATURE-----"; done = 1; next } { print }' |
		git -C "$W" hash-object -t commit -w --stdin) && git -C "$W" update-ref refs/heads/main "$sig" &&
		$G -C "$W" remote add origin "$R" && $G -C "$W" push -q origin main 2>/dev/null ||
		{ fail git_hostile_setup "signed commit, push"; return; }
	# the fetching side of propose lists its alternates' refs with core.alternateRefsCommand
	echo "$R/objects" >"$W/.git/objects/info/alternates"

	# every hostile command records that it ran, then passes its input through
	printf '#!/bin/sh\n: >"%s/$(basename "$0")"\ncat\n' "$M" >"$HD/evil.sh" && chmod +x "$HD/evil.sh"
	for h in pre-commit post-commit post-checkout reference-transaction pre-push post-merge pre-auto-gc \
		post-index-change fsmonitor-watchman; do
		ln -sf "$HD/evil.sh" "$W/.git/hooks/$h" && ln -sf "$HD/evil.sh" "$HD/hooks/$h"
	done
	C=$W/.git/config
	# keys without a subsection, in the repository's own configuration
	for k in core.fsmonitor core.sshCommand core.askPass core.editor core.pager core.gitProxy \
		core.alternateRefsCommand sequence.editor diff.external credential.helper gpg.program \
		gpg.ssh.defaultKeyCommand interactive.diffFilter web.browser sendemail.smtpServer sendemail.toCmd \
		imap.tunnel uploadpack.packObjectsHook pager.log pager.status; do
		hostile_key "$C" "$k" || { fail git_hostile_setup "git config $k"; return; }
	done
	hostile_set "$C" core.hooksPath "$HD/hooks" && hostile_set "$C" commit.gpgSign true && hostile_set "$C" tag.gpgSign true &&
		hostile_set "$C" log.showSignature true && hostile_set "$C" hook.h1.event pre-commit && hostile_set "$C" diff.ignoreSubmodules none &&
		hostile_set "$C" fetch.recurseSubmodules true && hostile_set "$C" submodule.s.ignore none ||
		{ fail git_hostile_setup "git config"; return; }
	# keys with a subsection: drivers, tools, helpers, remotes
	for k in filter.f1.clean filter.f1.smudge filter.f2.clean filter.f2.smudge filter.f3.process \
		diff.d1.textconv diff.d1.command merge.m1.driver mergetool.t1.cmd mergetool.t1.path difftool.t1.cmd \
		difftool.t1.path gpg.ssh.program gpg.x509.program credential.https://example.com.helper \
		remote.origin.uploadpack remote.origin.receivepack browser.b1.cmd man.m1.cmd trailer.t1.command \
		hook.h1.command; do
		hostile_key "$C" "$k" || { fail git_hostile_setup "git config $k"; return; }
	done
	hostile_set "$C" filter.f1.required true && hostile_set "$C" filter.f3.required true || { fail git_hostile_setup "git config"; return; }
	# subsection names that "-c key=value" overrides mangle ("=": -c splits at the first one) or
	# that a line-based listing could split: a carriage return, quotes, a backslash. (git refuses a
	# newline in a subsection name, in config files and in git config alike: that case cannot be built.)
	hostile_key "$C" 'filter.x=y.clean' && hostile_raw "$C" "filter \"f6$(printf '\r')x\"" f6.cr clean &&
		hostile_raw "$C" 'filter "q\"u\\o"' f6.quote clean && hostile_raw "$C" 'remote "=."' remote.eq uploadpack ||
		{ fail git_hostile_setup "odd subsection names"; return; }
	# keys in included files: an unconditional include, and one for the checked-out branch
	hostile_key "$HD/inc.config" filter.f4.clean && hostile_key "$HD/inc.config" filter.f4.smudge &&
		hostile_key "$HD/inc.config" diff.d2.textconv && hostile_key "$HD/inc.config" pager.diff &&
		hostile_key "$HD/inc-main.config" filter.f5.clean && hostile_set "$C" include.path "$HD/inc.config" &&
		hostile_set "$C" includeIf.onbranch:main.path "$HD/inc-main.config" ||
		{ fail git_hostile_setup "included files"; return; }
	# keys in the worktree's own configuration (extensions.worktreeConfig: not part of --local)
	hostile_set "$C" core.repositoryformatversion 1 && hostile_set "$C" extensions.worktreeConfig true &&
		hostile_key "$W/.git/config.worktree" filter.f7.clean && hostile_key "$W/.git/config.worktree" filter.f8.smudge ||
		{ fail git_hostile_setup "worktree configuration"; return; }
	# the submodule's own configuration: git status enters populated submodules
	hostile_key "$W/.git/modules/s/config" filter.sf.clean || { fail git_hostile_setup "submodule configuration"; return; }
	# every tracked file stat-dirty: git status hashes it again, through its clean filter
	sleep 1 && touch "$W"/a.* "$W/s/f"

	"$SC" propose --repo "$W" --observed "$O" --profiles-subdir security/seccomp --push origin \
		--body-file "$HD/pr.md" --branch syscensus/hostile </dev/null >"$HD/p.out" 2>&1; rc=$?
	if [ $rc = 0 ] && git --git-dir "$R" rev-parse -q --verify refs/heads/syscensus/hostile >/dev/null; then
		pass git_hostile_propose_pushes
	else
		out=$(tail -n 5 "$HD/p.out" | tr '\n' ' ')
		fail git_hostile_propose_pushes \
			"got exit $rc and no branch on the remote: $out expected exit 0 and refs/heads/syscensus/hostile"
	fi
	ran=$(ls "$M" | tr '\n' ' ')
	[ -z "$ran" ] && pass "git_hostile_runs_nothing ($HN hostile keys)" ||
		fail git_hostile_runs_nothing "got $(ls "$M" | wc -l) of $HN hostile commands run: ${ran}expected none"

	# more keys naming commands than can be overridden (a small repository; HOME without a
	# configuration, so that the count is exact): refused, naming the repository and the count
	rm -f "$M"/*
	for i in $(seq 1 4097); do
		printf '[filter "b%d"]\n\tclean = %s\n' "$i" "$HD/bin/bound.clean"
	done >"$HD/many.config"
	ln -sf "$HD/evil.sh" "$HD/bin/bound.clean" && mkdir -p "$HD/home" && git init -q -b main "$HD/many" &&
		echo '* filter=b4097' >"$HD/many/.gitattributes" && $G -C "$HD/many" add -A &&
		$G -C "$HD/many" commit -qm x && hostile_set "$HD/many/.git/config" include.path "$HD/many.config" &&
		sleep 1 && touch "$HD/many/.gitattributes" ||
		{ fail git_hostile_setup "repository with 4097 filter drivers"; return; }
	out=$(HOME=$HD/home "$SC" propose --repo "$HD/many" --observed "$O" --profiles-subdir security/seccomp \
		--branch syscensus/bound </dev/null 2>&1); rc=$?
	if [ $rc = 1 ] && [[ $out == *"$HD/many"*4097* ]] && [ -z "$(ls "$M")" ] &&
		! git -C "$HD/many" rev-parse -q --verify refs/heads/syscensus/bound >/dev/null; then
		pass git_hostile_refuses_too_many_keys
	else
		out="exit $rc, ran [$(ls "$M" | tr '\n' ' ')]: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
		fail git_hostile_refuses_too_many_keys \
			"got $out expected exit 1, an error naming $HD/many and 4097, nothing run"
	fi
}
