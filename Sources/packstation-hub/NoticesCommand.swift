import ArgumentParser
import Foundation
import Hub
import Logging
import Mail

/// `packstation-hub serve`'s notice options: with --smtp and --mail-from the hub e-mails each
/// customer whose order ships (docs/notices.md).
struct NoticeOptions: ParsableArguments {
    @Option(name: .customLong("smtp"), help: ArgumentHelp("E-mail customers when their order ships, through this SMTP server: smtp://HOST[:PORT] (STARTTLS when offered; ?starttls=required or never), or smtps://HOST[:PORT]. Needs --mail-from.", valueName: "URL"))
    var smtp: String?
    @Option(name: .customLong("mail-from"), help: ArgumentHelp("The sender of notices: 'Shop <notices@shop.example>' or an address.", valueName: "ADDRESS"))
    var mailFrom: String?
    @Option(name: .customLong("mail-reply-to"), help: ArgumentHelp("Where customers' replies go, when not --mail-from.", valueName: "ADDRESS"))
    var mailReplyTo: String?
    @Option(name: .customLong("smtp-user"), help: "The SMTP login (AUTH PLAIN or LOGIN; over TLS, or to a loopback server).")
    var smtpUser: String?
    @Option(name: .customLong("smtp-password-file"), help: ArgumentHelp("A file holding the SMTP password (or PACKSTATION_HUB_SMTP_PASSWORD).", valueName: "FILE"))
    var smtpPasswordFile: String?
    @Option(name: .customLong("smtp-ca-file"), help: ArgumentHelp("Trust the SMTP server's certificate from these PEM CAs instead of the system's.", valueName: "FILE"))
    var smtpCAFile: String?
    @Option(name: .customLong("notice-templates"), help: ArgumentHelp("A directory of shipped.LANG.txt (and .html) templates replacing or adding to the built-in es and en.", valueName: "DIR"))
    var noticeTemplates: String?
    @Option(name: .customLong("tracking-url"), help: ArgumentHelp("A carrier's tracking page, CARRIER=URL with {tracking} (repeatable; replaces the default for DHL, UPS, FedEx, USPS, Correos, SEUR, GLS).", valueName: "CARRIER=URL"))
    var trackingURLs: [String] = []
    @Option(name: .customLong("notice-retry"), help: "Seconds before a notice that failed for a temporary reason is tried again; doubled each time, up to an hour.")
    var noticeRetry = 60.0
    @Option(name: .customLong("notice-attempts"), help: "Attempts before such a notice is marked failed.")
    var noticeAttempts = 10
    @Option(name: .customLong("notice-max-age"), help: "Hours: a shipment older than this when notices first see it is skipped, not announced.")
    var noticeMaxAge = 48.0

    func validate() throws {
        guard (smtp == nil) == (mailFrom == nil) else { throw ValidationError("--smtp and --mail-from go together: give both to e-mail customers, or neither.") }
        guard noticeRetry > 0, noticeRetry <= 86400, noticeAttempts >= 1, noticeAttempts <= 1000, noticeMaxAge > 0 else {
            throw ValidationError("--notice-retry must be in (0, 86400] seconds, --notice-attempts 1 to 1000, --notice-max-age above 0 hours.")
        }
    }

