/// The SQL of the store's own prepared statements, for tools in this package that run them
/// through another client (the benchmarks' libpq prototype).
package enum PostgresStatements {
    /// The append: eleven parameters, as `AppendStatement` binds them.
    package static var append: String { AppendStatement.sql }
    /// The read of one entity's events: entity id, entity type, after, through, limit.
    package static var readStream: String { ReadStreamStatement.sql }
}
