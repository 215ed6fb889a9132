#!/usr/bin/env bash
# s3-test-server.sh starts a real S3-compatible server (versitygw v1.8.0, posix
# backend) on loopback for the blob store tests, and prints on stdout the
# TEST_S3_URL to use:
#
#   export TEST_S3_URL=$(scripts/s3-test-server.sh)      # start (idempotent)
#   go test ./storage/blob/
#   scripts/s3-test-server.sh stop                       # stop the server it started
#
# Usage: s3-test-server.sh [DIR]        start; state in DIR (default ./.test-s3):
#                                       DIR/data (buckets), DIR/versitygw.pid, DIR/versitygw.log
#        s3-test-server.sh stop [DIR]   stop the server whose pid is in DIR/versitygw.pid
# Environment: S3_PORT (default 7070). versitygw is installed with `go install`
# when it is neither on PATH nor in $(go env GOPATH)/bin. If something already
# answers on the port, nothing is started. The tests create the bucket (create=1).
set -euo pipefail

VERSION=v1.8.0
PORT=${S3_PORT:-7070}
ACCESS=hukou
SECRET=hukousecret
BUCKET=hukou-test

log() { printf 's3-test-server: %s\n' "$*" >&2; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

print_url() {
	printf 's3://%s:%s@%s?endpoint=http://127.0.0.1:%s&region=us-east-1&create=1\n' \
		"$ACCESS" "$SECRET" "$BUCKET" "$PORT"
}

find_versitygw() {
	if command -v versitygw >/dev/null 2>&1; then
		command -v versitygw
		return
	fi
	local gobin
	gobin="$(go env GOBIN)"
	[ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
	if [ ! -x "$gobin/versitygw" ]; then
		log "installing versitygw $VERSION into $gobin (about 80 s cold)"
		(cd / && GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$VERSION") >&2
	fi
	echo "$gobin/versitygw"
}

# is_versitygw PID: the process exists and runs versitygw (never kill a recycled pid).
is_versitygw() {
	[ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q versitygw
}

stop() {
	local dir=${1:-./.test-s3} pid
	if [ ! -f "$dir/versitygw.pid" ]; then
		log "no $dir/versitygw.pid: nothing to stop"
		return 0
	fi
	pid=$(cat "$dir/versitygw.pid")
	if is_versitygw "$pid"; then
		kill "$pid"
		for _ in $(seq 50); do
			is_versitygw "$pid" || break
			sleep 0.1
		done
		if is_versitygw "$pid"; then
			log "pid $pid did not stop after 5 s"
			return 1
		fi
		log "stopped versitygw (pid $pid)"
	else
		log "pid $pid is not running versitygw; removing stale pid file"
	fi
	rm -f "$dir/versitygw.pid"
}

start() {
	local dir=${1:-./.test-s3} bin pid
	if answers; then
		log "something already answers on 127.0.0.1:$PORT; not starting another server"
		print_url
		return 0
	fi
	bin=$(find_versitygw)
	mkdir -p "$dir/data"
	dir=$(cd "$dir" && pwd)
	# setsid + nohup: the server outlives this script and the terminal.
	setsid nohup "$bin" --quiet --port "127.0.0.1:$PORT" --access "$ACCESS" --secret "$SECRET" \
		posix "$dir/data" >"$dir/versitygw.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$dir/versitygw.pid"
	for _ in $(seq 150); do # 15 s
		if answers; then
			log "versitygw $VERSION (pid $pid) listening on 127.0.0.1:$PORT, data in $dir/data"
			print_url
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			log "versitygw exited; last lines of $dir/versitygw.log:"
			tail -n 20 "$dir/versitygw.log" >&2 || true
			rm -f "$dir/versitygw.pid"
			return 1
		fi
		sleep 0.1
	done
	log "versitygw did not answer on 127.0.0.1:$PORT within 15 s; see $dir/versitygw.log"
	kill "$pid" 2>/dev/null || true
	rm -f "$dir/versitygw.pid"
	return 1
}

case "${1:-}" in
stop) stop "${2:-}" ;;
-h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
*) start "${1:-}" ;;
esac
