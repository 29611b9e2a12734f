public import ChronicleHTTP
import Foundation
import HTTPTypes
import NIOCore
public import Vapor

extension ChronicleHTTPError {
    /// The Vapor response: the status, the headers and the JSON body, the same bytes
    /// ChronicleHummingbird sends.
    public var vaporResponse: Response {
        Response(status: HTTPResponseStatus(statusCode: Int(status.code)), headers: HTTPHeaders(responseHeaders), body: .init(data: jsonBody))
    }
}

extension HTTPHeaders {
    /// Headers from `HTTPFields`, in order.
    init(_ fields: HTTPFields) {
        self.init(fields.map { ($0.name.rawName, $0.value) })
    }
}

extension HTTPResponse.Status {
    /// The status of a Vapor status, with its reason phrase.
    init(_ status: HTTPResponseStatus) {
        self.init(code: Int(status.code), reasonPhrase: status.reasonPhrase)
    }
}
