/// The templates of the screens that follow up what came back and what was logged: answers to
/// merge, the log check and the roster. Same rules as `Templates`: `{{x}}` escapes, no script.
extension Templates {
    static let answerList = """
    <p>Svar fra politiet, NAV eller boligkontoret som ennå ikke er flettet inn i resten av saken. Selve svaret blir stående i saken som dokumentasjon.</p>
    {{^hasRows}}<p>Ingen svar å flette inn.</p>{{/hasRows}}
    {{#hasRows}}<table><caption>Svar å flette inn</caption>
    <thead><tr><th scope="col">Svar</th><th scope="col">Hva</th><th scope="col">Fra</th><th scope="col">Mottatt</th><th scope="col">Endringer</th></tr></thead><tbody>
    {{#rows}}<tr><td><a href="/sak/{{handle}}/svar/{{number}}">Svar {{number}}</a></td><td>{{kind}}</td><td>{{from}}</td><td>{{received}}</td><td>{{changes}}</td></tr>
    {{/rows}}</tbody></table>{{/hasRows}}
    {{#hasDone}}<p class="meta">{{done}} svar er allerede flettet inn eller endrer ikke saken.</p>{{/hasDone}}
    <p><a href="/sak/{{handle}}">Tilbake til saken</a></p>
    """

    static let answerMerge = """
    <p class="meta">{{kind}}</p>
    {{^hasChanges}}<p>Ingen endring i saken: {{note}}.</p>{{/hasChanges}}
    {{#hasChanges}}
    <table><caption>Dette skrives inn i saken ({{count}} felt)</caption>
    <thead><tr><th scope="col">Felt</th><th scope="col">Nå</th><th scope="col">Blir</th></tr></thead><tbody>
    {{#changes}}<tr data-path="{{path}}"><th scope="row">{{section}} › {{label}}</th><td class="for">{{before}}</td><td class="etter">{{after}}</td></tr>
    {{/changes}}</tbody></table>
    <form method="post" autocomplete="off" action="/sak/{{handle}}/svar/{{number}}" class="beslutning">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="endringer" value="{{digest}}">
    <button type="submit">Skriv endringene inn i saken</button>
    </form>
    {{/hasChanges}}
    <p><a href="/sak/{{handle}}/svar">Tilbake til svarene</a></p>
    """

    static let auditVerify = """
    <p>Kontrollen gjør det samme som <code>casevault audit verify</code>: hver oppføring, rollelistene og det signerte sjekkpunktet, mot senterets rotnøkkel slik du har festet den. Den viser bare tall, sjekksummer og id-er, aldri innholdet i sakene.</p>
    <form method="post" autocomplete="off" action="/kontroll" class="beslutning">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit">Kontroller loggen nå</button>
    </form>
    {{#ran}}
    {{#passed}}<p class="melding" role="status" id="resultat">Bestått: loggen er hel og uendret.</p>
    <dl class="meta">
    <dt>Oppføringer</dt><dd id="antall">{{entries}}</dd>
    <dt>Tidsrom</dt><dd>{{span}}</dd>
    <dt>Lesinger av saksinnhold</dt><dd>{{contentReads}}</dd>
    <dt>Rollelister</dt><dd>{{rosters}}</dd>
    <dt>Sjekkpunkt, størrelse</dt><dd id="sjekkpunkt">{{checkpointSize}}</dd>
    <dt>Sjekkpunkt, rot-hash</dt><dd><code>{{checkpointRoot}}</code></dd>
    <dt>Signert av</dt><dd>{{signers}}</dd>
    <dt>Senterets rotnøkkel</dt><dd><code>{{rootFingerprint}}</code> (samme som du har festet)</dd>
    <dt>Oppføringer etter sjekkpunktet</dt><dd>{{tail}}</dd>
    <dt>Forsøk med ukjente nøkler</dt><dd>{{unknownKeys}}</dd>
    <dt>Nødtilganger uten gjennomgang</dt><dd>{{breakGlassOpen}}</dd>
    </dl>{{/passed}}
    {{^passed}}<div class="feilsammendrag" role="alert" id="resultat"><h2>Ikke bestått: loggen stemmer ikke</h2>
    {{^pinned}}<p>Du har ikke festet senterets rotnøkkel (<code>casevault vault trust</code>), så loggen kan ikke kontrolleres mot den.</p>{{/pinned}}
    <p>Feil i {{subject}}: {{reason}}</p>
    {{#lines}}<p>{{.}}</p>{{/lines}}
    <p>Oppføringer: {{entries}}; sjekkpunkt, størrelse: {{checkpointSize}}. Meld fra til lederen og ta vare på en eksport av loggen.</p></div>{{/passed}}
    {{/ran}}
    """

    static let roster = """
    <p>Rollelisten er signert med senterets rotnøkkel. Den vises her; se «Endre listen» nederst.</p>
    <table><caption>Medlemmer</caption>
    <thead><tr><th scope="col">Medlems-id</th><th scope="col">Navn</th><th scope="col">Rolle</th><th scope="col">Status</th><th scope="col">Siden</th></tr></thead><tbody>
    {{#members}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{roles}}</td><td{{#revoked}} class="advarsel"{{/revoked}}>{{status}}</td><td>{{since}}</td></tr>
    {{/members}}</tbody></table>
    {{^hasMembers}}<p>Ingen medlemmer.</p>{{/hasMembers}}
    <table><caption>Mottakere</caption>
    <thead><tr><th scope="col">Id</th><th scope="col">Navn</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Siden</th></tr></thead><tbody>
    {{#recipients}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{roles}}</td><td{{#revoked}} class="advarsel"{{/revoked}}>{{status}}</td><td>{{since}}</td></tr>
    {{/recipients}}</tbody></table>
    {{^hasRecipients}}<p>Ingen mottakere.</p>{{/hasRecipients}}
    <h2>Endre listen</h2>
    <p>Rotnøkkelen oppbevares frakoblet og skrives aldri inn i nettleseren. Derfor legger du til og
    trekker tilbake medlemmer og mottakere i terminalen, med rotnøkkelen for hånden:</p>
    <dl class="kommandoer">
    <dt>Nytt medlem</dt><dd><code>casevault member add --id ID --name "Navn" --role contact-person --public-key @fil.pub --fingerprint "…"</code>
    (fingeravtrykket leser den nye medarbeideren opp for deg)</dd>
    <dt>Trekke tilbake et medlem</dt><dd><code>casevault member revoke ID</code> (gjelder straks; sakene forsegles uten medlemmet ved neste endring)</dd>
    <dt>Ny mottaker</dt><dd><code>casevault recipient add --id ID --name "Navn" --role police --public-key @fil.pub --fingerprint "…"</code>
    (fingeravtrykket leses opp av mottakeren på telefon)</dd>
    <dt>Fjerne en mottaker</dt><dd><code>casevault recipient remove ID</code> (ingen nye pakker kan lages til den)</dd>
    </dl>
    """
}
