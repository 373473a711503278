import Foundation
import Hummingbird
import NIOCore
import PackCore

/// The station's side of label runs: what a run prints, and its progress.
extension HubAPI {
    /// `GET /v1/label-runs/{id}/labels`: the run's orders as JSON lines, or its label file as
    /// stored; only to the station the run is assigned to.
    func labelRunLabels(_ context: HubRequestContext) async throws -> Response {
        let station = try context.requireStation()
        let runID = try Self.runID(context)
        let labels = try await store.labelRunLabels(run: runID, for: station)
        let type = labels.kind == "orders" ? "application/x-ndjson" : (labels.name.lowercased().hasSuffix(".pdf") ? "application/pdf" : "application/octet-stream")
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: labels.bytes)))
    }

    /// `POST /v1/label-runs/{id}/progress`: `{"printed", "state"}`, with `total` once a label
    /// file's labels are counted and `reason` when the run failed.
    func progress(_ context: HubRequestContext) async throws -> Response {
        let station = try context.requireStation()
        let runID = try Self.runID(context)
        let doc = try Self.parse(context.body)
        guard case .object(let members) = doc else { throw HubError(422, "wrong_type", "The body must be an object {\"printed\": N, \"state\": S}, not \(doc.typeDescription).") }
        let fields: Set<String> = ["printed", "state", "total", "reason"]
        if let unknown = members.first(where: { !fields.contains($0.0) }) {
            throw HubError(422, "wrong_type", "The body holds \"printed\", \"state\", \"total\" and \"reason\" only.", problems: [.init(path: unknown.0, message: "unknown field; expected printed, state, total, reason")])
        }
        guard let printed = doc["printed"]?.wholeNumber, printed >= 0 else {
            throw HubError(422, "wrong_type", "printed must be a whole number, 0 or more.", problems: [.init(path: "printed", message: "expected a whole number >= 0, found \(Self.describe(doc["printed"]))")])
        }
        guard case .string(let state)? = doc["state"] else {
            throw HubError(422, "wrong_type", "state must be a string.", problems: [.init(path: "state", message: "expected a string, found \(doc["state"]?.typeDescription ?? "nothing")")])
        }
        var total: Int?
        if let value = doc["total"], value != .null {
            guard let n = value.wholeNumber, n >= 0 else {
                throw HubError(422, "wrong_type", "total must be a whole number, 0 or more.", problems: [.init(path: "total", message: "expected a whole number >= 0, found \(Self.describe(value))")])
            }
            total = n
        }
        var reason: String?
        if let value = doc["reason"], value != .null {
            // Characters (Unicode scalars), as the schema's maxLength counts them.
            guard case .string(let text) = value, text.unicodeScalars.count <= 2000 else {
                throw HubError(422, "wrong_type", "reason must be a string of at most 2000 characters.", problems: [.init(path: "reason", message: "expected a string of at most 2000 characters, found \(value.typeDescription)")])
            }
            reason = text
        }
        return Self.json(try await store.reportProgress(run: runID, printed: printed, state: state, total: total, reason: reason, from: station))
    }

    static func runID(_ context: HubRequestContext) throws(HubError) -> Int64 {
        let id = context.parameters.get("id") ?? ""
        guard let runID = Int64(id) else { throw HubError(404, "unknown_run", "Label run '\(id)' does not exist.") }
        return runID
    }
}
