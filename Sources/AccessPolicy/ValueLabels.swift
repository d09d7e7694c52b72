/// Norwegian (bokmål) words for the canonical values of choice fields. People read these;
/// formats, the access log and `--json` keep the canonical English values.
public enum ValueLabels {
    private static let roles = ["police": "politiet", "housing-office": "boligkontoret", "nav": "NAV"]
    private static let owners = ["centre": "krisesenteret", "nav": "NAV", "housing-office": "boligkontoret", "resident": "beboer"]
    private static let bases = ["consent": "samtykke", "avvergeplikt": "avvergeplikt"]
    private static let measureTypes = [
        "mobile-violence-alarm": "mobil voldsalarm", "visiting-ban": "besøksforbud",
        "visiting-ban-own-home": "besøksforbud i eget hjem", "contact-ban": "kontaktforbud",
        "electronic-monitoring": "elektronisk kontroll (omvendt voldsalarm)", "address-block": "sperret adresse",
        "fictitious-identity": "fiktiv identitet", "relocation": "flytting",
    ]
    private static let threatLevels = ["low": "lav", "moderate": "moderat", "high": "høy", "acute": "akutt"]
    private static let housingKinds = ["municipal": "kommunal bolig", "private-rental": "privat leid bolig", "owned": "eid bolig", "other": "annet"]

    private static let byPattern: [String: [String: String]] = [
        "case.type": ["resident": "beboer", "day-user": "dagbruker", "aftercare": "ettervern"],
        "case.status": ["open": "åpen", "on-hold": "satt på vent", "closed": "avsluttet"],
        "person.gender": ["female": "kvinne", "male": "mann", "other": "annet", "unknown": "ukjent"],
        "person.address_protection": [
            "ugradert": "ugradert", "fortrolig": "fortrolig", "strengt-fortrolig": "strengt fortrolig",
            "strengt-fortrolig-utland": "strengt fortrolig utland",
        ],
        "threats[].subject": ["adult": "voksen"],
        "threats[].centre_judgement": threatLevels,
        "police.basis": bases,
        "measures[].type": measureTypes,
        "result.housing_kind": housingKinds,
        "applications[].kind": [
            "municipal-housing": "kommunal bolig", "private-rental": "privat leie", "deposit-guarantee": "depositumsgaranti",
            "social-assistance": "økonomisk sosialhjelp", "housing-allowance": "bostøtte",
        ],
        "applications[].responsible": owners,
        "applications[].status": [
            "planned": "planlagt", "submitted": "sendt", "granted": "innvilget", "refused": "avslått", "withdrawn": "trukket",
        ],
        "applications[].deposit": [
            "none": "ingen", "cash-deposit": "kontant depositum", "nav-guarantee": "garanti fra NAV", "guarantee-other": "annen garanti",
        ],
        "tasks[].owner": owners,
        "documents[].kind": ["pdf": "PDF-dokument", "jpeg": "JPEG-bilde", "png": "PNG-bilde"],
        "consents[].recipient_role": roles,
        "disclosures[].recipient_role": roles,
        "disclosures[].basis": bases,
        "answers[].from_role": roles,
        "answers[].kind": [
            "assessment": "politiets vurdering", "measures": "vedtatte tiltak", "housing-offer": "boligtilbud",
            "deposit-guarantee": "vedtak om depositumsgaranti", "social-assistance": "vedtak om økonomisk sosialhjelp",
            "housing-allowance": "vedtak om bostøtte", "application-decision": "vedtak på boligsøknad",
        ],
        "answers[].decision": ["granted": "innvilget", "partly-granted": "delvis innvilget", "refused": "avslått"],
        "answers[].assessment_level": threatLevels,
        "answers[].measures[].type": measureTypes,
        "answers[].offer_kind": housingKinds,
    ]

    /// The Norwegian word for `value` of the field `pattern`, or the value itself when it has none.
    public static func label(of value: String, pattern: String) -> String {
        byPattern[pattern]?[value] ?? value
    }

    /// The canonical value whose Norwegian word is `text` (any letter case), so people may type
    /// what the tool shows them; nil when no value of the field has that word.
    public static func canonical(of text: String, pattern: String) -> String? {
        let wanted = text.lowercased()
        return byPattern[pattern]?.first { $0.value.lowercased() == wanted }?.key
    }

    /// Patterns with labelled values, for the test that every choice value has a label.
    public static var labelledPatterns: [String] { Array(byPattern.keys) }
}
