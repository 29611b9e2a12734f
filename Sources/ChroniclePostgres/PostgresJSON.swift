import Foundation
import NIOCore
import PostgresNIO

/// JSON text bound to a `json` parameter as is: no re-encoding, byte for byte.
struct PostgresJSON: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    static var psqlType: PostgresDataType { .json }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .jsonArray }

    var text: Data

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // The binary format of json is its UTF-8 text.
        buffer.writeBytes(text)
    }
}
