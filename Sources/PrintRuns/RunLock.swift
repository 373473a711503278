import Foundation

/// One process prints a run at a time: an exclusive `flock` on `run-ID.lock` in the data
/// directory, released by the kernel when the process ends, even by kill -9. The file holds
/// the owner's pid so a refused `resume` can say who is printing.
public final class RunLock {
    private let fd: Int32

    /// Takes the lock, or throws saying which process holds it.
    public init(directory: String, run: String) throws(RunError) {
        let path = Self.path(directory: directory, run: run)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunError(code: "runs.lock", message: "Cannot create \(path): \(String(cString: strerror(errno))). Check the data directory's permissions.")
        }
        // A lock this process just released can stay held for a moment by a child between its
        // fork and exec (it shares the open file until exec closes it): a short retry tells that
        // from a process that is printing the run, which holds it for minutes.
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        var tries = 0
        while !locked, errno == EWOULDBLOCK, tries < 25 {
            tries += 1
            usleep(20_000)
            locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        }
        guard locked else {
            let owner = Self.owner(fd)
            close(fd)
            throw RunError(code: "runs.busy", message: "Run \(run) is being printed by another process\(owner.map { " (pid \($0))" } ?? ""); wait for it, or stop it first.")
        }
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Whether some process prints the run now (without taking the lock).
    public static func isHeld(directory: String, run: String) -> Bool {
        let fd = open(path(directory: directory, run: run), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    static func path(directory: String, run: String) -> String { directory + "/run-\(run).lock" }

    private static func owner(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
