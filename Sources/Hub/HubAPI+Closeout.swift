import Foundation
import Hummingbird
import NIOCore
import PackCore

/// The close-out's admin endpoints (docs/dock.md): close a carrier's day, list close-outs, fetch
/// a manifest's PDF or CSV, reopen a day.
extension HubAPI {
    /// Largest close-out or reopen body: `{carrier, date, allow_missing, by, paper, print, reason}`.
    static let maximumCloseoutBytes = 16 << 10

    func addCloseoutRoutes(_ admin: RouterGroup<HubRequestContext>) {
        admin.get("closeouts") { request, _ in
            let carrier = request.uri.queryParameters["carrier"].map(String.init)
            let day = try request.uri.queryParameters["date"].map { d throws(HubError) in try DockDay.parse(String(d)) }
            return Self.json(.object([("closeouts", .array(try await store.listCloseouts(carrier: carrier, day: day, limit: try Self.limit(request))))]))
        }
        admin.get("closeouts/:id/pdf") { _, context in try await manifestFile(context, format: "pdf") }
        admin.get("closeouts/:id/csv") { _, context in try await manifestFile(context, format: "csv") }
        let posts = admin.group().add(middleware: JSONBody(limit: Self.maximumCloseoutBytes))
        posts.post("closeouts") { _, context in try await closeOut(context) }
        posts.post("closeouts/reopen") { _, context in try await reopen(context) }
    }

    private func manifestFile(_ context: HubRequestContext, format: String) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let bytes = try await store.manifestFile(id, format: format)
        let type = format == "pdf" ? "application/pdf" : "text/csv; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store", .contentDisposition: "attachment; filename=\"manifest-\(id).\(format)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `POST /v1/admin/closeouts`: `{carrier, date?, allow_missing?, by, paper?, print?: {station, printer?}}`.
    private func closeOut(_ context: HubRequestContext) async throws -> Response {
        let body = try Self.parse(context.body)
        let fields = try Self.fields(body, allowed: ["carrier", "date", "allow_missing", "by", "paper", "print"])
        var problems = ProblemList()
        let carrier = ResultBatch.string(fields["carrier"], "carrier", &problems, maxLength: 64)
        let by = ResultBatch.string(fields["by"], "by", &problems, maxLength: 200)
        let date = ResultBatch.optionalString(fields["date"], "date", &problems, maxLength: 10)
        var allowMissing = false
        switch fields["allow_missing"] {
        case nil, .null?: break
        case .bool(let b)?: allowMissing = b
        case let v?: problems.append("allow_missing", "expected true or false, found \(v.typeDescription)")
        }
        var paper = Manifest.Paper.a4
        if let p = ResultBatch.optionalString(fields["paper"], "paper", &problems, maxLength: 10) {
            if let known = Manifest.Paper(rawValue: p) { paper = known } else { problems.append("paper", "must be a4 or letter, not '\(p)'") }
        }
        var printAt: (station: String, printer: String?)?
        if let print = fields["print"], print != .null {
            let p = try Self.fields(print, allowed: ["station", "printer"], path: "print")
            let station = ResultBatch.string(p["station"], "print.station", &problems, maxLength: 64)
            let printer = ResultBatch.optionalString(p["printer"], "print.printer", &problems, maxLength: 200)
            if let station { printAt = (station, printer) }
        }
        guard problems.isEmpty, let carrier, let by else {
            throw HubError(422, "wrong_type", "The close-out body has \(problems.count) problem(s); nothing was closed.", problems: problems)
        }
        guard let renderer = manifestRenderer else {
            throw HubError(503, "no_manifest_renderer", "This hub was built without a manifest renderer; close out with `packstation-hub closeout`. Nothing was closed.")
        }
        let day = try DockDay.parse(date)
        if let printAt { try store.checkStationExists(printAt.station) }
        let closed = try await store.closeOut(carrier: carrier, day: day, allowMissing: allowMissing, by: by, paper: paper, render: renderer)
        var answer = closed.json
        if let printAt, case .object(var members) = answer {
            let run = try await store.printManifest(closed.manifest.id, station: printAt.station, printer: printAt.printer)
            members.append(("label_run", .string(String(run))))
            answer = .object(members)
        } else if case .object(var members) = answer {
            members.append(("label_run", .null))
            answer = .object(members)
        }
        return Self.json(answer, status: .created)
    }

    /// `POST /v1/admin/closeouts/reopen`: `{carrier, date, reason, by}`.
    private func reopen(_ context: HubRequestContext) async throws -> Response {
        let body = try Self.parse(context.body)
        let fields = try Self.fields(body, allowed: ["carrier", "date", "reason", "by"])
        var problems = ProblemList()
        let carrier = ResultBatch.string(fields["carrier"], "carrier", &problems, maxLength: 64)
        let date = ResultBatch.string(fields["date"], "date", &problems, maxLength: 10)
        let reason = ResultBatch.string(fields["reason"], "reason", &problems, maxLength: 2000)
        let by = ResultBatch.string(fields["by"], "by", &problems, maxLength: 200)
        guard problems.isEmpty, let carrier, let date, let reason, let by else {
            throw HubError(422, "wrong_type", "The reopen body has \(problems.count) problem(s); nothing was reopened.", problems: problems)
        }
        return Self.json(try await store.reopenCloseout(carrier: carrier, day: try DockDay.parse(date), reason: reason, by: by))
    }

    /// An object's members by name; 422 naming an unknown member.
    static func fields(_ value: JSONValue, allowed: Set<String>, path: String? = nil) throws(HubError) -> [String: JSONValue] {
        guard case .object(let members) = value else {
            throw HubError(422, "wrong_type", "\(path ?? "The body") must be an object, not \(value.typeDescription).")
        }
        var out: [String: JSONValue] = [:]
        for (k, v) in members {
            guard allowed.contains(k) else {
                throw HubError(422, "wrong_type", "\(path.map { "\($0) has" } ?? "The body has") an unknown member '\(k.prefix(40))'; it holds \(allowed.sorted().joined(separator: ", ")).",
                               problems: [.init(path: path.map { "\($0).\(k)" } ?? k, message: "unknown member")])
            }
            out[k] = v
        }
        return out
    }
}
