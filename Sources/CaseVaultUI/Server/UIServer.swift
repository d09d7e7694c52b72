import CaseVaultCore
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `casevault ui`: a web interface on 127.0.0.1 for one member, over the same core and key
/// agent as the CLI. The browser only shows and submits; every key stays in the agent and every
/// access decision in the core.
public enum UIServer {
    /// Serves until the process ends. `announce` gets the one-time launch URL once listening.
    public static func run(_ config: UIConfiguration, announce: @escaping @Sendable (String) -> Void) async throws {
        let gate = VaultGate.agent(vaultPath: config.vaultPath, keyPath: config.keyPath)
        let launch = UIToken()
        let sessions = UISessions(launch: launch, clock: config.clock, idleSeconds: gate.idleSeconds() ?? 15 * 60)
        let handler = UIRequestHandler(config: config, gate: gate, sessions: sessions)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in try await handler.respond(request) }
        var logger = Logger(label: "casevault-ui")
        logger.logLevel = .critical  // request lines could carry a launch token: nothing is logged
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: config.port), serverName: nil),
            onServerRunning: { channel in
                guard let port = channel.localAddress?.port else { return }
                handler.listening(on: port)
                announce("http://127.0.0.1:\(port)/start?t=\(launch.revealedText)")
            },
            logger: logger)
        try await app.runService()
    }
}

/// Checks every request (Host, session, Origin and CSRF on POST), then hands it to the screens.
final class UIRequestHandler: Sendable {
    let config: UIConfiguration
    let gate: VaultGate
    let sessions: UISessions
    private let guardian = Mutex<RequestGuard?>(nil)
    private let port = Mutex(0)

    init(config: UIConfiguration, gate: VaultGate, sessions: UISessions) {
        self.config = config
        self.gate = gate
        self.sessions = sessions
    }

    func listening(on port: Int) {
        guardian.withLock { $0 = RequestGuard(port: port) }
        self.port.withLock { $0 = port }
    }

    /// Per port, so two members' interfaces in one browser never share a cookie.
    var cookieName: String { "casevault_\(port.withLock { $0 })" }

    func respond(_ request: Request) async throws -> Response {
        guard let guardian = guardian.withLock({ $0 }) else { return refusal(.wrongHost) }
        if let r = guardian.checkHost(request.head.authority) { return refusal(r) }
        let fetchSite = request.headers[HTTPField.Name("Sec-Fetch-Site")!]
        if let r = guardian.checkFetchSite(fetchSite) { return refusal(r) }
        let path = request.uri.path
        if request.method == .get && path == "/static/app.css" { return Reply.css(Stylesheet.css) }
        if request.method == .get && path == "/start" { return start(request) }

        guard let session = sessions.session(for: cookieToken(request)) else { return signedOut() }
        var form: FormBody?
        switch request.method {
        case .get: break
        case .post:
            if let r = guardian.checkSameOrigin(origin: request.headers[.origin], fetchSite: fetchSite) {
                return refusal(r)
            }
            guard let buffer = try? await request.body.collect(upTo: 256 * 1024) else {
                return Reply.html(Page.render("For stort", "message", ["text": "Skjemaet er for stort; ingenting ble lagret."], viewer: nil), status: .contentTooLarge)
            }
            let body = FormBody(String(buffer: buffer))
            if let r = guardian.checkCSRF(submitted: body["csrf"], expected: session.csrf) { return refusal(r) }
            form = body
        default:
            return Reply.html(Page.render("Ikke støttet", "message", ["text": "Denne forespørselen støttes ikke."], viewer: nil), status: .methodNotAllowed)
        }
        if path == "/las", form != nil { return lockNow() }
        let screens = Screens(gate: gate, csrf: session.csrf, bundleFolder: config.bundleFolder, clock: config.clock)
        do {
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first }
            return try screens.route(path: path, form: form, flashCode: request.uri.queryParameters["melding"].map(String.init), query: query)
        } catch is AgentLocked {
            return lockNow()
        } catch {
            // Still a page with the security headers, and one Norwegian line; nothing was changed.
            return Reply.html(Page.render("Ikke utført", "message", ["text": "Ingenting ble endret.", "link": "/", "linkText": "Til nattoversikten"],
                                          viewer: nil, failure: CoreErrorText.norwegian(error)), status: .internalServerError)
        }
    }

    /// The launch URL: its token becomes a session cookie once; a replay is refused.
    private func start(_ request: Request) -> Response {
        let token = request.uri.queryParameters["t"].flatMap { UIToken(text: $0) }
        guard let session = sessions.redeem(token) else {
            return Reply.html(Page.render("Lenken er brukt", "message",
                                          ["text": "Denne startlenken er allerede brukt eller ugyldig. Start casevault ui på nytt for en ny lenke."], viewer: nil),
                              status: .forbidden)
        }
        let cookie = "\(cookieName)=\(session.token.revealedText); Path=/; HttpOnly; SameSite=Strict"
        return Reply.seeOther("/", extra: [("Set-Cookie", cookie)])
    }

    private func cookieToken(_ request: Request) -> UIToken? {
        let name = cookieName + "="
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let p = part.drop { $0 == " " }
                if p.hasPrefix(name) { return UIToken(text: p.dropFirst(name.count)) }
            }
        }
        return nil
    }

    /// "Lås nå", or the agent locked itself: the agent forgets the keys and every session ends.
    private func lockNow() -> Response {
        gate.lock()
        ParsedClientFiles.forgetAll()
        sessions.lockAll()
        let expired = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return Reply.html(Page.render("Låst", "message",
                                      ["text": "Skjermbildet er låst og nøklene er glemt. Start casevault ui på nytt for å fortsette."], viewer: nil),
                          extra: [("Set-Cookie", expired), ("Clear-Site-Data", "\"cache\", \"cookies\", \"storage\"")])
    }

    private func signedOut() -> Response {
        Reply.html(Page.render("Ikke pålogget", "message",
                               ["text": "Ingen gyldig økt: skjermbildet er låst eller lenken er utløpt. Start casevault ui på nytt."], viewer: nil),
                   status: .unauthorized)
    }

    private func refusal(_ r: RequestGuard.Refusal) -> Response {
        Reply.html(Page.render("Avvist", "message", ["text": r.norwegianText], viewer: nil), status: .init(code: r.status))
    }
}
