#!/bin/sh
# packvm guest agent: runs the host's commands, one at a time, over a virtio-serial port.
#
# Protocol (binary-safe; every number is decimal ASCII):
#   guest -> host, once:  "HELLO <uptime>\n"
#   host -> guest:        "RUN <id> <timeout_s> <script_len> <stdin_len>\n" <script bytes> <stdin bytes>
#   guest -> host:        "RET <id> <rc> <out_len>\n" <out bytes>
# The script runs with busybox sh in / with its stdin from the given bytes, stdout+stderr
# captured together, and is killed (SIGKILL, rc 137) after timeout_s. Processes it leaves in
# the background keep running; they do not inherit the port.
# A virtio-serial port is a plain character device (no tty line discipline: no echo, no CR/LF
# mangling, no line length limit), and a read returns what has arrived, so the payload is
# read with dd iflag=fullblock (exact byte count; busybox `head -c` may read past it).
port=$1
W=/run/packvm/agent
mkdir -p "$W"
exec 3<>"$port"

recv() {  # recv N FILE: read exactly N bytes from the port into FILE
  if [ "$1" -gt 0 ]; then dd bs="$1" count=1 iflag=fullblock of="$2" <&3 2>/dev/null; else : > "$2"; fi
}

printf 'HELLO %s\n' "$(cut -d' ' -f1 /proc/uptime)" >&3
while read -r verb id tmo slen ilen <&3; do
  case $verb in
    RUN)
      recv "$slen" "$W/cmd.$id"
      recv "$ilen" "$W/in.$id"
      (cd / && exec timeout -s KILL "$tmo" sh "$W/cmd.$id") < "$W/in.$id" > "$W/out.$id" 2>&1 3>&-
      rc=$?
      ;;
    *)
      echo "packvm-agent: bad request '$verb $id'" > "$W/out.$id"; rc=255
      ;;
  esac
  printf 'RET %s %s %s\n' "$id" "$rc" "$(wc -c < "$W/out.$id")" >&3
  cat "$W/out.$id" >&3
  # unlink: a background job that still writes to its inherited stdout writes to a dead inode
  rm -f "$W/cmd.$id" "$W/in.$id" "$W/out.$id"
done
echo "packvm-agent: control port closed" > /dev/console
poweroff -f
