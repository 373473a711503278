#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `host` names this machine's loopback interface: `localhost` (any case, with or without
/// a trailing dot), an IPv4 address in 127.0.0.0/8 written as four decimal parts, `::1`, or an
/// IPv4-mapped `::ffff:127.x.y.z`; IPv6 may come in brackets and with a zone (`[::1%lo]`).
///
/// The host is parsed as an address, not matched by prefix: `127.0.0.1.nip.io` is a DNS name
/// (anyone can point it anywhere) and is not loopback, nor are `127.1`, `0x7f.0.0.1` or `0177.0.0.1`,
/// which some resolvers read as 127.0.0.1 but which no one writes on purpose.
public func isLoopback(host: String) -> Bool {
    var name = host
    if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
    if let percent = name.firstIndex(of: "%") { name = String(name[..<percent]) }
    let lower = name.lowercased()
    if lower == "localhost" || lower == "localhost." { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, lower, &v4) == 1 {
        return UInt32(bigEndian: v4.s_addr) >> 24 == 127
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, lower, &v6) == 1 else { return false }
    let bytes = withUnsafeBytes(of: v6) { Array($0) }
    if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
    // ::ffff:a.b.c.d, an IPv4 address carried in IPv6.
    let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
    return Array(bytes[0..<12]) == mappedPrefix && bytes[12] == 127
}
