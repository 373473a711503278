import Foundation

/// A child process started with posix_spawn and reaped with waitpid by this type alone, with
/// an empty signal mask and default SIGTERM/SIGPIPE handling whatever thread starts it.
///
/// Foundation's `Process` was seen to hang the SMTP tests amid the whole suite: children started
/// from helper threads inherited a mask that blocked SIGTERM, and `waitUntilExit()` spun on the
/// cooperative pool for a child that had exited. These peers do not go through it.
public final class SpawnedProcess: @unchecked Sendable {  // pid is set once; `reaped` under the lock
    /// The child's PID.
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `arguments[0]` (looked up on PATH) with `arguments`, its standard output and error
    /// appended to `output` (or /dev/null).
    public init(_ arguments: [String], output: String?) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let target = output ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, target, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGPIPE, SIGINT, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, environ)
        guard rc == 0 else { throw PeerProcess.NotStarted(description: "posix_spawn \(arguments[0]) failed: errno \(rc)") }
        pid = child
    }

    deinit { stop(grace: 2) }

    /// Whether the child has not exited (reaps it if it has).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if status != nil { return false }
        var s: Int32 = 0
        let r = waitpid(pid, &s, WNOHANG)
        if r == pid || (r == -1 && errno == ECHILD) {
            status = s
            return false
        }
        return true
    }

    /// Waits for the child to exit and returns its wait status.
    @discardableResult
    public func wait() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var s: Int32 = 0
        while waitpid(pid, &s, 0) == -1 && errno == EINTR {}
        status = s
        return s
    }

    /// Exit code when it exited normally, else -1.
    public var exitCode: Int32 {
        let s = wait()
        return (s & 0x7F) == 0 ? (s >> 8) & 0xFF : -1
    }

    /// SIGTERM, SIGKILL after `grace` seconds if it is still there; reaped either way.
    public func stop(grace: Double) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning, Date() < deadline { usleep(10_000) }
        if isRunning { kill(pid, SIGKILL) }
        wait()
    }
}
