import Chronicle
import Foundation
import Testing

private let now = Date(timeIntervalSince1970: 1_800_000_000)

private struct Box<Value> {
    var value: Value
}

/// Checks one value against rules, as a field of a schema, and returns the failures' codes.
private func codes<Value>(_ value: Value, @ValidationRuleBuilder<Value> _ rules: () -> [AnyValidationRule<Value>]) -> [String] {
    let rules = rules()
    let schema = Schema<Box<Value>> {
        Field(\.value, "value") {
            AnyValidationRule { value, context in rules.flatMap { $0.validate(value, in: context) } }
        }
    }
    return schema.validate(Box(value: value), now: now).map(\.code)
}

private func messages<Value>(_ value: Value, @ValidationRuleBuilder<Value> _ rules: () -> [AnyValidationRule<Value>]) -> [String] {
    let rules = rules()
    return rules.flatMap { $0.validate(value, in: ValidationContext(now: now)) }.map(\.message)
}

@Suite("Validation rules")
struct ValidationRuleTests {
    @Test func notEmpty() {
        #expect(codes([1]) { NotEmpty() } == [])
        #expect(codes([Int]()) { NotEmpty() } == ["empty"])
        #expect(codes("") { NotEmpty() } == ["empty"])
        #expect(messages("") { NotEmpty() } == ["must not be empty"])
    }

    @Test func notBlank() {
        #expect(codes("Retro") { NotBlank() } == [])
        #expect(codes(" \n\t") { NotBlank() } == ["blank"])
        #expect(codes("") { NotBlank() } == ["blank"])
    }

    @Test func length() {
        #expect(codes("abc") { Length(1...3) } == [])
        #expect(codes("") { Length(1...3) } == ["too_short"])
        #expect(codes("abcd") { Length(1...3) } == ["too_long"])
        #expect(codes("ab") { Length(min: 3) } == ["too_short"])
        #expect(codes([1, 2, 3]) { Length(max: 2) } == ["too_long"])
        #expect(codes("é👩🏽‍💻") { Length(max: 2) } == ["too_long"], "counted in Unicode scalars, as JSON Schema counts: 5, not 2 characters")
        #expect(codes("é👩🏽‍💻") { Length(max: 5) } == [])
        #expect(codes("e\u{301}") { Length(max: 1) } == ["too_long"], "a combining mark counts")
        #expect(messages("abcd") { Length(max: 3) } == ["must be at most 3 characters long"])
        #expect(messages([1, 2]) { Length(min: 3) } == ["must have at least 3 elements"])
        #expect(messages("") { Length(min: 1) } == ["must be at least 1 character long"])
    }

    @Test func bounds() {
        #expect(codes(5) { AtLeast(5) } == [])
        #expect(codes(4) { AtLeast(5) } == ["too_small"])
        #expect(codes(480) { AtMost(480) } == [])
        #expect(codes(481) { AtMost(480) } == ["too_large"])
        #expect(codes(1) { GreaterThan(0) } == [])
        #expect(codes(0) { GreaterThan(0) } == ["too_small"])
        #expect(codes(0.99) { LessThan(1.0) } == [])
        #expect(codes(1.0) { LessThan(1.0) } == ["too_large"])
        #expect(codes(5) { Between(5...480) } == [])
        #expect(codes(4) { Between(5...480) } == ["too_small"])
        #expect(codes(481) { Between(5...480) } == ["too_large"])
        #expect(messages(4) { Between(5...480) } == ["must be between 5 and 480"])
        #expect(messages(4) { AtLeast(5) } == ["must be at least 5"])
        #expect(messages(0) { GreaterThan(0) } == ["must be greater than 0"])
    }

    @Test func boundsOnDates() {
        let deadline = Date(timeIntervalSince1970: 1_900_000_000)
        #expect(codes(deadline.addingTimeInterval(-1)) { AtMost(deadline) } == [])
        #expect(codes(deadline.addingTimeInterval(1)) { AtMost(deadline) } == ["too_large"])
        #expect(messages(deadline.addingTimeInterval(1)) { AtMost(deadline) } == ["must be at most 2030-03-17T17:46:40.000Z"])
    }

    @Test func signs() {
        #expect(codes(1) { Positive() } == [])
        #expect(codes(0) { Positive() } == ["not_positive"])
        #expect(codes(-0.5) { Positive() } == ["not_positive"])
        #expect(codes(0) { NotNegative() } == [])
        #expect(codes(-1) { NotNegative() } == ["negative"])
    }

    @Test func relativeToNow() {
        #expect(codes(now.addingTimeInterval(300)) { InFuture(atLeast: .minutes(5)) } == [])
        #expect(codes(now.addingTimeInterval(299)) { InFuture(atLeast: .minutes(5)) } == ["too_early"])
        #expect(messages(now) { InFuture(atLeast: .minutes(5)) } == ["must be at least 5 minutes from now"])
        #expect(messages(now) { InFuture(atLeast: .hours(2)) } == ["must be at least 2 hours from now"])
        #expect(codes(now.addingTimeInterval(1)) { InFuture() } == [])
        #expect(codes(now) { InFuture() } == ["too_early"])
        #expect(messages(now) { InFuture() } == ["must be in the future"])
        #expect(codes(now.addingTimeInterval(-1)) { InPast() } == [])
        #expect(codes(now) { InPast() } == ["too_late"])
    }

    @Test func equality() {
        #expect(codes(true) { Equals(true) } == [])
        #expect(codes(false) { Equals(true) } == ["not_equal"])
        #expect(messages(false) { Equals(true) } == ["must be true"])
        #expect(codes("accepted") { OneOf(["accepted", "declined"]) } == [])
        #expect(codes("maybe") { OneOf(["accepted", "declined"]) } == ["not_allowed"])
        #expect(messages("maybe") { OneOf(["accepted", "declined"]) } == ["must be one of accepted, declined"])
    }

