import ChronicleMigrations
import Testing

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    private func split(_ sql: String) -> [String] {
        Migration(version: 1, name: "test", sql: sql).statements
    }

    @Test func splitsOnSemicolons() {
        #expect(split("CREATE TABLE a (id int);\nCREATE TABLE b (id int);") == ["CREATE TABLE a (id int)", "CREATE TABLE b (id int)"])
    }

    @Test func keepsALastStatementWithoutSemicolon() {
        #expect(split("SELECT 1; SELECT 2") == ["SELECT 1", "SELECT 2"])
    }

    @Test func skipsEmptyStatementsAndCommentOnlyParts() {
        #expect(split(";;  -- a comment; with a semicolon\n; SELECT 1;\n/* the end; */") == ["SELECT 1"])
    }

    @Test func ignoresSemicolonsInStringsAndIdentifiers() {
        #expect(split(#"INSERT INTO t VALUES ('a;b', 'it''s; fine'); SELECT "odd;name" FROM t;"#)
            == [#"INSERT INTO t VALUES ('a;b', 'it''s; fine')"#, #"SELECT "odd;name" FROM t"#])
    }

    @Test func ignoresSemicolonsInComments() {
        #expect(split("SELECT 1 -- one; two\n; SELECT /* a; /* nested; */ b; */ 2;") == ["SELECT 1 -- one; two", "SELECT /* a; /* nested; */ b; */ 2"])
    }

    @Test func keepsDollarQuotedBodiesWhole() {
        let function = """
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$
            BEGIN
                PERFORM 1; RETURN $$nested; text$$::int;
            END
            $fn$
            """
        #expect(split(function + ";\nSELECT f();") == [function, "SELECT f()"])
    }

    @Test func doesNotMistakeParametersForDollarQuotes() {
        #expect(split("SELECT $1; SELECT $2;") == ["SELECT $1", "SELECT $2"])
    }

    @Test func keepsTriggerBodiesWhole() {
        let trigger = """
            CREATE TRIGGER audit AFTER INSERT ON events BEGIN
                INSERT INTO log VALUES (new.position, CASE WHEN new.version = 1 THEN 'created' ELSE 'changed' END);
                UPDATE counters SET n = n + 1;
            END
            """
        #expect(split(trigger + ";\nSELECT 1;") == [trigger, "SELECT 1"])
    }

    @Test func treatsPostgresTriggersAsOneStatement() {
        #expect(split("CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1;")
            == ["CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION f()", "SELECT 1"])
    }
}
