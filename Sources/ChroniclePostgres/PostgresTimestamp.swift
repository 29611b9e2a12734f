import NIOCore
import PostgresNIO

/// A `timestamptz` as whole microseconds since 1970, bound and read without floating point.
///
/// PostgresNIO's `Date` coding truncates through `Double`, which can lose a microsecond; events
/// must read back with exactly the time their append returned.
struct PostgresTimestamp: PostgresNonThrowingEncodable, PostgresArrayEncodable, PostgresDecodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    /// PostgreSQL counts from 2000-01-01 00:00:00 UTC.
    private static let microsecondsFrom1970To2000: Int64 = 946_684_800 * 1_000_000

    var microsecondsSince1970: Int64

    init(microsecondsSince1970: Int64) {
        self.microsecondsSince1970 = microsecondsSince1970
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(microsecondsSince1970 - Self.microsecondsFrom1970To2000)
    }

    init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp, format == .binary, buffer.readableBytes == 8,
            let microseconds = buffer.readInteger(as: Int64.self)
        else {
            throw PostgresDecodingError.Code.typeMismatch
        }
        self.microsecondsSince1970 = microseconds + Self.microsecondsFrom1970To2000
    }
}
