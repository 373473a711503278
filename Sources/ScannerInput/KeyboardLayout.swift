internal import CXKBCommon
import Foundation
import Synchronization

/// A keyboard layout compiled by libxkbcommon from RMLVO names (`de`, `fr`, `gb`, `us(intl)`, …),
/// with the Compose table that resolves dead keys.
///
/// The keymap is immutable and shared by the key states of every scanner using the layout;
/// libxkbcommon's reference counts are not atomic, so creating and freeing states goes through a lock.
public final class KeyboardLayout: Sendable {
    /// The layout name as configured, e.g. `de` or `us(intl)`.
    public let name: String
    nonisolated(unsafe) let context: OpaquePointer
    nonisolated(unsafe) let keymap: OpaquePointer
    nonisolated(unsafe) let compose: OpaquePointer?
    let lock = Mutex(())
    /// Modifier indices, looked up once.
    let ctrl: UInt32, alt: UInt32, shift: UInt32

    /// The layout `us`, for the Ctrl+key fallback of scanners that send control characters as US keys.
    public static let us: KeyboardLayout = try! KeyboardLayout("us")

    /// Compiles a layout; `name` is an xkb layout, optionally with a variant in parentheses (`de(nodeadkeys)`).
    public init(_ name: String) throws(ScannerInputError) {
        var layout = name
        var variant = ""
        if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
            layout = String(name[..<open])
            variant = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
        }
        guard !layout.isEmpty, layout.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ScannerInputError(code: "layout.invalid", message: "'\(name)' is not a keyboard layout name; use an xkb layout such as us, de, fr, gb, es or it (optionally with a variant: de(nodeadkeys)).")
        }
        // Ignore XKB_DEFAULT_* from the environment: the layout is the scanner's, not the host's.
        guard let context = xkb_context_new(XKB_CONTEXT_NO_ENVIRONMENT_NAMES) else {
            throw ScannerInputError(code: "layout.context", message: "libxkbcommon could not start; check that xkb-data is installed (/usr/share/X11/xkb).")
        }
        xkb_context_set_log_level(context, XKB_LOG_LEVEL_CRITICAL)
        var keymap: OpaquePointer? = "evdev".withCString { rules in
            "pc105".withCString { model in
                layout.withCString { l in
                    variant.withCString { v in
                        var names = xkb_rule_names(rules: rules, model: model, layout: l, variant: v, options: nil)
                        return xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS)
                    }
                }
            }
        }
        if let overlay = Self.windowsOverlays[name], let compiled = keymap {
            keymap = Self.applying(overlay, to: compiled, context: context) ?? compiled
        }
        guard let keymap else {
            xkb_context_unref(context)
            throw ScannerInputError(code: "layout.unknown", message: "The keyboard layout '\(name)' is not known to xkb (see /usr/share/X11/xkb/symbols; is xkb-data installed?). Use e.g. us, de, fr, gb, es, it.")
        }
        self.name = name
        self.context = context
        self.keymap = keymap
        // Dead keys resolve through the Compose table of a UTF-8 locale; its files come from libx11-data.
        // Without them dead keys still give their spacing character (see KeyDecoder).
        compose = xkb_compose_table_new_from_locale(context, "en_US.UTF-8", XKB_COMPOSE_COMPILE_NO_FLAGS)
        ctrl = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_CTRL)
        alt = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_ALT)
        shift = xkb_keymap_mod_get_index(keymap, XKB_MOD_NAME_SHIFT)
    }

    /// Where the Windows layout a scanner emulates differs from xkb's for ASCII: on Windows
    /// French, `~` (AltGr+2) and `` ` `` (AltGr+7) are dead keys, so a scanner set to French types
    /// them followed by Space; xkb's `fr` has them as plain keys. Applied to the bare layout name
    /// only: `fr(basic)` is xkb's own.
    static let windowsOverlays: [String: [(key: String, from: String, to: String)]] = [
        "fr": [("<AE02>", " asciitilde,", " dead_tilde,"), ("<AE07>", " grave,", " dead_grave,")],
    ]

    /// The keymap with some keysyms replaced in its symbols section; nil if that fails.
    private static func applying(_ overlay: [(key: String, from: String, to: String)], to keymap: OpaquePointer, context: OpaquePointer) -> OpaquePointer? {
        guard let cText = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1) else { return nil }
        var text = String(cString: cText)
        Glibc.free(cText)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in lines.indices {
            let trimmed = lines[i].drop { $0 == " " || $0 == "\t" }
            for change in overlay where trimmed.hasPrefix("key \(change.key) ") && trimmed.contains("[") {
                lines[i] = lines[i].replacingOccurrences(of: change.from, with: change.to)
            }
        }
        text = lines.joined(separator: "\n")
        guard let replaced = xkb_keymap_new_from_string(context, text, XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS) else { return nil }
        xkb_keymap_unref(keymap)
        return replaced
    }

    deinit {
        if let compose { xkb_compose_table_unref(compose) }
        xkb_keymap_unref(keymap)
        xkb_context_unref(context)
    }

    /// A fresh key state and compose state for one device.
    func makeStates() -> (state: OpaquePointer, compose: OpaquePointer?) {
        lock.withLock { _ in
            let state = xkb_state_new(keymap)!
            let composeState = compose.flatMap { xkb_compose_state_new($0, XKB_COMPOSE_STATE_NO_FLAGS) }
            return (state, composeState)
        }
    }

    /// Frees states made by `makeStates()`.
    func free(state: OpaquePointer, compose: OpaquePointer?) {
        lock.withLock { _ in
            if let compose { xkb_compose_state_unref(compose) }
            xkb_state_unref(state)
        }
    }
}
