import Foundation

/// The tracking page of each carrier, as a URL template with `{tracking}` where the (escaped)
/// tracking number goes. Sane defaults for DHL, UPS, FedEx, USPS, Correos, SEUR and GLS;
/// `--tracking-url CARRIER=URL` replaces or adds one.
public struct NoticeTrackingLinks: Sendable {
    /// Templates by carrier key (lowercase letters and digits of the carrier's name).
    public private(set) var templates: [String: String]

    /// The defaults.
    public static let defaults: [String: String] = [
        "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={tracking}",
        "ups": "https://www.ups.com/track?tracknum={tracking}",
        "fedex": "https://www.fedex.com/fedextrack/?trknbr={tracking}",
        "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking}",
        "correos": "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number={tracking}",
        "seur": "https://www.seur.com/livetracking/?segOnlineIdentificador={tracking}",
        "gls": "https://gls-group.com/track/{tracking}",
    ]

    /// The defaults with `overrides` ("CARRIER=URL") applied; each URL must be http(s) and hold `{tracking}`.
    public init(overrides: [String] = []) throws(HubError) {
        templates = Self.defaults
        for item in overrides {
            guard let eq = item.firstIndex(of: "=") else {
                throw HubError(400, "bad_tracking_url", "--tracking-url \(item): give CARRIER=URL, e.g. 'MRW=https://www.mrw.es/seguimiento?n={tracking}'.")
            }
            let carrier = Self.key(String(item[..<eq]))
            let url = String(item[item.index(after: eq)...])
            guard !carrier.isEmpty, url.hasPrefix("https://") || url.hasPrefix("http://"), url.contains("{tracking}"),
                  url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "<" && $0 != ">" })
            else {
                throw HubError(400, "bad_tracking_url", "--tracking-url \(item): the URL must start with https:// (or http://), hold {tracking} where the number goes, and have no spaces or quotes.")
            }
            templates[carrier] = url
        }
    }

    /// The tracking link of `number` with `carrier` ("DHL Express" uses DHL's), nil when the
    /// carrier has no template or there is no number.
    public func link(carrier: String, number: String) -> String? {
        let key = Self.key(carrier)
        guard !number.isEmpty, !key.isEmpty else { return nil }
        let match = templates[key] ?? templates.keys.filter { key.hasPrefix($0) }.max { $0.count < $1.count }.flatMap { templates[$0] }
        return match.map { $0.replacingOccurrences(of: "{tracking}", with: Self.escape(number)) }
    }

    static func key(_ carrier: String) -> String {
        String(carrier.lowercased().unicodeScalars.filter { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") }.map(Character.init))
    }

    /// Percent-encodes everything but ASCII letters, digits, '-', '.', '_' and '~'.
    static func escape(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || "-._~".contains(c) { out.append(c) } else {
                out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
