import Foundation

/// Reads a file line by line in 64 KiB blocks, so an orders file of any size costs one block
/// and one line of memory. (`package`: packstation-bench times it.)
///
/// Lines end at LF; a CR before it stays in the line (order JSON treats it as whitespace, and
/// run fingerprints hash the bytes as read). Each byte is searched for a newline once: the search
/// resumes where the previous one stopped, so a line that spans many blocks costs its length,
/// not its length squared.
package final class LineReader {
    private let handle: FileHandle
    private let path: String
    private let blockSize: Int
    private let maximumLine: Int
    private var buffer: [UInt8] = []
    /// Where the current line starts in `buffer`.
    private var start = 0
    /// Where the newline search resumes: `buffer[start..<scanned]` holds no newline.
    private var scanned = 0
    private var atEnd = false
    /// Lines returned so far.
    package private(set) var linesRead = 0

    /// The longest line taken: an order is a few KiB; a carrier label inside it a few hundred.
    package static let maximumLine = 16 << 20

    /// Opens `path`; `blockSize` and `maximumLine` are for tests.
    package init(path: String, blockSize: Int = 64 << 10, maximumLine: Int = LineReader.maximumLine) throws(RunError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunError(code: "run.no_source", message: "The orders file \(path) does not exist. Check the path.")
        }
        guard !isDirectory.boolValue else {
            throw RunError(code: "run.no_source", message: "The orders file \(path) is a directory; give a JSON lines file (or use --labels for a directory of label files).")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RunError(code: "run.unreadable", message: "The orders file \(path) cannot be read; check its permissions.")
        }
        self.handle = handle
        self.path = path
        self.blockSize = max(1, blockSize)
        self.maximumLine = maximumLine
    }

    deinit { try? handle.close() }

    /// The next line without its newline, nil at the end of the file.
    package func next() throws(RunError) -> [UInt8]? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                return try take(start..<newline, next: newline + 1)
            }
            scanned = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                return try take(start..<buffer.count, next: buffer.count)
            }
            try checkLength(buffer.count - start)
            // Drop the lines already returned before growing the buffer: it then holds one
            // partial line and one block, and each byte is moved at most once per line.
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            let block: Data?
            do { block = try handle.read(upToCount: blockSize) } catch {
                throw RunError(code: "run.unreadable", message: "Reading \(path) failed: \(error.localizedDescription).")
            }
            if let block, !block.isEmpty { buffer.append(contentsOf: block) } else { atEnd = true }
        }
    }

    private func take(_ range: Range<Int>, next: Int) throws(RunError) -> [UInt8] {
        try checkLength(range.count)
        let line = Array(buffer[range])
        start = next
        scanned = next
        linesRead += 1
        return line
    }

    private func checkLength(_ count: Int) throws(RunError) {
        guard count <= maximumLine else {
            throw RunError(code: "run.bad_order", message: "\(path) line \(linesRead + 1) is longer than \(Self.describe(maximumLine)); it is not an order. --orders takes one order as JSON per line.")
        }
    }

    private static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}
