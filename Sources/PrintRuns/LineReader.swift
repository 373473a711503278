import Foundation

/// Reads a file line by line in 64 KiB blocks, so an orders file of any size costs one block
/// and one line of memory.
final class LineReader {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Lines returned so far.
    private(set) var linesRead = 0

    /// The longest line taken: an order is a few KiB; a carrier label inside it a few hundred.
    static let maximumLine = 16 << 20

    init(path: String) throws(RunError) {
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
    }

    deinit { try? handle.close() }

    /// The next line without its newline, nil at the end of the file.
    func next() throws(RunError) -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                linesRead += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                linesRead += 1
                return line
            }
            buffer.removeFirst(start)
            start = 0
            guard buffer.count <= Self.maximumLine else {
                throw RunError(code: "run.bad_order", message: "\(path) line \(linesRead + 1) is longer than \(Self.maximumLine >> 20) MiB; it is not an order. --orders takes one order as JSON per line.")
            }
            let block: Data?
            do { block = try handle.read(upToCount: 64 << 10) } catch {
                throw RunError(code: "run.unreadable", message: "Reading \(path) failed: \(error.localizedDescription).")
            }
            if let block, !block.isEmpty { buffer += block } else { atEnd = true }
        }
    }
}
