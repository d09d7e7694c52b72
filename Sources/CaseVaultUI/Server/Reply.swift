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

    private static func make(status: HTTPResponse.Status, contentType: String, body: String, extra: [(String, String)]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        for (name, value) in SecurityHeaders.all + extra.map({ (name: $0.0, value: $0.1) }) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
