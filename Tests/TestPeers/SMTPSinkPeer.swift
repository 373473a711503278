import Foundation

/// A real SMTP server on 127.0.0.1 (scripts/peers/smtp_sink.py on aiosmtpd, from the venv that
/// scripts/peers/setup-smtp-venv.sh makes): started per test, stopped by PID; every message it
/// accepts is a file the test reads back.
public final class SMTPSinkPeer: @unchecked Sendable {  // immutable after init; files are read fresh per call
    private var process: SpawnedProcess?
    public let port: Int
    public let directory: URL

    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let script = repository.appendingPathComponent("scripts/peers/smtp_sink.py")

    /// Starts the server. `dataReplies`: what to answer the first DATA commands before accepting
    /// (e.g. [451]); `rcptReplies`: address → code answered to its RCPT every time (e.g. 550);
    /// `tls`: certificate and key to offer STARTTLS with (with `implicitTLS`: to speak TLS from the
    /// first byte, as on port 465, and offer no STARTTLS); `smtpUTF8`: offer SMTPUTF8 (RFC 6531);
    /// `auth`: "user:password" to require;
    /// `stall`: seconds to wait before answering the end of a message (it is stored first);
    /// `rcptStall`: seconds to wait before answering the first RCPT, once.
    public init(dataReplies: [Int] = [], rcptReplies: [String: Int] = [:], tls: (certificate: String, key: String)? = nil,
                requireTLS: Bool = false, implicitTLS: Bool = false, smtpUTF8: Bool = false, auth: String? = nil, stall: Double = 0, rcptStall: Double = 0) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.repository.appendingPathComponent(".venv-smtp/bin/python").path) else {
            throw PeerProcess.NotStarted(description: "The SMTP test server needs aiosmtpd: run scripts/peers/setup-smtp-venv.sh once (it makes .venv-smtp in the repository).")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["--dir", directory.appendingPathComponent("mail").path]
        for code in dataReplies { arguments += ["--data-reply", String(code)] }
        for (address, code) in rcptReplies { arguments += ["--rcpt-reply", "\(address)=\(code)"] }
        if let tls { arguments += ["--tls", tls.certificate, tls.key] }
        if requireTLS { arguments.append("--require-tls") }
        if implicitTLS { arguments.append("--implicit-tls") }
        if smtpUTF8 { arguments.append("--smtputf8") }
        if let auth { arguments += ["--auth", auth] }
        if stall > 0 { arguments += ["--stall", String(stall)] }
        if rcptStall > 0 { arguments += ["--rcpt-stall", String(rcptStall)] }
        let readyFile = directory.appendingPathComponent("ready")
        let log = directory.appendingPathComponent("output.log")
        let child = try SpawnedProcess(["python3", Self.script.path] + arguments + ["--ready-file", readyFile.path], output: log.path)
        let deadline = Date().addingTimeInterval(20)
        var line = ""
        while Date() < deadline, child.isRunning {
            if let text = try? String(contentsOf: readyFile, encoding: .utf8), text.hasPrefix("READY") {
                line = text
                break
            }
            usleep(10_000)
        }
        let p = line.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { word -> Int? in
            let kv = word.split(separator: "=")
            return kv.count == 2 && kv[0] == "port" ? Int(kv[1]) : nil
        }.first
        guard let p else {
            child.stop(grace: 1)
            throw PeerProcess.NotStarted(description: "smtp_sink.py did not start: " + ((try? String(contentsOf: log, encoding: .utf8)) ?? "no ready line within 20 s"))
        }
        process = child
        port = p
    }

    /// `init` on a thread of its own: starting the peer blocks (process launch, waiting for its
    /// ready line), which must not hold a thread of the cooperative pool that the test's own
    /// async work needs (the whole suite runs in parallel on 2 threads).
    public static func start(dataReplies: [Int] = [], rcptReplies: [String: Int] = [:], tls: (certificate: String, key: String)? = nil,
                             requireTLS: Bool = false, implicitTLS: Bool = false, smtpUTF8: Bool = false, auth: String? = nil, stall: Double = 0,
                             rcptStall: Double = 0) async throws -> SMTPSinkPeer {
        let tlsFiles = tls.map { [$0.certificate, $0.key] }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    try SMTPSinkPeer(dataReplies: dataReplies, rcptReplies: rcptReplies, tls: tlsFiles.map { ($0[0], $0[1]) },
                                     requireTLS: requireTLS, implicitTLS: implicitTLS, smtpUTF8: smtpUTF8, auth: auth, stall: stall, rcptStall: rcptStall)
                })
            }
        }
    }

    deinit {
        process?.stop(grace: 2)
        try? FileManager.default.removeItem(at: directory)
    }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// `smtps://127.0.0.1:PORT`, for a server started with `implicitTLS`.
    public var smtpsURL: String { "smtps://127.0.0.1:\(port)" }

    /// One message as the server stored it.
    public struct Received: Sendable {
        /// The bytes after DATA, as the server has them (dot-stuffing undone).
        public var raw: [UInt8]
        /// MAIL FROM.
        public var mailFrom: String
        /// RCPT TO, in order.
        public var recipients: [String]
        /// Whether the session was under TLS when the message came.
        public var tls: Bool
        /// How TLS began: `implicit` (from the first byte), `starttls`, or nil.
        public var tlsMode: String?
        /// The TLS version the server negotiated (e.g. `TLSv1.3`), or nil.
        public var tlsVersion: String?
        /// Whether MAIL FROM asked for SMTPUTF8.
        public var smtpUTF8: Bool
        /// The login the session authenticated as.
        public var auth: String?
        /// The raw message as text.
        public var text: String { String(decoding: raw, as: UTF8.self) }
    }

    /// Every message accepted so far, in the order received.
    public func messages() -> [Received] {
        let mail = directory.appendingPathComponent("mail")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            let stem = mail.appendingPathComponent(String(name.dropLast(5)))
            guard let meta = FileManager.default.contents(atPath: stem.path + ".json").flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }),
                  let raw = FileManager.default.contents(atPath: stem.path + ".eml") else { return nil }
            return Received(raw: Array(raw), mailFrom: meta["mail_from"] as? String ?? "", recipients: meta["rcpt_tos"] as? [String] ?? [],
                            tls: meta["tls"] as? Bool ?? false, tlsMode: meta["tls_mode"] as? String, tlsVersion: meta["tls_version"] as? String,
                            smtpUTF8: meta["smtputf8"] as? Bool ?? false, auth: meta["auth"] as? String)
        }
    }

    /// Waits up to `seconds` for at least `count` messages; returns what there is then.
    public func waitForMessages(_ count: Int, seconds: Double = 20) async -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        var got = messages()
        while got.count < count, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            got = messages()
        }
        return got
    }

    /// What the server printed (its errors, when a test fails).
    public func output() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("output.log"), encoding: .utf8)) ?? ""
    }

    /// A private CA and a certificate for 127.0.0.1 and localhost signed by it, made by openssl in
    /// `directory`: (ca.pem, server.pem, server.key).
    public static func makeCertificates(in directory: URL) throws -> (ca: String, certificate: String, key: String) {
        let d = directory.path
        let script = """
            set -e; cd '\(d)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=packstation mail test CA' 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null
            """
        guard try SpawnedProcess(["/bin/sh", "-c", script], output: nil).exitCode == 0 else {
            throw PeerProcess.NotStarted(description: "openssl could not make the test certificates in \(d)")
        }
        return (d + "/ca.pem", d + "/server.pem", d + "/server.key")
    }
}
