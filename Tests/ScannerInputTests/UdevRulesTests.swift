import Foundation
import Testing
@testable import ScannerInput

/// udev/60-packstation-scanners.rules: parses as udev rules, and tags the vendors the agent knows.
struct UdevRulesTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../udev/60-packstation-scanners.rules").standardized

    static func rules() throws -> [(line: Int, text: String)] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var out: [(Int, String)] = []
        var pending = "", start = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if pending.isEmpty { start = i + 1 }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            out.append((start, pending + line))
            pending = ""
        }
        return out
    }

    /// The syntax udev 252 accepts (src/udev/udev-rules.c): KEY or KEY{attr}, an operator, a quoted value, comma-separated.
    @Test func everyRuleParses() throws {
        let keys: Set<String> = ["ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "KERNELS", "ENV", "ATTRS", "ATTR", "DRIVERS", "TAG", "GROUP", "MODE", "OWNER", "SYMLINK", "GOTO", "LABEL", "RUN", "IMPORT", "PROGRAM", "NAME", "TEST"]
        let pattern = try Regex(#"^\s*([A-Z_]+)(\{[A-Za-z0-9_.:-]+\})?\s*(==|!=|\+=|-=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)"#)
        var labels = Set<String>(), gotos = Set<String>()
        let rules = try Self.rules()
        #expect(rules.count > 20)
        for (line, text) in rules {
            var rest = Substring(text)
            var pairs = 0
            while !rest.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let m = try pattern.prefixMatch(in: rest) else {
                    Issue.record("line \(line): cannot parse '\(rest)'")
                    break
                }
                let key = String(m.output[1].substring!)
                let op = String(m.output[3].substring!)
                let value = String(m.output[4].substring!)
                #expect(keys.contains(key), "line \(line): unknown key \(key)")
                if ["ATTRS", "ATTR", "ENV"].contains(key) { #expect(m.output[2].substring != nil, "line \(line): \(key) needs {name}") }
                if key == "GOTO" { gotos.insert(value) }
                if key == "LABEL" { labels.insert(value) }
                if ["GROUP", "MODE", "SYMLINK", "GOTO", "LABEL"].contains(key) { #expect(op != "==" && op != "!=", "line \(line): \(key) assigns") }
                rest = rest[m.range.upperBound...]
                pairs += 1
            }
            #expect(pairs > 0)
        }
        #expect(gotos == labels, "every GOTO has its LABEL")
    }

    @Test func theRulesTagExactlyTheVendorsTheAgentKnows() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        let regex = try Regex(#"ATTRS\{idVendor\}=="([0-9a-f]{4})""#)
        let inRules = Set(text.matches(of: regex).map { UInt16($0.output[1].substring!, radix: 16)! })
        #expect(inRules == Set(KnownScanners.vendors.keys))
        #expect(text.contains(#"ENV{PACKSTATION_SCANNER}="1""#))
        #expect(text.contains(#"GROUP="packstation""#))
        #expect(text.contains("by-packstation/"))
    }
}
