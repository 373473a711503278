/// Shares a printer between a run and another sender (the bench's pack labels). The run holds a
/// turn for each chunk, from the idle check before it to its settling, so nothing else prints
/// in between: the label counter counts that chunk alone, and a label from the bench waits at
/// most one chunk.
public protocol PrinterTurn: Sendable {
    /// Blocks until the run may use the printer.
    func begin()
    /// Lets the others in.
    func end()
}

extension RunExecutor {
    /// Runs one chunk's printer work inside a turn (when the printer is shared).
    func inTurn<T>(_ body: () throws(StepError) -> T) throws(StepError) -> T {
        options.turn?.begin()
        defer { options.turn?.end() }
        return try body()
    }
}
