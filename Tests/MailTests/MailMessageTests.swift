import Foundation
import Testing
import TestPeers
@testable import Mail

/// Messages read back by Python's email package: what the customer's mail program shows.
@Suite struct MailMessageTests {
    static let from = try! MailAddress("avisos@tienda.example", name: "Tienda Ñandú")

    func message(to: MailAddress, subject: String, text: String, html: String? = nil) -> MailMessage {
        MailMessage(from: Self.from, to: [to], subject: subject, text: text, html: html, messageID: "notice-1.7@hub.example",
                    date: Date(timeIntervalSince1970: 1_796_507_741), extraHeaders: [("Auto-Submitted", "auto-generated")])
    }

    @Test(arguments: [
        ("José Pérez", "Tu pedido #1001 está en camino 📦"),
        ("Zoë O'Brien-Łukasiewicz", "Your order #1001 has shipped"),
        ("\"Quoted\" <b>name</b>, Jr.", "Ünïcödé " + String(repeating: "ñ", count: 120)),
        ("山田 太郎", "ご注文の商品を発送しました"),
    ])
    func namesAndSubjectsReadBackExactlyWithShortASCIILines(name: String, subject: String) throws {
        let to = try MailAddress("cliente@example.com", name: name)
        let raw = message(to: to, subject: subject, text: "Hola \(name),\n\nTu pedido va en camino.\n").rendered()
        let parsed = try ParsedMail(raw)
        #expect(parsed.subject == subject)
        #expect(parsed.to.first?["name"] == name)
        #expect(parsed.to.first?["address"] == "cliente@example.com")
        #expect(parsed.fromName == "Tienda Ñandú")
        #expect(parsed.text == "Hola \(name),\n\nTu pedido va en camino.\n")
        #expect(parsed.longestLine <= 78)
        #expect(parsed.nonASCIIBytes == 0)
        #expect(parsed.bareLineFeeds == 0)
        #expect(parsed.defects.isEmpty)
    }

    @Test func eachEncodedWordIsAtMost75CharactersAndNoCharacterIsSplit() {
        let words = HeaderText.encodedWords(String(repeating: "é", count: 100) + "👨‍👩‍👧‍👦" + String(repeating: "a", count: 50))
        #expect(words.count > 3)
        for w in words {
            #expect(w.count <= 75)
            let b64 = w.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = Data(base64Encoded: String(b64)).map(Array.init) ?? []
            #expect(String(validating: bytes, as: UTF8.self) != nil, "\(w) is not whole UTF-8")
        }
    }

    @Test func aLineBreakInASubjectOrNameCannotAddAHeader() throws {
        let to = try MailAddress("x@example.com", name: "Eve\r\nBcc: victim@example.com")
        let raw = message(to: to, subject: "Hi\r\nBcc: victim@example.com\r\n\r\nfake body", text: "real body").rendered()
        let parsed = try ParsedMail(raw)
        #expect(!parsed.headers.contains { $0.lowercased() == "bcc" })
        #expect(parsed.subject == "Hi Bcc: victim@example.com fake body")
        #expect(parsed.text == "real body\n")  // a body ends with a line break
    }

    @Test func htmlAndTextAlternativesBothDecode() throws {
        let text = "Línea 1\n.empieza con punto\n=igual\n" + String(repeating: "x", count: 200) + "\nfin  \n"
        let html = "<p>Hola <b>José</b></p>\n<p>.punto</p>"
        let raw = message(to: try MailAddress("c@example.com"), subject: "s", text: text, html: html).rendered()
        let parsed = try ParsedMail(raw)
        #expect(parsed.json["content_type"] as? String == "multipart/alternative")
        #expect(parsed.text == text)
        #expect(parsed.html == html)
        #expect(parsed.longestLine <= 78)
        #expect(parsed.json["message_id"] as? String == "<notice-1.7@hub.example>")
        #expect(parsed.headers.contains("Auto-Submitted"))
    }

    @Test func dateIsRFC5322InUTC() {
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_796_507_741)) == "Sat, 05 Dec 2026 21:55:41 +0000")
    }

    @Test(arguments: [
        ("a.b@example.com", true), ("josé@ejemplo.es", true), ("", false), ("no-at.example.com", false), ("a@b@c", false),
        ("a b@example.com", false), ("a@example.com\r\nRCPT TO:<x@y>", false), ("<a@example.com>", false), ("a@.example.com", false),
        ("@example.com", false), ("a@", false), (String(repeating: "a", count: 65) + "@example.com", false),
        ("a@" + String(repeating: "b", count: 260), false),
    ])
    func addressesThatCannotGoIntoAnEnvelopeAreRefused(address: String, ok: Bool) {
        #expect(((try? MailAddress(address)) != nil) == ok)
    }

    @Test(arguments: [
        ("a\r\nb", "a\r\nb\r\n"), (".\r\n", "..\r\n"), ("x\n.y\n..z", "x\r\n..y\r\n...z\r\n"), ("a\rb.", "a\r\nb.\r\n"), ("", "\r\n"),
    ])
    func dotStuffingDoublesALeadingDotAndEndsEveryLineInCRLF(input: String, output: String) {
        #expect(DotStuffing.stuff(Array(input.utf8)) == Array(output.utf8))
    }

    @Test(arguments: [
        "250-sink.test\r\n250-SIZE 1000\r\n250-AUTH LOGIN PLAIN\r\n250 STARTTLS\r\n",
        "250-sink.test\n250-SIZE 1000\n250-AUTH LOGIN PLAIN\n250 STARTTLS\n",
    ])
    func multilineRepliesAndExtensionsAreRead(text: String) throws {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for b in text.utf8 { replies += try parser.feed([b]) }  // one byte at a time: any split works
        #expect(replies.count == 1)
        let ext = SMTPExtensions(ehlo: try #require(replies.first))
        #expect(ext.maximumSize == 1000 && ext.startTLS && ext.authMechanisms == ["LOGIN", "PLAIN"])
    }

    @Test(arguments: ["HTTP/1.1 400 Bad Request\r\n", "250-a\r\n251 b\r\n", String(repeating: "2", count: 5000)])
    func whatIsNotSMTPIsAProtocolError(text: String) {
        var parser = SMTPReplyParser()
        #expect(throws: MailError.self) { _ = try parser.feed(Array(text.utf8)) }
    }

    @Test(arguments: [
        ("smtp://mail.example.com", "mail.example.com", 25, SMTPConfiguration.TLSMode.whenOffered),
        ("smtp://127.0.0.1:2525?starttls=required", "127.0.0.1", 2525, .required),
        ("smtp://[::1]:2525?starttls=never", "::1", 2525, .never),
        ("smtps://mail.example.com", "mail.example.com", 465, .implicit),
    ])
    func smtpURLs(url: String, host: String, port: Int, tls: SMTPConfiguration.TLSMode) throws {
        let c = try SMTPConfiguration(url: url)
        #expect(c.host == host && c.port == port && c.tls == tls)
    }

    @Test(arguments: ["http://mail.example.com", "smtp://user:pw@mail.example.com", "smtp://mail.example.com/x", "smtps://h?starttls=never", "smtp://h?tls=1", "mail.example.com"])
    func badSMTPURLsSayWhatToGive(url: String) {
        #expect { try SMTPConfiguration(url: url) } throws: { ($0 as? MailError)?.message.contains("smtp://HOST[:PORT]") == true }
    }
}