    /// The notice worker these options describe, or nil when notices are off.
    func makeWorker(store: HubStore, logger: Logger) throws -> NoticeWorker? {
        guard let smtp, let mailFrom else { return nil }
        var smtpConfiguration: SMTPConfiguration
        do { smtpConfiguration = try SMTPConfiguration(url: smtp) } catch { throw ValidationError(error.message) }
        smtpConfiguration.caFile = smtpCAFile
        smtpConfiguration.username = smtpUser
        if smtpUser != nil {
            if let smtpPasswordFile {
                guard let text = try? String(contentsOfFile: smtpPasswordFile, encoding: .utf8) else {
                    throw ValidationError("--smtp-password-file \(smtpPasswordFile) does not exist or cannot be read.")
                }
                smtpConfiguration.password = text.trimmingCharacters(in: .newlines)
            } else if let password = ProcessInfo.processInfo.environment["PACKSTATION_HUB_SMTP_PASSWORD"] {
                smtpConfiguration.password = password
            } else {
                throw ValidationError("--smtp-user needs the password: --smtp-password-file FILE or PACKSTATION_HUB_SMTP_PASSWORD.")
            }
        }
        if let smtpCAFile, !FileManager.default.isReadableFile(atPath: smtpCAFile) {
            throw ValidationError("--smtp-ca-file \(smtpCAFile) does not exist or cannot be read.")
        }
        var configuration = try NoticeConfiguration(
            smtp: smtpConfiguration, from: NoticeConfiguration.address(mailFrom, option: "--mail-from"),
            replyTo: mailReplyTo.map { try NoticeConfiguration.address($0, option: "--mail-reply-to") })
        if let noticeTemplates { configuration.templates = try NoticeTemplates(directory: noticeTemplates) }
        configuration.trackingLinks = try NoticeTrackingLinks(overrides: trackingURLs)
        configuration.retryDelay = .milliseconds(Int64(noticeRetry * 1000))
        configuration.maximumAttempts = noticeAttempts
        configuration.maximumEventAge = .seconds(Int64(noticeMaxAge * 3600))
        return NoticeWorker(store: store, configuration: configuration, logger: logger)
    }
}

/// `packstation-hub notices list|retry`: the customer e-mails the hub sent, is sending, or could not send.
struct NoticesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices", abstract: "The customer e-mail outbox: list notices, send failed ones again (docs/notices.md).",
        subcommands: [List.self, Retry.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Notices, newest first.",
            discussion: "Columns: id, order, state (pending, attempting, sending, sent, failed, unknown, skipped), attempts, recipient, language, when (sent, next attempt, or last change), last error or the server's reply.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "Only notices in this state (e.g. failed, unknown).") var state: String?
        @Option(help: "Only the notices of this order.") var order: String?
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "One JSON object per line instead of columns.") var json = false

        func run() throws {
            let states = ["pending", "attempting", "sending", "sent", "failed", "unknown", "skipped"]
            if let state, !states.contains(state) { throw ValidationError("--state \(state): one of \(states.joined(separator: ", ")).") }
            let iso = ISO8601DateFormatter()
            for n in try database.open().listNotices(state: state, orderID: order, limit: limit) {
                let when = n.state == "sent" ? n.sentAt : n.state == "pending" ? n.nextAttemptAt : n.updatedAt
                let note = (n.state == "sent" ? n.serverReply : n.lastError) ?? ""
                if json {
                    let fields: [String: Any] = [
                        "id": n.id, "order_id": n.orderID, "event_id": n.eventID, "state": n.state, "attempts": n.attempts, "recipient": n.recipient ?? NSNull(),
                        "language": n.language ?? NSNull(), "at": when.map { iso.string(from: $0) } ?? NSNull(), "last_error": n.lastError ?? NSNull(),
                        "last_code": n.lastCode ?? NSNull(), "server_reply": n.serverReply ?? NSNull(),
                    ]
                    let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    let row = [String(n.id), n.orderID, n.state, String(n.attempts), n.recipient ?? "-", n.language ?? "-", when.map { iso.string(from: $0) } ?? "-", note]
                    // Tabs and line breaks in an order id or a server's text would break the columns.
                    print(row.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\t"))
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed or unknown notices again (an unknown one may then arrive twice).",
            discussion: "With no id, every failed notice. A running hub sends them within its poll interval (5 s).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The notices' ids (from `notices list`).") var ids: [Int64] = []

        func run() throws {
            let done = try database.open().retryNotices(ids: ids)
            print(done.isEmpty ? "no failed notice to send again" : "\(done.count) notice(s) will be sent again: \(done.map(String.init).joined(separator: " "))")
        }
    }
}
