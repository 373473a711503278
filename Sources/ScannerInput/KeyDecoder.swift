internal import CXKBCommon
import PackCore

/// Turns one device's key events into characters through its xkb layout.
///
/// The key state (Shift, CapsLock, AltGr, NumLock, Ctrl, Alt) is fed only from this device's own
/// events, so the host's CapsLock or another keyboard's Shift never changes a scan. Dead keys
/// resolve through Compose (dead key + space gives the accent itself). Control characters arrive
/// two ways: Ctrl + key (Ctrl+] is GS 0x1D, Ctrl+^ RS, Ctrl+D EOT), where a key that gives no
/// control character in the scanner's layout falls back to the US key at the same position;
/// and Alt + keypad decimal code (Alt+0029 is GS). Auto-repeat is ignored.
final class KeyDecoder {
    /// What a key produced.
    enum Output: Equatable {
        case character(Unicode.Scalar)
        case key(ScanFramer.Key)
        /// A key has auto-repeated `KeyDecoder.stuckRepeats` times: held down.
        case stuck(code: Int)
    }

    /// Repeats of one key before it counts as stuck (about a second at the kernel's default 33 Hz after 250 ms).
    static let stuckRepeats = 32

    let layout: KeyboardLayout
    private let state: OpaquePointer
    private let compose: OpaquePointer?
    private let numLockOn: Bool
    /// Keysyms of dead keys typed and not yet resolved (for the spacing fallback).
    private var pendingDead: [xkb_keysym_t] = []
    /// Keypad digits typed while Alt is held.
    private var altCode: [UInt8] = []
    private var repeatCode: UInt16 = 0
    private var repeats = 0

    /// A decoder in the initial state: no modifiers, CapsLock off, NumLock on unless told otherwise
    /// (a scanner that types keypad digits means digits).
    init(layout: KeyboardLayout, numLockOn: Bool = true) {
        self.layout = layout
        self.numLockOn = numLockOn
        (state, compose) = layout.makeStates()
        if numLockOn { tap(KeyCode.numLock) }
    }

    deinit { layout.free(state: state, compose: compose) }

    /// Forgets all key state (after lost events): modifiers released, locks as at the start.
    func reset() {
        xkb_state_update_mask(state, 0, 0, 0, 0, 0, 0)
        if let compose { xkb_compose_state_reset(compose) }
        pendingDead.removeAll()
        altCode.removeAll()
        repeats = 0
        if numLockOn { tap(KeyCode.numLock) }
    }

    /// Updates the key state without producing text (the kernel's resync after lost events).
    func updateOnly(code: UInt16, pressed: Bool) {
        xkb_state_update_key(state, UInt32(code) + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP)
    }

    /// Whether CapsLock and NumLock are on (to show them on the scanner's LEDs).
    var locks: (caps: Bool, num: Bool) {
        (xkb_state_led_name_is_active(state, XKB_LED_NAME_CAPS) > 0, xkb_state_led_name_is_active(state, XKB_LED_NAME_NUM) > 0)
    }

    /// One EV_KEY event: value 1 press, 0 release, 2 repeat.
    @inline(__always)
    func key(code: UInt16, value: Int32, emit: (Output) -> Void) {
        let keycode = UInt32(code) + 8
        switch value {
        case 0:
            if code == repeatCode { repeats = 0 }
            xkb_state_update_key(state, keycode, XKB_KEY_UP)
            if !altCode.isEmpty, !isActive(layout.alt) {
                if let c = AltCode.character(digits: altCode) { emit(.character(c)) }
                altCode.removeAll()
            }
        case 1:
            repeatCode = code
            repeats = 0
            press(code: code, keycode: keycode, emit: emit)
            xkb_state_update_key(state, keycode, XKB_KEY_DOWN)
        case 2:
            if code == repeatCode {
                repeats += 1
                if repeats == Self.stuckRepeats { emit(.stuck(code: Int(code))) }
            }
        default:
            break  // not a key transition: garbage
        }
    }

