import Foundation

/// Reads a whole input file (or standard input for "-"), with an error that says what to fix.
public func readInput(_ path: String, what: String) throws(StationError) -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw StationError(code: "input.missing", message: "The \(what) \(path) does not exist. Check the path.")
    }
    guard !isDirectory.boolValue else {
        throw StationError(code: "input.directory", message: "The \(what) \(path) is a directory; give a file.")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw StationError(code: "input.unreadable", message: "The \(what) \(path) cannot be read; check its permissions.")
    }
    return Array(data)
}
