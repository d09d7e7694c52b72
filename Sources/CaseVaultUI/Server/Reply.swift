import CaseVaultCore
import HTTPTypes
import Hummingbird

/// Responses, each with the security headers every page and refusal carries.
enum Reply {
    static func html(_ text: String, status: HTTPResponse.Status = .ok, extra: [(String, String)] = []) -> Response {
        make(status: status, contentType: "text/html; charset=utf-8", body: text, extra: extra)
    }

    static func css(_ text: String) -> Response {
        make(status: .ok, contentType: "text/css; charset=utf-8", body: text, extra: [])
    }

    /// After a successful POST: the browser loads the next page with GET (no resubmission).
    static func seeOther(_ location: String, extra: [(String, String)] = []) -> Response {
        make(status: .seeOther, contentType: "text/plain; charset=utf-8", body: "", extra: [("Location", location)] + extra)
    }

    /// A case document shown in the browser itself (never a download): its own type, a file
    /// name that says nothing, and a policy that lets the browser's viewer show it and nothing else.
    static func document(_ bytes: UnsafeRawBufferPointer, kind: DocumentKind, number: Int) -> Response {
        let type = switch kind { case .pdf: "application/pdf"; case .jpeg: "image/jpeg"; case .png: "image/png" }
        var headers = headerFields(contentType: type, policy: SecurityHeaders.documentPolicy,
                                   extra: [("Content-Disposition", "inline; filename=\"dokument-\(number).\(kind.fileExtension)\"")])
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func make(status: HTTPResponse.Status, contentType: String, body: String, extra: [(String, String)]) -> Response {
        let headers = headerFields(contentType: contentType, policy: SecurityHeaders.contentSecurityPolicy, extra: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    private static func headerFields(contentType: String, policy: String, extra: [(String, String)]) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentSecurityPolicy] = policy
        for (name, value) in SecurityHeaders.all + extra.map({ (name: $0.0, value: $0.1) }) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return headers
    }
}
