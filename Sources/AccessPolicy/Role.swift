/// The people who touch a case (docs/FORMAT.md, "Roles"). Raw values are the policy file's spelling.
public enum Role: String, CaseIterable, Codable, Sendable, Comparable {
    case contactPerson = "contact-person"
    case childContact = "child-contact"
    case nightShift = "night-shift"
    case leader
    case housingOffice = "housing-office"
    case nav
    case police
    case auditor
    case resident

    /// Norwegian label shown to users.
    public var label: String {
        switch self {
        case .contactPerson: "kontaktperson"
        case .childContact: "barnekontakt"
        case .nightShift: "vakt"
        case .leader: "leder"
        case .housingOffice: "boligkontor"
        case .nav: "NAV"
        case .police: "politi"
        case .auditor: "personvernombud"
        case .resident: "beboer"
        }
    }

    /// Short column head for the policy matrix (`casevault policy show`).
    public var abbreviation: String {
        switch self {
        case .contactPerson: "CP"
        case .childContact: "CC"
        case .nightShift: "NS"
        case .leader: "L"
        case .housingOffice: "HO"
        case .nav: "NAV"
        case .police: "PO"
        case .auditor: "AU"
        case .resident: "RE"
        }
    }

    /// Roles outside the centre: they receive handover bundles, never work inside the vault.
    public var isExternal: Bool { self == .housingOffice || self == .nav || self == .police }

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
