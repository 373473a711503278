#!/bin/sh
# packvm guest: USB gadgets on dummy_hcd via configfs (run by the host through the agent).
#
# dummy_hcd pairs each gadget-side UDC dummy_udc.I with its own host-side controller
# dummy_hcd.I (its own USB bus), so every gadget is a separate device on a separate bus and can
# be unplugged alone by unbinding its UDC. On the host side of the same kernel the ordinary
# drivers bind: usbhid + hid-generic + evdev for the scanners, usblp for the printer.
#
#   gadget.sh udcs N                    load dummy_hcd with N UDCs (once, before adding gadgets)
#   gadget.sh scanner NAME I VID PID MANUFACTURER PRODUCT SERIAL
#                                       HID boot-keyboard gadget on dummy_udc.I; waits for its
#                                       input device; prints "hidg=/dev/hidgK event=/dev/input/eventN"
#   gadget.sh printer NAME I VID PID MANUFACTURER PRODUCT SERIAL PNP_STRING
#                                       USB printer-class gadget; waits for usblp; prints
#                                       "gprinter=/dev/g_printerK lp=/dev/usb/lpN"
#   gadget.sh unplug NAME               unbind the UDC (device disconnects); waits until it is gone
#   gadget.sh replug NAME               bind it again; waits for the host-side node
#   gadget.sh node NAME                 print the host-side node (/dev/input/eventN or /dev/usb/lpN)
set -e
CFG=/sys/kernel/config/usb_gadget
STATE=/run/packvm/gadgets
WAIT_STEPS=${PACKVM_WAIT_STEPS:-400}    # x 50 ms: 20 s, generous for slow TCG hosts
mkdir -p "$STATE"

die() { echo "gadget.sh: $*" >&2; exit 1; }

# host-side node of the gadget on dummy_hcd.I: the event node of its keyboard, or its usblp node
host_node() {  # host_node KIND I
  case $1 in
    scanner) cls=/sys/class/input; pat='event*' ;;
    printer) cls=/sys/class/usbmisc; pat='lp*' ;;
  esac
  for e in $cls/$pat; do
    [ -e "$e" ] || continue
    case $(readlink -f "$e") in
      */dummy_hcd.$2/*) [ "$1" = scanner ] && echo "/dev/input/${e##*/}" || echo "/dev/usb/${e##*/}"; return 0 ;;
    esac
  done
  return 1
}

wait_node() {  # wait_node KIND I present|absent
  n=0
  while :; do
    node=$(host_node "$1" "$2" || true)
    if [ "$3" = present ] && [ -n "$node" ] && [ -c "$node" ]; then echo "$node"; return 0; fi
    if [ "$3" = absent ] && [ -z "$node" ]; then return 0; fi
    n=$((n + 1)); [ $n -ge "$WAIT_STEPS" ] && die "timeout waiting for $1 on dummy_hcd.$2 to be $3"
    usleep 50000
  done
}

common() {  # common NAME I VID PID MANUFACTURER PRODUCT SERIAL
  [ -d "$CFG/$1" ] && die "gadget $1 exists"
  [ -e "/sys/class/udc/dummy_udc.$2" ] || die "no dummy_udc.$2 (gadget.sh udcs N loaded too few?)"
  mkdir "$CFG/$1"; cd "$CFG/$1"
  echo "$3" > idVendor; echo "$4" > idProduct
  echo 0x0200 > bcdUSB; echo 0x0100 > bcdDevice
  mkdir strings/0x409
  echo "$5" > strings/0x409/manufacturer
  echo "$6" > strings/0x409/product
  echo "$7" > strings/0x409/serialnumber
  mkdir configs/c.1
  echo "$2" > "$STATE/$1.udc"
}

bind() {  # bind NAME
  echo "dummy_udc.$(cat "$STATE/$1.udc")" > "$CFG/$1/UDC"
}