    @Test func patterns() {
        #expect(codes("ABC-12") { Matches(/[A-Z]{3}-[0-9]{2}/) } == [])
        #expect(codes("ABC-123") { Matches(/[A-Z]{3}-[0-9]{2}/) } == ["invalid_format"], "the whole string must match")
        #expect(codes("x") { Matches(/[A-Z]+/, message: "must be capital letters") } == ["invalid_format"])
        #expect(messages("x") { Matches(/[A-Z]+/, message: "must be capital letters") } == ["must be capital letters"])
    }

    @Test func uniqueness() {
        #expect(codes([1, 2, 3]) { Unique() } == [])
        #expect(codes([1, 2, 1, 2, 2]) { Unique() } == ["duplicate", "duplicate", "duplicate"])
    }

    @Test func custom() {
        let even = Custom<Int>(code: "odd", message: "must be even") { $0.isMultiple(of: 2) }
        #expect(codes(4) { even } == [])
        #expect(codes(3) { even } == ["odd"])
        #expect(messages(3) { even } == ["must be even"])
    }

    @Test func rulesUnderConditions() {
        let strict = true
        #expect(codes("") { if strict { NotBlank() } } == ["blank"])
        #expect(codes("") { if !strict { NotBlank() } } == [])
        #expect(codes(3) { for bound in [5, 10] { AtLeast(bound) } } == ["too_small", "too_small"])
    }
}

struct Address: Sendable {
    var city: String
    var postcode: String?

    static let schema = Schema<Address> {
        Field(\.city, "city") { NotBlank() }
        Field(\.postcode, "postcode") { Length(min: 4) }
    }
}

struct PlaceOrder: Sendable {
    var customerID: Int
    var email: String?
    var note: String?
    var quantities: [Int]
    var address: Address
    var stops: [Address]
    var deliverAt: Date

    static let schema = Schema<PlaceOrder> {
        Field(\.customerID, "customer_id") { Positive() }
        Field(\.email, "email", required: true) { Matches(/.+@.+/, message: "must be an email address") }
        Field(\.note, "note") { Length(max: 10) }
        Field(\.quantities, "quantities") { NotEmpty(); Each { Positive(); AtMost(99) } }
        Field(\.address, "address") { Address.schema }
        Field(\.stops, "stops") { Each { Address.schema } }
        Field(\.deliverAt, "deliver_at") { InFuture(atLeast: .hours(1)) }
        Rule("stops", code: "too_many_stops", message: "must not outnumber the quantities") { $0.stops.count <= $0.quantities.count }
    }
}

@Suite("Validation schemas")
struct SchemaTests {
    let valid = PlaceOrder(
        customerID: 7, email: "a@b.c", note: nil, quantities: [1, 2],
        address: Address(city: "Ghent", postcode: nil), stops: [Address(city: "Lille", postcode: "59000")],
        deliverAt: now.addingTimeInterval(7_200))

    @Test func aValidValuePasses() {
        #expect(PlaceOrder.schema.validate(valid, now: now).isEmpty)
        #expect(Schema<PlaceOrder>.empty.validate(valid).isEmpty)
    }

    @Test func reportsEveryFailingFieldAtOnce() {
        let order = PlaceOrder(
            customerID: 0, email: nil, note: "far too long a note", quantities: [3, -1, 100],
            address: Address(city: " ", postcode: "12"), stops: [Address(city: "", postcode: nil), Address(city: "Lyon", postcode: "1")],
            deliverAt: now)
        let failures = PlaceOrder.schema.validate(order, now: now)
        #expect(failures.map(\.description) == [
            "customer_id must be positive",
            "email is required",
            "note must be at most 10 characters long",
            "quantities[1] must be positive",
            "quantities[2] must be at most 99",
            "address.city must not be blank",
            "address.postcode must be at least 4 characters long",
            "stops[0].city must not be blank",
            "stops[1].postcode must be at least 4 characters long",
            "deliver_at must be at least 1 hour from now",
        ])
        #expect(failures.map(\.code) == [
            "not_positive", "required", "too_long", "not_positive", "too_large", "blank", "too_short", "blank", "too_short", "too_early",
        ])
    }

    @Test func checksOptionalFieldsOnlyWhenPresent() {
        var order = valid
        order.note = "short"
        #expect(PlaceOrder.schema.validate(order, now: now).isEmpty)
        order.note = "much too long"
        #expect(PlaceOrder.schema.validate(order, now: now).map(\.field) == ["note"])
        order.email = "nope"
        #expect(PlaceOrder.schema.validate(order, now: now).map(\.code) == ["invalid_format", "too_long"])
    }

    @Test func crossFieldRules() {
        var order = valid
        order.stops = [order.address, order.address, order.address]
        #expect(PlaceOrder.schema.validate(order, now: now) == [
            ValidationFailure(field: "stops", code: "too_many_stops", message: "must not outnumber the quantities")
        ])
    }

    @Test func groupsFailuresByField() {
        var order = valid
        order.quantities = [0, 0]
        order.customerID = -1
        let error = CommandValidationError(command: "PlaceOrder", failures: PlaceOrder.schema.validate(order, now: now))
        #expect(error.failuresByField.keys.sorted() == ["customer_id", "quantities[0]", "quantities[1]"])
        #expect(error.description == "Invalid PlaceOrder: customer_id must be positive; quantities[0] must be positive; quantities[1] must be positive.")
    }

    @Test func failuresEncodeForClients() throws {
        let failure = ValidationFailure(field: "title", code: "blank", message: "must not be blank")
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(failure))
        #expect(json == ["field": "title", "code": "blank", "message": "must not be blank"])
    }
}
