import Foundation

/// A message as Python's email package reads it (scripts/peers/parse_mail.py): what a mail
/// program shows, from a parser this project did not write.
public struct ParsedMail {
    public let json: [String: Any]

    /// Parses `raw` with scripts/peers/parse_mail.py.
    public init(_ raw: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).eml")
        try Data(raw).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", SMTPSinkPeer.repository.appendingPathComponent("scripts/peers/parse_mail.py").path, file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    public var subject: String { json["subject"] as? String ?? "" }
    public var fromName: String { ((json["from"] as? [[String: String]])?.first?["name"]) ?? "" }
    public var fromAddress: String { ((json["from"] as? [[String: String]])?.first?["address"]) ?? "" }
    public var to: [[String: String]] { json["to"] as? [[String: String]] ?? [] }
    public var headers: [String] { json["headers"] as? [String] ?? [] }
    public var defects: [String] { json["defects"] as? [String] ?? [] }
    public var text: String { ((json["parts"] as? [String: [String: Any]])?["text/plain"]?["content"] as? String) ?? "" }
    public var html: String? { (json["parts"] as? [String: [String: Any]])?["text/html"]?["content"] as? String }
    public var longestLine: Int { json["longest_line"] as? Int ?? 0 }
    public var bareLineFeeds: Int { json["bare_lf"] as? Int ?? -1 }
    public var nonASCIIBytes: Int { json["non_ascii_bytes"] as? Int ?? -1 }
}
