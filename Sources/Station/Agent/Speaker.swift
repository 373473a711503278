import Foundation
import Logging
import PackCore

/// Scan feedback through the box's own sound card, for benches without a screen
/// (`kiosk.sound = "speaker"` or `"both"`): one short WAV per tone, played with ALSA's
/// `aplay` (alsa-utils). Never blocks a verdict: a sound still playing is cut by the next.
final class Speaker: @unchecked Sendable {
    enum Tone: String, CaseIterable { case good, bad, done, info }

    private let files: [Tone: String]
    private let device: String?
    private let logger: Logger
    private let lock = NSLock()
    private var playing: Process?

    /// Writes the tones into `directory`; nil when they cannot be written.
    init?(directory: String, device: String?, logger: Logger) {
        var files: [Tone: String] = [:]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for tone in Tone.allCases {
                let path = (directory as NSString).appendingPathComponent("\(tone.rawValue).wav")
                try Data(Self.wav(tone)).write(to: URL(fileURLWithPath: path))
                files[tone] = path
            }
        } catch {
            logger.error("cannot write the feedback sounds", metadata: ["directory": "\(directory)", "error": "\(error)"])
            return nil
        }
        self.files = files
        self.device = device
        self.logger = logger
    }

    /// The tone of a verdict, as the kiosk page colours it.
    static func tone(_ kind: Verdict.Kind) -> Tone {
        switch kind {
        case .accepted, .orderOpened, .quantitySet, .overrideAccepted, .signedIn, .approvalGiven, .loaded, .loadStarted: .good
        case .orderComplete, .boxClosed, .labelsReprinted, .labelVoided: .done
        case .undone, .lineShorted, .confirmSwitch, .shortPending, .orderAbandoned, .supervisorRequired, .signedOut, .approvalRequired, .alreadyLoaded, .loadEnded: .info
        default: .bad
        }
    }

    func play(_ tone: Tone) {
        guard let file = files[tone] else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/aplay")
        process.arguments = ["-q"] + (device.map { ["-D", $0] } ?? []) + [file]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        lock.lock()
        defer { lock.unlock() }
        if let previous = playing, previous.isRunning { previous.terminate() }
        let logger = logger
        let device = device ?? "default"
        process.terminationHandler = { p in
            if p.terminationReason == .exit && p.terminationStatus != 0 {
                logger.warning("aplay could not play a feedback sound; check kiosk.sound_device and the sound card", metadata: ["device": "\(device)", "status": "\(p.terminationStatus)"])
            } else if p.terminationReason == .exit {
                logger.debug("feedback sound played", metadata: ["tone": "\(tone.rawValue)", "device": "\(device)"])
            }
        }
        do {
            try process.run()
            playing = process
            logger.debug("feedback sound started", metadata: ["tone": "\(tone.rawValue)", "device": "\(device)"])
        } catch {
            logger.warning("cannot play a feedback sound (is alsa-utils installed?)", metadata: ["error": "\(error)"])
        }
    }

    /// A 16-bit mono 22,050 Hz WAV of the tone: the same notes the kiosk page plays.
    static func wav(_ tone: Tone) -> [UInt8] {
        let notes: [(hz: Double, seconds: Double, square: Bool)] = switch tone {
        case .good: [(1320, 0.09, false)]
        case .bad: [(196, 0.32, true), (147, 0.32, true)]
        case .done: [(784, 0.16, false), (988, 0.16, false), (1319, 0.16, false)]
        case .info: [(660, 0.06, false)]
        }
        let rate = 22_050.0
        var samples: [Int16] = []
        for note in notes {
            let n = Int(note.seconds * rate)
            for i in 0..<n {
                let t = Double(i) / rate
                let phase = sin(2 * .pi * note.hz * t)
                let wave = note.square ? (phase >= 0 ? 1.0 : -1.0) : phase
                let envelope = exp(-4.0 * t / note.seconds)   // a struck, decaying note
                samples.append(Int16(wave * envelope * 0.35 * Double(Int16.max)))
            }
        }
        func le32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
        func le16(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt16(v).littleEndian, Array.init) }
        let data = samples.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        return Array("RIFF".utf8) + le32(36 + data.count) + Array("WAVE".utf8)
            + Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(Int(rate)) + le32(Int(rate) * 2) + le16(2) + le16(16)
            + Array("data".utf8) + le32(data.count) + data
    }
}
