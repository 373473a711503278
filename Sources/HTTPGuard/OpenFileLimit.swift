#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`).
public enum OpenFileLimit {
    /// The current soft limit.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(resourceLimitNoFile, &limit) == 0 else { return 1024 }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// Raises the soft limit to the hard limit (at most `ceiling`) and returns the new soft
    /// limit. Distributions start programs at a soft limit of 1,024 for the sake of `select(2)`,
    /// which a NIO server does not use; servers such as nginx and Go's runtime raise it likewise.
    @discardableResult
    public static func raise(ceiling: Int = 65_536) -> Int {
        var limit = rlimit()
        guard getrlimit(resourceLimitNoFile, &limit) == 0 else { return current }
        let wanted = min(limit.rlim_max, rlim_t(ceiling))
        if wanted > limit.rlim_cur {
            limit.rlim_cur = wanted
            _ = setrlimit(resourceLimitNoFile, &limit)
        }
        return current
    }

    #if canImport(Glibc)
    private static let resourceLimitNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceLimitNoFile = RLIMIT_NOFILE
    #endif
}
