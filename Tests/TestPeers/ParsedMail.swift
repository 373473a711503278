import Foundation

/// A message as Python's email package reads it (scripts/peers/parse_mail.py): what a mail
/// program shows, from a parser this project did not write.
public struct ParsedMail: @unchecked Sendable {  // JSON values, never mutated
    public let json: [String: Any]

    /// Parses `raw` with scripts/peers/parse_mail.py.
    public init(_ raw: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString).eml")
        try Data(raw).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = file.path + ".json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let child = try SpawnedProcess(["python3", SMTPSinkPeer.repository.appendingPathComponent("scripts/peers/parse_mail.py").path, file.path, out], output: nil)
        guard child.exitCode == 0, let data = FileManager.default.contents(atPath: out) else {
            throw PeerProcess.NotStarted(description: "parse_mail.py could not read the message (exit \(child.exitCode))")
        }
        json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// `init` on a thread of its own, for async tests: running python3 blocks, and the suite's
    /// cooperative pool has 2 threads.
    public static func read(_ raw: [UInt8]) async throws -> ParsedMail {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try ParsedMail(raw) }) }
        }
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
