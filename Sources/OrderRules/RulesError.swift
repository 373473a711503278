import Foundation

/// A rules file that cannot be used: every problem found, each with its file and line and what
/// to write instead. A file with any problem is refused whole (the rules in force stay).
public struct RulesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// Its line, 1-based (0: the file as a whole).
        public var line: Int
        /// What is wrong and what to write instead.
        public var message: String

        /// `FILE:LINE: MESSAGE`.
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    }

    /// The problems, in file order.
    public var problems: [Problem]

    /// One problem per line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }

    /// An error of one problem.
    public init(file: String, line: Int, _ message: String) { problems = [Problem(file: file, line: line, message: message)] }

    /// An error of several problems.
    public init(problems: [Problem]) { self.problems = problems }
}

extension RuleSet {
    /// The largest rules file read: a bound on what a typo (a log file given instead) costs.
    public static let maximumFileBytes = 4 << 20

    /// Reads and checks the rules file at `path`.
    public static func load(path: String) throws(RulesError) -> RuleSet {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RulesError(file: path, line: 0, FileManager.default.fileExists(atPath: path)
                ? "cannot be read; check its permissions" : "does not exist; check the path (docs/rules.md has an example file)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumFileBytes + 1)) ?? Data()
        guard data.count <= maximumFileBytes else {
            throw RulesError(file: path, line: 0, "is larger than \(maximumFileBytes >> 20) MiB; is it the rules file? Split very long postcode lists into fewer, wider ranges")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw RulesError(file: path, line: 0, "is not UTF-8 text; save it as UTF-8")
        }
        return try RuleSet(parsing: text, file: path)
    }
}
