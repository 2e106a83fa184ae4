# gomod-doctor probe agent. POSIX sh: runs under dash, bash and busybox ash.
#
# Phase 1 prints facts about the image (user, tools, resolver, `go env -json`), then
# `@gmd ready`. Phase 2 reads a plan from stdin (written by the host, see
# src/agent/plan-wire.ts) and probes every target in parallel, each step bounded.
#
# Wire format (parsed by src/agent/parse.ts): blocks of
#   @gmd begin <id> / @gmd kv <key> <value> / | <raw output line> / @gmd end <id>
# Raw output is always prefixed with "| " so nothing a server or the image prints can
# pass for a marker. The agent measures; it never judges.

set -f # no globbing anywhere: values from the plan and the image are data
# The host runs this script as `sh -c SCRIPT /.gomod-doctor/agent.sh` and copies the files
# it hands over (extra-ca.pem, netrc, git-token, ssh-key) into that directory while the
# facts run; they are there before the plan arrives. (A --mode build step runs the file.)
case $0 in */*) AGENT_DIR=${0%/*}; AGENT_DIR=${AGENT_DIR:-/} ;; *) AGENT_DIR=. ;; esac
# The work directory: a fresh temporary directory, removed on exit.
W=$(mktemp -d 2>/dev/null) || { W=/tmp/gmd.$$; mkdir -m 700 "$W" 2>/dev/null; } || { W="$AGENT_DIR/w.$$"; mkdir -p "$W" 2>/dev/null; } || {
  echo "gomod-doctor agent: no writable temporary directory (/tmp) for $(id -un 2>/dev/null || id -u)" >&2; exit 3; }
# The go command's caches are read-only without -modcacherw: make them writable to remove them.
trap 'chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
# on_path NAME: set p to NAME's file on PATH, as `command -v` would, without its subshell.
on_path() {
  p=; _ifs=$IFS; IFS=:
  for _d in $PATH; do [ -f "${_d:-.}/$1" ] && [ -x "${_d:-.}/$1" ] && { p=${_d:-.}/$1; break; }; done
  IFS=$_ifs
  [ -n "$p" ]
}

# --- a clock, whatever the image has ---------------------------------------------
# `stamp VAR` sets VAR to the time in ms without a fork where the shell allows: a fork
# costs a container 5-10 ms of CPU, every step takes two stamps, and every target's
# steps run at once. EPOCHREALTIME (bash 5, busybox ash) is exact and costs nothing.
# dash has no clock of its own: /proc/uptime costs nothing but counts in 10 ms, which
# is within what forking `date` for each stamp added to the steps it timed under load.
CLOCK=seconds
# shellcheck disable=SC3028 # read only where the shell sets it; empty under dash
case ${EPOCHREALTIME-} in
  [0-9]*[.,][0-9][0-9][0-9]*) CLOCK=epoch ;;
  *) if [ -r /proc/uptime ]; then CLOCK=uptime
     else
       case $(date +%s%N 2>/dev/null) in
         *[!0-9]* | '') if have ts && [ -n "$(echo | ts '%.s' 2>/dev/null)" ]; then CLOCK=ts; fi ;;
         *) CLOCK='date' ;;
       esac
     fi ;;
esac
# shellcheck disable=SC3028
stamp() {
  case $CLOCK in
    epoch) _st=$EPOCHREALTIME; _sf=${_st#*[.,]}; _st=${_st%%[.,]*}${_sf%"${_sf#???}"} ;;
    date) _st=$(date +%s%N); _st=${_st%??????} ;;
    ts) _st=$(echo | ts '%.s'); _st=${_st%% *}; _sf=${_st#*.}; _st=${_st%.*}${_sf%???} ;;
    uptime) read -r _st _ </proc/uptime; _st=${_st%.*}${_st#*.}0 ;;
    *) _st=$(date +%s)000 ;;
  esac
  eval "$1=\$_st"
}
# The variables stamp sets (through eval, which shellcheck cannot follow).
t0=0; t1=0; p0=0; p1=0; now=0; ms=0

# --- bounded execution ----------------------------------------------------------
# bounded SECS CMD...: run CMD, killing it after SECS (exit 124 then).
bounded() {
  secs=$1; shift
  if have timeout; then timeout "$secs" "$@"; return $?; fi
  "$@" &
  cpid=$!
  (sleep "$secs" 2>/dev/null || sleep "${secs%.*}"; kill -9 "$cpid") >/dev/null 2>&1 &
  kpid=$!
  wait "$cpid"; rc=$?
  kill "$kpid" 2>/dev/null
  [ "$rc" -ge 128 ] && rc=124
  return "$rc"
}

# --- stopping a job the host no longer needs -----------------------------------
# stoppable KEY SECS CMD...: `bounded`, with the pid left in $W/KEY.pid so that a
# `stop KEY` line from the host (stop_job) can end it early. GNU timeout runs CMD in
# its own process group: stop_job signals the group, the go command's children too.
# SECS "-": CMD bounds itself (curl --max-time), so no `timeout` process runs beside it.
stoppable() {
  key=$1; secs=$2; shift 2
  if [ "$secs" = - ]; then "$@" &
  elif have timeout; then timeout "$secs" "$@" & else bounded "$secs" "$@" & fi
  spid=$!
  echo "$spid" >"$W/$key.pid"
  # A stop that came before the pid file was written: the job ends itself.
  [ -e "$W/$key.stop" ] && stop_pid "$spid"
  wait "$spid"
}
stop_pid() { kill -TERM "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null; }
# stop_job KEY: mark the job stopped (its block says so), then end what it runs.
stop_job() {
  : >"$W/$1.stop"
  [ -s "$W/$1.pid" ] && { read -r p <"$W/$1.pid"; stop_pid "$p"; }
  return 0
}
# After the plan, stdin carries `stop KEY` lines until the host has every answer.
# Run in the background: fd 8 is the agent's stdin (an asynchronous list's own stdin
# is /dev/null). fd 9, the printer's FIFO, is closed with exec, not with a redirection
# on the call: dash keeps a saved copy of a redirected fd, and the printer would then
# never see its last writer go.
stop_listener() {
  exec 9>&- <&8 8<&-
  while read -r kind a _; do [ "$kind" = stop ] && stop_job "$a"; done
}

# --- output ---------------------------------------------------------------------
# raw FILE [MAX] [PREFIX]: print at most MAX lines of FILE, each prefixed, PEM bodies dropped.
raw() {
  n=0; inpem=0; max=${2:-60}; pre=${3:-|}
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      *'-----BEGIN '*) inpem=1; continue ;;
      *'-----END '*) inpem=0; continue ;;
    esac
    [ "$inpem" = 1 ] && continue
    n=$((n + 1)); [ "$n" -gt "$max" ] && { echo "@gmd kv truncated 1"; break; }
    printf '%s %s\n' "$pre" "$line"
  done <"$1"
}
# first_bytes FILE N: at most the first N bytes of FILE. For output a server or the image
# controls: `read` takes a line byte by byte, and one 5 MB line cost it 2.4 s.
first_bytes() { dd if="$1" bs="$2" count=1 2>/dev/null || cat "$1"; }
# emit FILE: print a finished block whole. Phase 2's jobs run in parallel: each hands
# its block's name to one printer through a FIFO (a short line is one atomic write), so
# no job waits for another's output. Without mkfifo, a mkdir lock keeps blocks whole
# (polling for it cost a job up to 100 ms with 10 jobs at once).
PRINTER=
emit() { # FILE [long]
  if [ -n "$PRINTER" ]; then echo "${2:--} $1" >&9; return; fi
  while ! mkdir "$W/lock" 2>/dev/null; do sleep 0.01 2>/dev/null || sleep 1; done
  cat "$1"
  rmdir "$W/lock"
}
# The printer reads until every writer of the FIFO is gone: the jobs (fd 9 is inherited)
# and this shell, which closes its end in stop_printer. This shell opens the FIFO read-write
# first, which never blocks: a write-only open blocks until the reader opens, and a child
# exiting meanwhile (SIGCHLD) made busybox sh fail the open with EINTR and the agent exit.
start_printer() {
  have mkfifo && mkfifo -m 600 "$W/q" 2>/dev/null || return 0
  exec 9<>"$W/q"
  # A short block is copied with builtins (a `cat` was a fork per step); a long one (TLS,
  # fetch) with cat: the shell's `read` takes a byte per system call.
  while IFS=' ' read -r how f; do
    if [ "$how" = long ]; then cat "$f"; else while IFS= read -r l; do printf '%s\n' "$l"; done <"$f"; fi
  done <"$W/q" 9>&- &
  PRINTER=$!
}
stop_printer() {
  [ -n "$PRINTER" ] || return 0
  exec 9>&-
  wait "$PRINTER"
  PRINTER=
}

# --- phase 1: facts ---------------------------------------------------------------
facts() {
  # The go command is the slowest fact to start: it runs while the others are gathered.
  GOENV_PID=
  if have go; then (cd "$W" && bounded "$T" go env -json) >"$W/goenv" 2>&1 & GOENV_PID=$!; fi
  # git's settings too (creds reads them): one git for both, keys lower-cased, URLs as written.
  GITCFG_PID=
  if have git; then (cd "$W" && git config --get-regexp '^(credential\.helper|url\..*\.insteadof)$' 2>/dev/null) | mask >"$W/gitcfg" & GITCFG_PID=$!; fi
  echo "@gmd begin facts"
  # /proc first: a builtin read, where `id` is a fork each.
  uid=; gid=
  [ -r /proc/self/status ] && while read -r k a _; do case $k in Uid:) uid=$a ;; Gid:) gid=$a ;; esac; done </proc/self/status
  [ -n "$uid" ] || uid=$(id -u 2>/dev/null)
  [ -n "$gid" ] || gid=$(id -g 2>/dev/null)
  echo "@gmd kv uid $uid"
  echo "@gmd kv gid $gid"
  user=; [ -r /etc/passwd ] && while IFS=: read -r n _ u _; do [ "$u" = "$uid" ] && { user=$n; break; }; done </etc/passwd
  [ -n "$user" ] || user=$(id -un 2>/dev/null)
  echo "@gmd kv user $user"
  echo "@gmd kv home ${HOME-}"
  # The wall clock (TLS checks compare it with this machine's): the uptime clock is not one.
  if [ "$CLOCK" = epoch ]; then stamp now; else now=$(date +%s)000; fi
  echo "@gmd kv clock_ms $now"
  echo "@gmd kv clock_source $CLOCK"
  [ -r /etc/os-release ] && while IFS='=' read -r k v; do
    [ "$k" = ID ] && { v=${v#[\"\']}; echo "@gmd kv os ${v%[\"\']}"; }
  done </etc/os-release
  for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    [ -r "$f" ] && { echo "@gmd kv ca_bundle $f"; break; }
  done
  for t in bash getent nslookup nc curl wget openssl timeout go git ssh; do
    on_path "$t" && echo "@gmd kv tool.$t $p"
  done
  if have wget; then wget --help 2>&1 | grep -q BusyBox && echo "@gmd kv flavor.wget busybox"; fi
  if have nc; then nc -h 2>&1 | grep -q BusyBox && echo "@gmd kv flavor.nc busybox"; fi
  echo "@gmd end facts"
  for f in /etc/resolv.conf /etc/hosts; do
    echo "@gmd begin file:$f"
    if [ -r "$f" ]; then raw "$f"; else echo "@gmd kv missing 1"; fi
    echo "@gmd end file:$f"
  done
  creds
  echo "@gmd begin goenv"
  if [ -n "$GOENV_PID" ]; then
    wait "$GOENV_PID"
    echo "@gmd kv rc $?"
    first_bytes "$W/goenv" 262144 >"$W/goenv.head"; raw "$W/goenv.head" 400
  else
    echo "@gmd kv rc 127"
  fi
  echo "@gmd end goenv"
}

# creds: which git/ssh credentials the user has. Presence and host names only: no
# login, password, token or key material is ever printed.
creds() {
  h=${HOME:-/}
  echo "@gmd begin creds"
  if [ -r "$h/.netrc" ]; then
    echo "@gmd kv netrc 1"
    tr -s ' \t' '\n\n' <"$h/.netrc" | awk '
      want { print "@gmd kv netrc_machine " $0; want = 0; next }
      $0 == "machine" { want = 1 }
      $0 == "default" { print "@gmd kv netrc_default 1" }'
  fi
  if [ -n "$GITCFG_PID" ]; then
    wait "$GITCFG_PID"
    while read -r k v; do
      case $k in
        # A helper may be an inline script holding a token: name it, never print it.
        credential.helper) case $v in '!'*) echo "@gmd kv cred_helper (inline command)" ;; '') ;; *) echo "@gmd kv cred_helper ${v%% *}" ;; esac ;;
        url.*) k=${k#url.}; echo "@gmd kv insteadof ${k%.[iI][nN][sS][tT][eE][aA][dD][oO][fF]} $v" ;;
      esac
    done <"$W/gitcfg"
  fi
  for f in id_rsa id_ecdsa id_ed25519 id_ecdsa_sk id_ed25519_sk id_dsa; do
    [ -e "$h/.ssh/$f" ] && echo "@gmd kv ssh_key $f"
  done
  { [ -s "$h/.ssh/known_hosts" ] || [ -s /etc/ssh/ssh_known_hosts ]; } && echo "@gmd kv known_hosts 1"
  [ -n "${SSH_AUTH_SOCK-}" ] && [ -S "$SSH_AUTH_SOCK" ] && echo "@gmd kv ssh_agent 1"
  echo "@gmd end creds"
}

# mask: hide credentials in URLs (scheme://user:secret@host) on stdin.
mask() { sed 's#://[^/@[:space:]]*@#://***@#g'; }
# has_userinfo URL: whether URL holds what mask hides (an @ before its path; a module
# path's /@v/ is not one). A test with builtins: most URLs need no sed.
has_userinfo() { _a=${1#*://}; case ${_a%%/*} in *@*) return 0 ;; esac; return 1; }

# --- phase 2: probes ----------------------------------------------------------------
# Set CA to a bundle the TLS tools trust: the image's own roots plus --ca-cert's (git
# and the go command get this file). openssl and curl get the same roots as TLSCA/TLSDIR:
# they parse their CA file on every start, and a 200 KB system bundle cost each TLS and
# HTTP step 20-40 ms of CPU, more than the handshake it timed. When the bundle's directory
# is OpenSSL's hashed store holding the same roots (as many hash links as certificates:
# a certificate appended to the bundle by hand is not there), they look roots up in it
# on demand and read only --ca-cert's file, or one root from the store (curl would
# otherwise read its default bundle anyway).
system_roots() {
  CA=
  for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    [ -r "$f" ] && { CA=$f; break; }
  done
  TLSCA=$CA; TLSDIR=
  if [ -n "$CA" ]; then
    d=${CA%/*}
    # OpenSSL's hashed names are hex and digits only: no name here needs a glob's care.
    # shellcheck disable=SC2010
    ls "$d" 2>/dev/null | grep '^[0-9a-f]\{8\}\.[0-9][0-9]*$' >"$W/hashes"
    one=; n=0; while read -r h; do [ -z "$one" ] && one=$h; n=$((n + 1)); done <"$W/hashes"
    if [ -n "$one" ] && [ "$n" = "$(grep -c 'BEGIN CERTIFICATE' "$CA")" ]; then
      TLSDIR=$d; TLSCA=$d/$one
    fi
  fi
}
# with_extra_ca: add --ca-cert's file (copied in after the start) to the roots.
with_extra_ca() {
  if [ -r "$AGENT_DIR/extra-ca.pem" ]; then
    cat ${CA:+"$CA"} "$AGENT_DIR/extra-ca.pem" >"$W/ca.pem"
    CA="$W/ca.pem"
    if [ -n "$TLSDIR" ]; then TLSCA="$AGENT_DIR/extra-ca.pem"; else TLSCA=$CA; fi
  fi
}

# hosts_lookup HOST: addresses /etc/hosts gives HOST (as --add-host writes them).
hosts_lookup() {
  [ -r /etc/hosts ] || return 0
  while read -r ip names; do
    case $ip in '' | '#'*) continue ;; esac
    for n in $names; do
      case $n in '#'*) break ;; esac
      [ "$n" = "$1" ] && echo "$ip"
    done
  done </etc/hosts
}

probe_dns() { # key host
  out="$W/$1.dns"
  hosts_lookup "$2" >"$W/$1.hosts"
  stamp t0
  # An address needs no lookup (busybox nslookup would try a reverse lookup and fail).
  lit=; case $2 in *:*) lit=1 ;; *[!0-9.]*) ;; *.*.*.*) lit=1 ;; esac
  if [ -n "$lit" ]; then tool=literal; CMD="(an address: no lookup)"; echo "$2" >"$W/$1.raw"; true
  elif have getent; then tool=getent; CMD="getent ahosts $2"; bounded "$T" getent ahosts "$2" >"$W/$1.raw" 2>&1
  elif [ -s "$W/$1.hosts" ]; then tool=hosts-file; CMD="read /etc/hosts"; cp "$W/$1.hosts" "$W/$1.raw"; true
  elif have nslookup; then tool=nslookup; CMD="nslookup $2"; bounded "$T" nslookup "$2" >"$W/$1.raw" 2>&1
  else tool=none; CMD=-; : >"$W/$1.raw"; false; fi
  rc=$?; stamp t1
  { echo "@gmd begin dns:$1"
    echo "@gmd kv tool $tool"; echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"; echo "@gmd kv cmd $CMD"
    while read -r a; do echo "@gmd kv hosts $a"; done <"$W/$1.hosts"
    raw "$W/$1.raw"
    echo "@gmd end dns:$1"; } >"$out"
  emit "$out"
  # Addresses for the next step, in the resolver's order, each once (getent prints three
  # lines per address). Shell builtins: every fork costs, times every target, at once.
  found="$W/$1.raw"
  if [ "$tool" = nslookup ]; then
    found="$W/$1.found"
    sed -n '/^Name:/,$ s/^Address:[[:space:]]*\([0-9a-fA-F.:]*\)$/\1/p' "$W/$1.raw" >"$found"
  fi
  seen=' '
  while read -r a _; do
    case $seen in *" $a "*) ;; *) [ -n "$a" ] && { seen="$seen$a "; echo "$a"; } ;; esac
  done <"$found" >"$W/$1.addrs"
}

probe_tcp_one() { # key idx address port
  stamp t0
  if have bash; then tool=bash; bounded "$T" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$3" "$4" >"$W/$1.tcp$2" 2>&1
  elif have nc; then tool=nc; bounded "$T" nc -w "$TI" "$3" "$4" </dev/null >"$W/$1.tcp$2" 2>&1
  else tool=none; false; fi
  rc=$?; stamp t1
  # One line per attempt, the tool's last message at its end (attempts run in parallel).
  msg=; while IFS= read -r l || [ -n "$l" ]; do msg=$l; done <"$W/$1.tcp$2"
  printf '@gmd kv attempt %s %s %s %s %s %s %s\n' "$2" "$3" "$4" "$rc" "$((t1 - t0))" "$tool" "$msg" >"$W/$1.tcpres$2"
}

probe_tcp() { # key port -> sets CONNECTED to the first address that connected
  # The first two IPv4 and the first two IPv6 addresses, in that order.
  v4=; v6=; n4=0; n6=0
  while read -r a; do
    case $a in
      *:*) [ "$n6" -lt 2 ] && { v6="$v6 $a"; n6=$((n6 + 1)); } ;;
      ?*) [ "$n4" -lt 2 ] && { v4="$v4 $a"; n4=$((n4 + 1)); } ;;
    esac
  done <"$W/$1.addrs"
  # One address (the common case) is dialled in this shell: no fork for the job.
  i=0
  case $v4$v6 in
    ' '*' '*) for a in $v4 $v6; do probe_tcp_one "$1" "$i" "$a" "$2" & i=$((i + 1)); done; wait ;;
    ?*) probe_tcp_one "$1" 0 $v4$v6 "$2"; i=1 ;;
  esac
  CONNECTED=
  { echo "@gmd begin tcp:$1"; j=0
    while [ "$j" -lt "$i" ]; do
      IFS= read -r line <"$W/$1.tcpres$j"; printf '%s\n' "$line"
      # @gmd kv attempt IDX ADDRESS PORT RC ...
      read -r _ _ _ _ addr _ rc _ <"$W/$1.tcpres$j"
      [ -z "$CONNECTED" ] && [ "$rc" = 0 ] && CONNECTED=$addr
      j=$((j + 1))
    done
    echo "@gmd end tcp:$1"; } >"$W/$1.tcpblock"
  emit "$W/$1.tcpblock"
}

probe_tls() { # key host port address
  case $4 in *:*) b="[$4]" ;; *) b=$4 ;; esac
  stamp t0
  if have openssl; then
    tool=openssl; CMD="openssl s_client -connect $b:$3 -servername $2 -verify_hostname $2${TLSCA:+ -CAfile $TLSCA}${TLSDIR:+ -CApath $TLSDIR}"
    bounded "$T" openssl s_client -connect "$b:$3" -servername "$2" -verify_hostname "$2" \
      ${TLSCA:+-CAfile "$TLSCA"} ${TLSDIR:+-CApath "$TLSDIR"} </dev/null >"$W/$1.tls" 2>&1
  elif have curl; then
    tool=curl; CMD="curl -sS -v -o /dev/null --noproxy '*' --connect-to $2:$3:$b:$3 https://$2:$3/"
    bounded "$T" curl -sS -v -o /dev/null --max-time "$T" --noproxy '*' ${TLSCA:+--cacert "$TLSCA"} ${TLSDIR:+--capath "$TLSDIR"} \
      --connect-to "$2:$3:$b:$3" "https://$2:$3/" >"$W/$1.tls" 2>&1
  elif have wget && have ssl_client; then
    tool=busybox-wget; CMD="wget -q -O /dev/null https://$2:$3/"
    (unset https_proxy HTTPS_PROXY; bounded "$T" wget -q -O /dev/null "https://$2:$3/") >"$W/$1.tls" 2>&1
  else tool=none; CMD=-; : >"$W/$1.tls"; false; fi
  rc=$?; stamp t1
  { echo "@gmd begin tls:$1"
    echo "@gmd kv tool $tool"; echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"; echo "@gmd kv address $4"; echo "@gmd kv cmd $CMD"
    raw "$W/$1.tls"; echo "@gmd end tls:$1"; } >"$W/$1.tlsblock"
  emit "$W/$1.tlsblock" long
}

# probe_tls_http KEY HOST PORT ADDRESS URL: the TLS and HTTP steps of a direct HTTPS target in
# one curl, to the address TCP reached. curl -v shows the handshake (protocol, certificate,
# verification) and its -w line times it (connect done -> TLS done); openssl's start cost
# each target as much CPU as its handshake. The connect timeout bounds the handshake as the
# TLS step's own bound did, and the request gets the same again. A handshake that fails but
# for a timeout is shown by openssl s_client after all: its chain says who signed what.
probe_tls_http() {
  case $4 in *:*) b="[$4]" ;; *) b=$4 ;; esac
  tool=curl; CMD="curl -sS -v --noproxy '*'${TLSCA:+ --cacert $TLSCA}${TLSDIR:+ --capath $TLSDIR} --connect-to $2:$3:$b:$3 $5"
  if has_userinfo "$5"; then CMD=$(printf '%s' "$CMD" | mask); fi
  stamp t0
  stoppable "$1" - curl -sS -v -o "$W/$1.body" --connect-timeout "$T" --max-time "$((TI * 2))" --noproxy '*' \
    ${TLSCA:+--cacert "$TLSCA"} ${TLSDIR:+--capath "$TLSDIR"} --connect-to "$2:$3:$b:$3" \
    -w '\n@w %{http_code} %{time_starttransfer} %{time_total} %{http_connect} %{size_download} %{time_connect} %{time_appconnect}\n' "$5" >"$W/$1.http" 2>"$W/$1.tls"
  rc=$?; stamp t1
  hs=; while read -r w _ _ _ _ _ tc ta; do [ "$w" = @w ] && { secs_ms "$ta"; [ "$ms" -gt 0 ] && { hs=$ms; secs_ms "$tc"; hs=$((hs - ms)); }; }; done <"$W/$1.http"
  # The handshake's lines of -v (`* ` up to the request: no header goes in the report), and
  # curl's error line, which the http block shows too.
  req=; errl=
  while IFS= read -r l; do
    case $l in
      '> '*) req=1 ;;
      'curl: ('*) errl=$l; [ -z "$req" ] && printf '%s\n' "$l" ;;
      '* '*) [ -z "$req" ] && printf '%s\n' "$l" ;;
    esac
  done <"$W/$1.tls" >"$W/$1.tlshead"
  [ -n "$errl" ] && printf '%s\n' "$errl" >>"$W/$1.http"
  if [ -z "$hs" ] && [ "$rc" != 28 ] && [ ! -e "$W/$1.stop" ] && have openssl; then
    hrc=$rc; h0=$t0; h1=$t1; hcmd=$CMD
    probe_tls "$1" "$2" "$3" "$4"
    tool=curl; rc=$hrc; t0=$h0; t1=$h1; CMD=$hcmd
  else
    { echo "@gmd begin tls:$1"
      echo "@gmd kv tool curl"; echo "@gmd kv rc $rc"; echo "@gmd kv ms ${hs:-$((t1 - t0))}"; echo "@gmd kv address $4"; echo "@gmd kv cmd $CMD"
      raw "$W/$1.tlshead"; echo "@gmd end tls:$1"; } >"$W/$1.tlsblock"
    emit "$W/$1.tlsblock"
  fi
  http_block "$1"
}
# secs_ms SECONDS: set ms to curl's seconds (0.012345) in whole ms, with builtins.
secs_ms() {
  _s=${1%%[.,]*}; _f=${1#"$_s"}; _f=${_f#[.,]}000; _f=${_f%"${_f#???}"}
  case $_s$_f in '' | *[!0-9]*) ms=0 ;; *) ms=$((_s * 1000 + 1$_f - 1000)) ;; esac
}

probe_http() { # key url proxy
  stamp t0
  if have curl; then
    tool=curl
    # The host decided, by Go's rules, whether this request goes through a proxy.
    if [ "$3" = - ]; then via=--noproxy; proxy='*'; else via=--proxy; proxy=$3; fi
    CMD="curl -sS $via $proxy $2"; if has_userinfo "$2" || has_userinfo "$proxy"; then CMD=$(printf '%s' "$CMD" | mask); fi
    # Stoppable: through an HTTP proxy whose own DNS or TCP step timed out, the host ends it.
    stoppable "$1" - curl -sS -o "$W/$1.body" --max-time "$T" "$via" "$proxy" ${TLSCA:+--cacert "$TLSCA"} ${TLSDIR:+--capath "$TLSDIR"} \
      -w '\n@w %{http_code} %{time_starttransfer} %{time_total} %{http_connect} %{size_download}\n' "$2" >"$W/$1.http" 2>&1
  elif have wget; then
    tool=wget; if [ "$3" = - ]; then CMD="wget -S $2"; else CMD=$(printf '%s' "https_proxy=$3 wget -S $2" | mask); fi
    (unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY
     if [ "$3" != - ]; then http_proxy=$3; https_proxy=$3; export http_proxy https_proxy; fi
     # No -T: Debian's static busybox wget segfaults on it, and `bounded` bounds it anyway.
     stoppable "$1" "$T" wget -S -O "$W/$1.body" "$2") >"$W/$1.http" 2>&1
  else tool=none; CMD=-; : >"$W/$1.http"; false; fi
  rc=$?; stamp t1
  http_block "$1"
}

# http_block KEY: the http block from $tool, $rc, $t0, $t1, $CMD, KEY.http (curl's -w line or
# wget's headers) and KEY.body.
http_block() {
  { echo "@gmd begin http:$1"
    echo "@gmd kv tool $tool"; echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"; echo "@gmd kv cmd ${CMD:--}"
    [ -e "$W/$1.stop" ] && echo "@gmd kv stopped 1"
    raw "$W/$1.http"
    if [ -s "$W/$1.body" ]; then
      # curl says how much it wrote: a short body is read as it is, without a dd.
      size=; [ "$tool" = curl ] && while read -r w _ _ _ _ s _; do [ "$w" = @w ] && size=$s; done <"$W/$1.http"
      case $size in
        [0-9] | [0-9][0-9] | [0-9][0-9][0-9] | [0-3][0-9][0-9][0-9] | 40[0-8][0-9] | 409[0-6]) raw "$W/$1.body" 5 '|body' ;;
        *) first_bytes "$W/$1.body" 4096 >"$W/$1.bodyhead"; raw "$W/$1.bodyhead" 5 '|body' ;;
      esac
    fi
    echo "@gmd end http:$1"; } >"$W/$1.httpblock"
  emit "$W/$1.httpblock"
}

# probe_paths: every `fs KEY VARIABLE PATH` line of the plan ($W/fs.plan), in one job: can
# the image user create files where the go command writes? Only a fresh sub-directory of our
# own is created and removed: existing content is never touched. A missing path is judged by
# its nearest existing ancestor, where the go command would have to create it. One `stat`,
# one `df` and one `rm` serve every path (each tool is a fork; five paths, three each, were
# a tenth of the probe's CPU); the directory is made per path, for its own error message.
probe_paths() {
  set --
  while read -r key _ p; do
    e=$p
    # The nearest existing ancestor, by parameter expansion (`dirname` is a fork per level).
    while [ ! -e "$e" ] && [ "$e" != / ] && [ "$e" != . ]; do
      e=${e%/}; case $e in */*) e=${e%/*}; e=${e:-/} ;; *) e=. ;; esac
    done
    echo "$key $e $p" >>"$W/fs.at"
    set -- "$@" "$e"
  done <"$W/fs.plan"
  # Paths hold no blanks (the wire carries none): a line per path, in order.
  stat -c '%u %g %a' "$@" >"$W/fs.stat" 2>/dev/null
  df -Pk "$@" >"$W/fs.df" 2>/dev/null
  n=$#; ok_stat=0; ok_df=0
  while read -r _; do ok_stat=$((ok_stat + 1)); done <"$W/fs.stat"
  while read -r _; do ok_df=$((ok_df + 1)); done <"$W/fs.df"
  # A line missing (a path gone meanwhile) would shift the others: ask per path then.
  [ "$ok_stat" = "$n" ] || : >"$W/fs.stat"
  [ "$ok_df" = "$((n + 1))" ] || : >"$W/fs.df"
  i=0; made=
  while read -r key e p; do
    i=$((i + 1))
    { echo "@gmd begin fs:$key"
      [ -e "$p" ] && echo "@gmd kv exists 1"
      [ -d "$p" ] && echo "@gmd kv dir 1"
      echo "@gmd kv probed_at $e"
      st=; j=0
      if [ -s "$W/fs.stat" ]; then
        while read -r l; do j=$((j + 1)); [ "$j" = "$i" ] && { st=$l; break; }; done <"$W/fs.stat"
      else
        st=$(stat -c '%u %g %a' "$e" 2>/dev/null)
      fi
      [ -n "$st" ] && echo "@gmd kv stat $st"
      if [ -d "$e" ]; then
        d="$e/.gomod-doctor-probe.$$.$key"
        if mkdir "$d" 2>"$W/$key.fserr"; then
          made="$made $d"
          if : >"$d/probe" 2>>"$W/$key.fserr"; then echo "@gmd kv writable 1"; else echo "@gmd kv writable 0"; fi
        else
          echo "@gmd kv writable 0"
        fi
        raw "$W/$key.fserr" 3
      fi
      # df's lines after its header: filesystem, blocks, used, available, capacity, mount point.
      free=; mnt=; j=0
      if [ -s "$W/fs.df" ]; then
        while read -r _ _ _ f _ m; do [ "$j" = "$i" ] && { free=$f; mnt=$m; break; }; j=$((j + 1)); done <"$W/fs.df"
      else
        df -Pk "$e" >"$W/$key.df" 2>/dev/null && { read -r _; read -r _ _ _ free _ mnt; } <"$W/$key.df"
      fi
      if [ -n "$mnt" ]; then
        echo "@gmd kv free_kb $free"; echo "@gmd kv mount $mnt"
        o=; [ -r /proc/mounts ] && while read -r _ m _ opts _; do [ "$m" = "$mnt" ] && o=$opts; done </proc/mounts
        [ -n "$o" ] && echo "@gmd kv mount_opts $o"
      fi
      echo "@gmd end fs:$key"; } >"$W/$key.fsblock"
    emit "$W/$key.fsblock"
  done <"$W/fs.at"
  # shellcheck disable=SC2086 # the probe directories: no blanks, no globs (set -f)
  [ -n "$made" ] && rm -rf $made
  return 0
}

# netrc_helper: a git credential helper answering from the handed-in netrc, so the
# user's own HOME and git config stay as they are.
netrc_helper() {
  (umask 077; cp "$AGENT_DIR/netrc" "$W/netrc"; [ -r "$AGENT_DIR/git-token" ] && cp "$AGENT_DIR/git-token" "$W/netrc.token")
  cat >"$W/netrc-helper" <<'HELPER'
#!/bin/sh
[ "$1" = get ] || exit 0
host=
while IFS='=' read -r k v; do [ "$k" = host ] && host=${v%%:*}; [ -z "$k" ] && break; done
out=$(tr -s ' \t' '\n\n' <"$NETRC" | awk -v h="$host" '
  k == "machine" { m = ($0 == h) } k == "login" && m { u = $0 } k == "password" && m { p = $0 }
  { k = $0 } $0 == "default" { m = (u == "") }
  END { if (u != "") print "username=" u; if (p != "") print "password=" p }')
# GOMOD_DOCTOR_GIT_TOKEN answers for the git host a private module's go-import names,
# which is not known before discovery.
if [ -z "$out" ] && [ -r "$NETRC.token" ]; then
  read -r u p <"$NETRC.token"; out="username=$u
password=$p"
fi
[ -n "$out" ] && printf '%s\n' "$out"
HELPER
  chmod 700 "$W/netrc-helper"
}

# probe_repo KEY KIND URL HOST: what `go mod download` does for a private module:
# (for a module path) the ?go-get=1 discovery, then a non-interactive `git ls-remote`.
probe_repo() {
  url=$3
  { echo "@gmd begin repo:$1"
    if [ "$2" = module ]; then
      if have curl; then
        bounded "$T" curl -sS --max-time "$T" ${TLSCA:+--cacert "$TLSCA"} ${TLSDIR:+--capath "$TLSDIR"} ${NETRC:+--netrc-file "$NETRC"} \
          -o "$W/$1.disc" -w '%{http_code}' "https://$3?go-get=1" >"$W/$1.dcode" 2>"$W/$1.derr"
      elif have wget; then
        (bounded "$T" wget -q -O "$W/$1.disc" "https://$3?go-get=1") >"$W/$1.derr" 2>&1 && echo 200 >"$W/$1.dcode"
      else echo "@gmd kv discovery_tool none"; fi
      echo "@gmd kv discovery_status $(cat "$W/$1.dcode" 2>/dev/null)"
      # <meta name="go-import" content="PREFIX VCS REPO">: the one whose prefix heads the path.
      imp=$(tr '\n' ' ' <"$W/$1.disc" 2>/dev/null | sed 's/</\n</g' | sed -n 's/^<meta[^>]*name=["'"'"']go-import["'"'"'][^>]*content=["'"'"']\([^"'"'"']*\)["'"'"'].*/\1/p' |
        while read -r pre vcs repo; do case $3/ in "$pre"/*) echo "$pre $vcs $repo"; break ;; esac; done)
      echo "@gmd kv go_import $imp"
      mask <"$W/$1.derr" >"$W/$1.derrm"; raw "$W/$1.derrm" 3
      set -- "$1" "$2" "$3" "$4" $imp
      url=${7-}
      [ "${6-}" = git ] || url=
    fi
    if [ -z "$url" ]; then echo "@gmd kv rc -"
    elif ! have git; then echo "@gmd kv rc 127"
    else
      stamp t0
      (export GIT_TERMINAL_PROMPT=0 GCM_INTERACTIVE=never
       [ -n "$NETRC" ] && export NETRC
       if [ -z "${GIT_SSH_COMMAND-}" ]; then
         GIT_SSH_COMMAND="ssh -o BatchMode=yes -o ConnectTimeout=$TI${SSHKEY:+ -i $SSHKEY}"; export GIT_SSH_COMMAND
       fi
       cd "$W" && bounded "$T" git ${EXTRA_CA:+-c http.sslCAInfo="$CA"} ${NETRC:+-c credential.helper="$W/netrc-helper"} \
         ls-remote "$url" HEAD) >"$W/$1.refs" 2>"$W/$1.gerr"
      rc=$?; stamp t1
      echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"
      echo "@gmd kv url $(echo "$url" | mask)"
      echo "@gmd kv refs $(grep -c . "$W/$1.refs")"
      mask <"$W/$1.gerr" >"$W/$1.gerrm"; raw "$W/$1.gerrm" 12
    fi
    echo "@gmd end repo:$1"; } >"$W/$1.repoblock" 2>/dev/null
  emit "$W/$1.repoblock"
}

# probe_fetch KEY MODULE@VERSION GOPROXY [private]: the go command's own download of a
# module, as the image user, with -x to see each request, in throwaway module and build
# caches that are removed afterwards (never the user's). --ca-cert reaches Go through
# SSL_CERT_FILE. A private fetch goes direct, skips the checksum database for that module
# and hands git the --netrc/--ssh-key credentials, as a correct GOPRIVATE setup would.
probe_fetch() {
  d="$W/$1.fetch"
  mkdir -p "$d/mod" "$d/cache" "$d/work"
  stamp t0
  if have go; then
    # GOPATH too: the go command keeps the checksum database's latest tree in GOPATH/pkg/sumdb.
    (cd "$d/work" && export GOPROXY="$3" GOPATH="$d/gopath" GOMODCACHE="$d/mod" GOCACHE="$d/cache" GOFLAGS=-modcacherw GO111MODULE=on GOTOOLCHAIN=local
     [ -n "$EXTRA_CA" ] && export SSL_CERT_FILE="$CA"
     if [ "${4-}" = private ]; then
       mod=${2%@*}
       export GOPRIVATE="$mod${GOPRIVATE:+,$GOPRIVATE}" GIT_TERMINAL_PROMPT=0 GCM_INTERACTIVE=never
       [ -n "$NETRC" ] && export NETRC
       n=0
       [ -n "$NETRC" ] && { export GIT_CONFIG_KEY_0=credential.helper GIT_CONFIG_VALUE_0="$W/netrc-helper"; n=1; }
       [ -n "$EXTRA_CA" ] && { eval "export GIT_CONFIG_KEY_$n=http.sslCAInfo GIT_CONFIG_VALUE_$n=\"\$CA\""; n=$((n + 1)); }
       export GIT_CONFIG_COUNT=$n
       [ -z "${GIT_SSH_COMMAND-}" ] && export GIT_SSH_COMMAND="ssh -o BatchMode=yes -o ConnectTimeout=$TI${SSHKEY:+ -i $SSHKEY}"
     fi
     stoppable "$1" "$TF" go mod download -x -json "$2") >"$d/out" 2>"$d/err"
    rc=$?
    [ "$rc" != 0 ] && [ ! -e "$W/$1.stop" ] && grep -q 'TLS handshake timeout' "$d/out" "$d/err" 2>/dev/null && pq_refetch "$1" "$2" "$3" "${4-}"
  else
    rc=127
  fi
  stamp t1
  { echo "@gmd begin fetch:$1"
    echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"
    [ -e "$W/$1.stop" ] && echo "@gmd kv stopped 1"
    [ -s "$W/$1.pq" ] && cat "$W/$1.pq"
    # -json names the zip it wrote ("Zip": "PATH",); its "Error" lines, masked, in one sed.
    zip=; while read -r k v; do [ "$k" = '"Zip":' ] && { zip=${v#\"}; zip=${zip%\",}; zip=${zip%\"}; }; done <"$d/out"
    [ -f "$zip" ] && { n=$(wc -c <"$zip"); echo "@gmd kv zip_bytes ${n##* }"; }
    [ "$rc" != 0 ] && sed -n '/"Error"/{s#://[^/@[:space:]]*@#://***@#g;s/^/@gmd kv error /;p;}' "$d/out" 2>/dev/null
    mask <"$d/err" >"$d/errm"; raw "$d/errm" 80
    echo "@gmd end fetch:$1"; } >"$W/$1.fetchblock"
  # The throwaway caches go with the work directory at exit (the trap), not a fork each here.
  emit "$W/$1.fetchblock" long
}

# pq_refetch KEY MODULE@VERSION GOPROXY [private]: Go 1.24+ sends a post-quantum key share
# (X25519MLKEM768) whose ClientHello spans two packets, and middleboxes that cannot take
# that stall the handshake (golang/go#80573). When the fetch stalled there, fetch again
# with GODEBUG=tlsmlkem=0 (the known workaround) and record the result as pq_* kv lines.
pq_refetch() {
  [ "${4-}" = private ] && return 0
  v=$(cd "$W" && bounded "$T" go env GOVERSION 2>/dev/null); v=${v#go1.}; v=${v%%[!0-9]*}
  [ -n "$v" ] && [ "$v" -ge 24 ] || return 0
  e="$W/$1.pqfetch"; mkdir -p "$e/mod" "$e/cache" "$e/work"
  stamp p0
  (cd "$e/work" && export GOPROXY="$3" GOPATH="$e/gopath" GOMODCACHE="$e/mod" GOCACHE="$e/cache" GOFLAGS=-modcacherw GO111MODULE=on GOTOOLCHAIN=local \
     GODEBUG="${GODEBUG:+$GODEBUG,}tlsmlkem=0"
   [ -n "$EXTRA_CA" ] && export SSL_CERT_FILE="$CA"
   bounded "$TF" go mod download -json "$2") >"$e/out" 2>&1
  prc=$?; stamp p1
  { echo "@gmd kv pq_rc $prc"; echo "@gmd kv pq_ms $((p1 - p0))"
    grep -h '"Error"' "$e/out" 2>/dev/null | mask | head -n 1 | sed 's/^/@gmd kv pq_error /'; } >"$W/$1.pq"
  chmod -R u+w "$e" 2>/dev/null; rm -rf "$e"
}

# probe_xfer KEY URL PROXY SECS: download one file (a module zip) bounded by SECS,
# keeping what arrived: bytes over time tells slow from hung.
probe_xfer() {
  XB=$4
  stamp t0
  if have curl; then
    tool=curl
    if [ "$3" = - ]; then via=--noproxy; proxy='*'; else via=--proxy; proxy=$3; fi
    # curl's own --max-time bounds it: it then flushes what arrived and prints its -w line.
    stoppable "$1" - curl -sS -o "$W/$1.data" -D "$W/$1.hdr" --max-time "$XB" "$via" "$proxy" ${TLSCA:+--cacert "$TLSCA"} ${TLSDIR:+--capath "$TLSDIR"} \
      -w '\n@w %{http_code} %{time_starttransfer} %{size_download}\n' "$2" >"$W/$1.xout" 2>&1
  elif have wget; then
    tool=wget
    (unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY
     if [ "$3" != - ]; then http_proxy=$3; https_proxy=$3; export http_proxy https_proxy; fi
     stoppable "$1" "$XB" wget -S -O "$W/$1.data" "$2") >"$W/$1.xout" 2>&1
  else tool=none; : >"$W/$1.xout"; false; fi
  rc=$?; stamp t1
  # wget prints its headers with its messages: the exit status above is wget's, not cp's.
  [ "$tool" = wget ] && cp "$W/$1.xout" "$W/$1.hdr"
  { echo "@gmd begin xfer:$1"
    echo "@gmd kv tool $tool"; echo "@gmd kv rc $rc"; echo "@gmd kv ms $((t1 - t0))"
    [ -e "$W/$1.stop" ] && echo "@gmd kv stopped 1"
    # What arrived: curl says it in its -w line; wget's file is counted.
    bytes=; [ "$tool" = curl ] && while read -r w _ _ n; do [ "$w" = @w ] && bytes=$n; done <"$W/$1.xout"
    [ -n "$bytes" ] || bytes=$(wc -c <"$W/$1.data" 2>/dev/null | tr -d ' ')
    echo "@gmd kv bytes $bytes"
    # The last Content-Length of the headers (a proxy's CONNECT answer comes first), by builtins.
    CR=$(printf '\r')
    len=; [ -r "$W/$1.hdr" ] && while IFS= read -r l; do
      l=${l%"$CR"}; l=${l#"${l%%[! ]*}"}
      case $l in [Cc]ontent-[Ll]ength:*) v=${l#*:}; v=${v#"${v%%[! ]*}"}; v=${v%%[!0-9]*}; [ -n "$v" ] && len=$v ;; esac
    done <"$W/$1.hdr"
    [ -n "$len" ] && echo "@gmd kv length $len"
    raw "$W/$1.xout" 6
    echo "@gmd end xfer:$1"; } >"$W/$1.xferblock"
  # The downloaded file goes with the work directory at exit (the trap).
  emit "$W/$1.xferblock"
}

# probe_target KEY HOST PORT TLS URL PROXY: the chain DNS -> TCP -> TLS -> HTTP.
# A proxied HTTP step runs even when the direct path fails: that is how the go command
# would reach the module proxy.
probe_target() {
  CONNECTED=
  probe_dns "$1" "$2"
  [ -s "$W/$1.addrs" ] && probe_tcp "$1" "$3"
  # A direct HTTPS request to this very host and port: TLS and HTTP in one curl. Not with
  # user info in the URL: curl -v names the user ("Server auth using Basic with user ..."),
  # and a token often is the user.
  one=; [ -n "$CONNECTED" ] && [ "$4" = 1 ] && [ "$6" = - ] && have curl && ! has_userinfo "$5" && case $5 in "https://$2:$3/"*) one=1 ;; "https://$2/"*) [ "$3" = 443 ] && one=1 ;; esac
  if [ -n "$one" ]; then probe_tls_http "$1" "$2" "$3" "$CONNECTED" "$5"
  else
    [ -n "$CONNECTED" ] && [ "$4" = 1 ] && probe_tls "$1" "$2" "$3" "$CONNECTED"
    if [ "$5" != - ] && { [ -n "$CONNECTED" ] || [ "$6" != - ]; }; then probe_http "$1" "$5" "$6"; fi
  fi
  printf '@gmd begin target:%s\n@gmd end target:%s\n' "$1" "$1" >"$W/$1.fin"
  emit "$W/$1.fin"
}

# The first facts run before the plan arrives, bounded by a default step timeout.
T=5; TI=5
# The roots for the TLS tools are found beside the facts: after them, their three tools
# delayed the plan's first probe.
(system_roots; printf '%s\n' "$CA" "$TLSCA" "$TLSDIR" >"$W/roots") &
ROOTS_PID=$!
facts
echo "@gmd ready"
start_printer

# The handed files: the host copies them while the facts run, and writes the plan after.
handed() {
  wait "$ROOTS_PID"
  { IFS= read -r CA; IFS= read -r TLSCA; IFS= read -r TLSDIR; } <"$W/roots"
  with_extra_ca
  EXTRA_CA=; [ -r "$AGENT_DIR/extra-ca.pem" ] && EXTRA_CA=1
  NETRC=; [ -r "$AGENT_DIR/netrc" ] && { netrc_helper; NETRC="$W/netrc"; }
  SSHKEY=; [ -r "$AGENT_DIR/ssh-key" ] && { (umask 077; cp "$AGENT_DIR/ssh-key" "$W/ssh-key"); SSHKEY="$W/ssh-key"; }
}

setup=
JOBS=
while read -r kind a b c d e f; do
  [ -z "$setup" ] && { setup=1; handed; }
  case $kind in
    timeout) T=$a; TI=$b; TF=${c:-$a}; continue ;;
    target) probe_target "$a" "$b" "$c" "$d" "$e" "$f" & ;;
    fs) echo "$a $b $c" >>"$W/fs.plan"; continue ;;
    repo) probe_repo "$a" "$b" "$c" "$d" & ;;
    fetch) probe_fetch "$a" "$b" "$c" "$d" & ;;
    get) probe_http "$a" "$b" "$c" & ;;
    xfer) probe_xfer "$a" "$b" "$c" "$d" & ;;
    go) break ;;
    *) continue ;;
  esac
  JOBS="$JOBS $!"
done
[ -s "$W/fs.plan" ] && { probe_paths & JOBS="$JOBS $!"; }
exec 8<&0
stop_listener &
exec 8<&-
# The jobs, not the printer: it ends only once this shell has closed the FIFO.
[ -n "$JOBS" ] && wait $JOBS
stop_printer
echo "@gmd done"