case $1 in
  udcs)
    modprobe dummy_hcd num="$2"
    n=0; while [ "$(ls /sys/class/udc | wc -l)" -lt "$2" ]; do
      n=$((n + 1)); [ $n -ge "$WAIT_STEPS" ] && die "dummy_hcd: UDCs did not appear"; usleep 50000; done
    ls /sys/class/udc
    ;;
  scanner)
    shift; name=$1; i=$2
    common "$@"
    echo 100 > configs/c.1/MaxPower
    mkdir functions/hid.usb0
    cd functions/hid.usb0
    echo 1 > subclass      # boot interface
    echo 1 > protocol      # keyboard
    echo 8 > report_length
    # HID 1.11 appendix B.1 boot keyboard: 8 modifier bits, 1 reserved byte, 5 LED bits (output),
    # 6-key array of usages 0..0x65. The same descriptor real keyboard-wedge scanners use.
    printf '\005\001\011\006\241\001\005\007\031\340\051\347\025\000\045\001\165\001\225\010\201\002\225\001\165\010\201\003\225\005\165\001\005\010\031\001\051\005\221\002\225\001\165\003\221\003\225\006\165\010\025\000\045\145\005\007\031\000\051\145\201\000\300' > report_desc
    hidg=/dev/hidg$(cut -d: -f2 dev)   # f_hid names the node after its minor, at bind time
    cd "$CFG/$name"
    ln -s functions/hid.usb0 configs/c.1/
    echo "$hidg" > "$STATE/$name.hidg"
    echo scanner > "$STATE/$name.kind"
    bind "$name"
    n=0; while [ ! -c "$hidg" ]; do
      n=$((n + 1)); [ $n -ge "$WAIT_STEPS" ] && die "no $hidg after binding"; usleep 50000; done
    # keep LED output reports (CapsLock/NumLock set by the guest's keyboard handler) from
    # piling up in f_hid's OUT queue: log them; tests may look at them.
    (exec cat "$hidg" > "/run/packvm/$name.leds") < /dev/null > /dev/null 2>&1 &
    node=$(wait_node scanner "$i" present)
    echo "hidg=$hidg event=$node"
    ;;
  printer)
    shift; name=$1; i=$2; pnp=$8
    common "$@"
    mkdir configs/c.1/strings/0x409
    echo printer > configs/c.1/strings/0x409/configuration
    echo 2 > configs/c.1/MaxPower
    mkdir functions/printer.0
    printf '%s' "$pnp" > functions/printer.0/pnp_string
    echo 10 > functions/printer.0/q_len
    ln -s functions/printer.0 configs/c.1/
    echo printer > "$STATE/$name.kind"
    bind "$name"
    node=$(wait_node printer "$i" present)
    # Linux 6.1's f_printer answers GET_DEVICE_ID with length = strlen(pnp_string), but IEEE 1284
    # counts the 2 length bytes too, so hosts see the ID 2 characters short. If that happens,
    # append 2 pad bytes (never seen by the host): the reply is then exactly the intended ID.
    id=$(cat "/sys/class/usbmisc/${node##*/}/device/ieee1284_id" 2>/dev/null || true)
    if [ "$id" != "$pnp" ] && [ "$id" = "${pnp%??}" ]; then
      echo "" > UDC
      wait_node printer "$i" absent
      printf '%s  ' "$pnp" > functions/printer.0/pnp_string
      bind "$name"
      node=$(wait_node printer "$i" present)
      echo "$name: padded pnp_string (f_printer GET_DEVICE_ID length bug)" >&2
    fi
    # f_printer creates /dev/g_printerK when the function binds (one printer gadget supported)
    gp=$(ls /dev/g_printer* 2>/dev/null | head -1)
    [ -n "$gp" ] || die "no /dev/g_printer node"
    echo "$gp" > "$STATE/$name.gprinter"
    echo "gprinter=$gp lp=$node"
    ;;
  unplug)
    [ -f "$STATE/$2.udc" ] || die "no gadget $2"
    echo "" > "$CFG/$2/UDC"
    wait_node "$(cat "$STATE/$2.kind")" "$(cat "$STATE/$2.udc")" absent
    echo unplugged
    ;;
  replug)
    [ -f "$STATE/$2.udc" ] || die "no gadget $2"
    bind "$2"
    wait_node "$(cat "$STATE/$2.kind")" "$(cat "$STATE/$2.udc")" present
    ;;
  node)
    host_node "$(cat "$STATE/$2.kind")" "$(cat "$STATE/$2.udc")"
    ;;
  *)
    sed -n '2,/^set -e/p' "$0" | sed '$d'
    exit 2
    ;;
esac