    private func press(code: UInt16, keycode: UInt32, emit: (Output) -> Void) {
        if let digit = KeyCode.keypadDigit(code), isActive(layout.alt) {
            altCode.append(digit)
            return
        }
        let sym = xkb_state_key_get_one_sym(state, keycode)
        switch sym {
        case UInt32(XKB_KEY_Return): flushDead(emit); emit(.key(.enter)); return
        case UInt32(XKB_KEY_KP_Enter): flushDead(emit); emit(.key(.kpEnter)); return
        case UInt32(XKB_KEY_Tab), UInt32(XKB_KEY_ISO_Left_Tab): flushDead(emit); emit(.key(.tab)); return
        default: break
        }
        if compose == nil, !isActive(layout.ctrl) {
            // No Compose table (libx11-data missing): dead key + space still gives the accent.
            if (0xFE50...0xFE93).contains(sym) {
                pendingDead.append(sym)
                return
            }
            if !pendingDead.isEmpty, sym == UInt32(XKB_KEY_space) {
                flushDead(emit)
                return
            }
            flushDead(emit)
        }
        if let compose, sym != UInt32(XKB_KEY_NoSymbol), !isActive(layout.ctrl) {
            if xkb_compose_state_feed(compose, sym) == XKB_COMPOSE_FEED_ACCEPTED {
                switch xkb_compose_state_get_status(compose) {
                case XKB_COMPOSE_COMPOSING:
                    pendingDead.append(sym)
                    return
                case XKB_COMPOSE_COMPOSED:
                    var buffer = [CChar](repeating: 0, count: 64)
                    let n = Int(xkb_compose_state_get_utf8(compose, &buffer, buffer.count))
                    xkb_compose_state_reset(compose)
                    pendingDead.removeAll()
                    let bytes = buffer.prefix(min(n, buffer.count - 1)).map { UInt8(bitPattern: $0) }
                    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars { emit(.character(scalar)) }
                    return
                case XKB_COMPOSE_CANCELLED:
                    // No composition for this pair: keep both, as a typist would see them.
                    xkb_compose_state_reset(compose)
                    flushDead(emit)
                default:
                    break
                }
            }
        } else if sym == UInt32(XKB_KEY_NoSymbol) || isActive(layout.ctrl) {
            flushDead(emit)
        }
        if let c = character(code: code, keycode: keycode) { emit(.character(c)) }
    }

    /// The character of a key in the current state, with the control-character fallback.
    private func character(code: UInt16, keycode: UInt32) -> Unicode.Scalar? {
        let cp = xkb_state_key_get_utf32(state, keycode)
        // 0 is "no character" (modifiers, function keys); Ctrl+2 (NUL) is never barcode data.
        if cp == 0 { return nil }
        if isActive(layout.ctrl) {
            if cp < 0x20 || cp == 0x7F { return Unicode.Scalar(cp) }
            if let c = Unicode.Scalar(cp), let control = AltCode.control(c) { return control }
            // The scanner's layout has no control character on this key (de: Ctrl + the `+` key):
            // scanners send control characters as the US key at that position.
            let level: UInt32 = isActive(layout.shift) ? 1 : 0
            var syms: UnsafePointer<xkb_keysym_t>?
            let keymap = KeyboardLayout.us.keymap
            if xkb_keymap_key_get_syms_by_level(keymap, keycode, 0, level, &syms) > 0, let syms,
                let us = Unicode.Scalar(xkb_keysym_to_utf32(syms[0])), let control = AltCode.control(us), control.value != 0
            {
                return control
            }
            return Unicode.Scalar(cp)
        }
        return Unicode.Scalar(cp)
    }

    /// Dead keys that found no partner are typed as their spacing accents (dead_circumflex → ^).
    private func flushDead(_ emit: (Output) -> Void) {
        guard !pendingDead.isEmpty else { return }
        for sym in pendingDead {
            if let c = DeadKey.spacing(sym) { emit(.character(c)) }
        }
        pendingDead.removeAll()
        if let compose { xkb_compose_state_reset(compose) }
    }

    private func isActive(_ mod: UInt32) -> Bool {
        mod != UInt32(XKB_MOD_INVALID) && xkb_state_mod_index_is_active(state, mod, XKB_STATE_MODS_EFFECTIVE) > 0
    }

    private func tap(_ code: UInt16) {
        xkb_state_update_key(state, UInt32(code) + 8, XKB_KEY_DOWN)
        xkb_state_update_key(state, UInt32(code) + 8, XKB_KEY_UP)
    }
}

/// Linux key codes the decoder treats specially (linux/input-event-codes.h).
enum KeyCode {
    static let numLock: UInt16 = 69
    static let capsLock: UInt16 = 58

    /// The digit of a keypad key: KEY_KP0 = 82, KP1–3 = 79–81, KP4–6 = 75–77, KP7–9 = 71–73.
    static func keypadDigit(_ code: UInt16) -> UInt8? {
        switch code {
        case 82: 0
        case 79...81: UInt8(code - 78)
        case 75...77: UInt8(code - 71)
        case 71...73: UInt8(code - 64)
        default: nil
        }
    }
}

/// Spacing forms of dead keys, for a dead key that composes with nothing.
enum DeadKey {
    static func spacing(_ sym: xkb_keysym_t) -> Unicode.Scalar? {
        switch Int32(bitPattern: sym) {
        case XKB_KEY_dead_grave: "`"
        case XKB_KEY_dead_acute: "\u{B4}"
        case XKB_KEY_dead_circumflex: "^"
        case XKB_KEY_dead_tilde: "~"
        case XKB_KEY_dead_diaeresis: "\u{A8}"
        case XKB_KEY_dead_abovering: "\u{B0}"
        case XKB_KEY_dead_cedilla: "\u{B8}"
        case XKB_KEY_dead_macron: "\u{AF}"
        case XKB_KEY_dead_caron: "\u{2C7}"
        case XKB_KEY_dead_breve: "\u{2D8}"
        case XKB_KEY_dead_doubleacute: "\u{2DD}"
        case XKB_KEY_dead_ogonek: "\u{2DB}"
        case XKB_KEY_dead_abovedot: "\u{2D9}"
        default: Unicode.Scalar(xkb_keysym_to_utf32(sym))
        }
    }
}
