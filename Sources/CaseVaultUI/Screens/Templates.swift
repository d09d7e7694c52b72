import Mustache

/// The screens' HTML. `{{x}}` escapes; the only `{{{x}}}` is the layout's body, which is
/// itself a rendered template. No inline script or style: the CSP would refuse them anyway.
/// The document title is fixed and forms say autocomplete="off": the browser keeps titles in
/// its history and typed values in its autofill store, on disk, after the session.
enum Templates {
    static let layout = """
    <!DOCTYPE html>
    <html lang="nb">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>CaseVault</title><link rel="stylesheet" href="/static/app.css"></head>
    <body>
    <a class="hopp" href="#innhold">Hopp til innholdet</a>
    {{#signedIn}}
    <header>
    <nav aria-label="Hovedmeny"><ul>
    <li><a href="/">Nattoversikt</a></li>
    <li><a href="/saker">Mine saker</a></li>
    <li><a href="/ny">Nytt inntak</a></li>
    <li><a href="/oppgaver">Frister</a></li>
    <li><a href="/utleveringer">Utleveringer</a></li>
    <li><a href="/logg">Tilgangslogg</a></li>
    <li><a href="/kontroll">Kontroll av loggen</a></li>
    <li><a href="/medlemmer">Medlemmer</a></li>
    </ul></nav>
    <p class="hvem">{{member}} · {{roles}}</p>
    <form method="post" autocomplete="off" action="/las" class="las"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Lås nå</button></form>
    </header>
    {{/signedIn}}
    <main id="innhold">
    <h1>{{title}}</h1>
    {{#flash}}<p class="melding" role="status">{{flash}}</p>{{/flash}}
    {{#failure}}<p class="feil" role="alert">{{failure}}</p>{{/failure}}
    {{{body}}}
    </main>
    </body>
    </html>
    """

    /// One form field: label, optional hint, the error next to it, the typed value kept.
    static let field = """
    <div class="felt{{#error}} har-feil{{/error}}">
    <label for="{{id}}">{{label}}</label>
    {{#hint}}<span class="hint" id="{{id}}-hint">{{hint}}</span>{{/hint}}
    {{#error}}<span class="feilmelding" id="{{errorID}}">{{error}}</span>{{/error}}
    {{#select}}<select id="{{id}}" name="{{name}}"{{#error}} aria-invalid="true" aria-describedby="{{errorID}}"{{/error}}>
    {{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/options}}
    </select>{{/select}}
    {{#textarea}}<textarea autocomplete="off" id="{{id}}" name="{{name}}" rows="3"{{#error}} aria-invalid="true" aria-describedby="{{errorID}}"{{/error}}>{{value}}</textarea>{{/textarea}}
    {{#input}}<input type="text" autocomplete="off" id="{{id}}" name="{{name}}" value="{{value}}"{{#error}} aria-invalid="true" aria-describedby="{{errorID}}"{{/error}}>{{/input}}
    </div>
    """

    static let nightBoard = """
    <form method="post" autocomplete="off" action="/sok" class="sok" role="search">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="sok-alias">Søk på alias</label>
    <input type="text" autocomplete="off" id="sok-alias" name="alias" value="{{query}}">
    <button type="submit">Søk</button>
    </form>
    {{^rows}}<p>Ingen saker å vise.</p>{{/rows}}
    {{#rows}}
    <section class="kort" aria-labelledby="alias-{{handle}}">
    <h2 id="alias-{{handle}}"><a href="/sak/{{handle}}">{{alias}}</a></h2>
    <dl>
    {{#doNotAdmit}}<dt>Ikke slipp inn</dt><dd class="advarsel">{{doNotAdmit}}</dd>{{/doNotAdmit}}
    {{#alarm}}<dt>Voldsalarm</dt><dd class="advarsel">{{alarm}}</dd>{{/alarm}}
    {{#instructions}}<dt>Instruks for vakt</dt><dd>{{instructions}}</dd>{{/instructions}}
    {{#measures}}<dt>Aktivt tiltak</dt><dd>{{.}}</dd>{{/measures}}
    </dl>
    <form method="post" autocomplete="off" action="/sak/{{handle}}/notat" class="notat">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="notat-{{handle}}">Notat om {{alias}}</label>
    <input type="text" autocomplete="off" id="notat-{{handle}}" name="tekst" value="">
    <button type="submit">Lagre notat</button>
    </form>
    </section>
    {{/rows}}
    """

    static let caseList = """
    <p class="meta">{{#all}}Alle saker du når: {{total}}. <a href="/saker">Vis bare åpne saker</a>{{/all}}{{^all}}Åpne saker du når: {{total}}. <a href="/saker?alle=1">Vis også avsluttede saker</a>{{/all}}</p>
    {{#hasDamaged}}<p class="advarsel" role="alert">{{damagedCount}} sak(er) kunne ikke kontrolleres og vises ikke. Kontakt leder eller personvernombud.</p>{{/hasDamaged}}
    {{^hasRows}}<p>Ingen saker å vise.</p>{{/hasRows}}
    {{#hasRows}}
    <table>
    <caption>Saker du når{{#paged}}, side {{page}} av {{pages}}{{/paged}}</caption>
    <thead><tr><th scope="col">Alias</th><th scope="col">Fase</th><th scope="col">Status</th><th scope="col">Endret</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td><a href="/sak/{{handle}}">{{alias}}</a></td><td>{{phase}}</td><td>{{status}}</td><td>{{updated}}</td></tr>
    {{/rows}}
    </tbody></table>
    {{/hasRows}}
    {{#paged}}<nav aria-label="Sider" class="sider"><ul>
    {{#previous}}<li><a href="{{previous}}" rel="prev">Forrige side</a></li>{{/previous}}
    <li>Side {{page}} av {{pages}}</li>
    {{#next}}<li><a href="{{next}}" rel="next">Neste side</a></li>{{/next}}
    </ul></nav>{{/paged}}
    """

    static let caseView = """
    <p class="meta">Versjon {{version}} · {{updated}} · av {{author}} · tildelt: {{assigned}}</p>
    <nav aria-label="Handlinger for saken" class="handlinger"><ul>
    <li><a href="/sak/{{handle}}/utlevering">Be om utlevering</a></li>
    <li><a href="/sak/{{handle}}/innsyn">Innsynsrapport</a></li>
    <li><a href="/sak/{{handle}}/svar">Svar å flette inn</a></li>
    </ul></nav>
    {{#sections}}
    <section aria-labelledby="seksjon-{{key}}">
    <h2 id="seksjon-{{key}}">{{label}}</h2>
    {{#editable}}<p><a href="/sak/{{handle}}/endre/{{key}}">Endre {{label}}</a></p>{{/editable}}
    {{#groupForm}}<p><a href="/sak/{{handle}}/legg-til/{{key}}">Legg til i {{label}}</a></p>{{/groupForm}}
    <dl>
    {{#fields}}<dt>{{label}}</dt><dd data-path="{{path}}">{{^document}}{{value}}{{/document}}{{#document}}<a href="{{document}}">Åpne dokumentet</a> (kryptert i hvelvet; åpningen logges){{/document}}{{#origin}}<span class="kilde"> — skrevet av {{origin}}</span>{{/origin}}</dd>
    {{/fields}}
    </dl>
    </section>
    {{/sections}}
    {{#sealedCount}}<p class="forseglet">Ikke synlig for deg (forseglet for andre roller): {{sealedCount}} felt.</p>{{/sealedCount}}
    <form method="post" autocomplete="off" action="/sak/{{handle}}/notat" class="notat">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="tilbake" value="sak">
    <label for="notat-tekst">Nytt notat</label>
    <input type="text" autocomplete="off" id="notat-tekst" name="tekst" value="">
    <button type="submit">Lagre notat</button>
    </form>
    """

    /// A form of fields; every error is listed at the top too, each linking to its field.
    static let fieldForm = """
    {{#hasErrors}}<div class="feilsammendrag" role="alert"><h2>Rett opp {{errorCount}} feil</h2><ul>
    {{#errors}}<li><a href="#{{id}}">{{label}}: {{error}}</a></li>{{/errors}}
    </ul></div>{{/hasErrors}}
    <form method="post" autocomplete="off" action="{{action}}" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    {{{fieldsHTML}}}
    <button type="submit">{{submit}}</button>
    </form>
    """

    static let handoverForm = """
    {{#hasErrors}}<div class="feilsammendrag" role="alert"><h2>Rett opp {{errorCount}} feil</h2><ul>
    {{#errors}}<li><a href="#{{id}}">{{label}}: {{error}}</a></li>{{/errors}}
    </ul></div>{{/hasErrors}}
    <p>Ingenting sendes før en leder har godkjent. Lederen ser nøyaktig hvilke felt som vil bli utlevert.</p>
    <form method="post" autocomplete="off" action="/sak/{{handle}}/utlevering" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    {{{fieldsHTML}}}
    <div class="felt"><input type="checkbox" id="f-adresse" name="adresse" value="ja"{{#includeAddress}} checked{{/includeAddress}}>
    <label for="f-adresse" class="inline">Ta med sperret adresse (bare når tiltak ved ny bolig krever det)</label></div>
    <button type="submit">Send til godkjenning</button>
    </form>
    """

    static let requests = """
    {{^rows}}<p>Ingen forespørsler.</p>{{/rows}}
    {{#hasRows}}<table><caption>Forespørsler om utlevering</caption>
    <thead><tr><th scope="col">Opprettet</th><th scope="col">Fra</th><th scope="col">Til</th><th scope="col">Felt</th><th scope="col">Status</th></tr></thead><tbody>
    {{#rows}}<tr><td><a href="/utlevering/{{id}}">{{created}}</a></td><td>{{requester}}</td><td>{{recipient}}</td><td>{{fields}}</td><td>{{status}}</td></tr>
    {{/rows}}</tbody></table>{{/hasRows}}
    """

    static let review = """
    <dl class="meta">
    <dt>Forespurt av</dt><dd>{{requester}}</dd>
    <dt>Mottaker</dt><dd>{{recipient}}</dd>
    <dt>Grunnlag</dt><dd>{{basis}}{{#consent}} ({{consent}}){{/consent}}</dd>
    <dt>Formål</dt><dd>{{purpose}}</dd>
    <dt>Utløper</dt><dd>{{expires}}</dd>
    <dt>Status</dt><dd>{{status}}</dd>
    </dl>
    <h2>Dette forlater senteret ({{count}} felt)</h2>
    <table><thead><tr><th scope="col">Felt</th><th scope="col">Verdi</th></tr></thead><tbody>
    {{#fields}}<tr><th scope="row">{{section}} › {{label}}</th><td data-path="{{path}}">{{value}}</td></tr>
    {{/fields}}</tbody></table>
    {{#canDecide}}
    <form method="post" autocomplete="off" action="/utlevering/{{id}}/godkjenn" class="beslutning">
    <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Godkjenn utlevering</button></form>
    <form method="post" autocomplete="off" action="/utlevering/{{id}}/avvis" class="beslutning">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="avvis-grunn">Begrunnelse for avslag</label>
    <input type="text" autocomplete="off" id="avvis-grunn" name="grunn" value="">
    <button type="submit">Avvis</button></form>
    {{/canDecide}}
    {{#canSend}}
    <form method="post" autocomplete="off" action="/utlevering/{{id}}/send" class="beslutning">
    <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Lag forseglet pakke</button></form>
    {{/canSend}}
    """

    static let accessReport = """
    <p class="meta">{{centre}} · laget {{generated}}</p>
    {{#sections}}
    <h2>{{heading}}</h2>
    {{^lines}}<p>(ingen)</p>{{/lines}}
    {{#hasLines}}<ul>{{#lines}}<li>{{.}}</li>{{/lines}}</ul>{{/hasLines}}
    {{/sections}}
    <p>Rapporten viser hvem og hva, aldri innholdet i feltene. Skriv ut med nettleserens utskriftsfunksjon (Ctrl+P).</p>
    """

    static let tasks = """
    {{^hasRows}}<p>Ingenting forfaller de neste 30 dagene.</p>{{/hasRows}}
    {{#hasRows}}<table><caption>Frister de neste 30 dagene og forfalte</caption>
    <thead><tr><th scope="col">Frist</th><th scope="col">Når</th><th scope="col">Sak</th><th scope="col">Hva</th><th scope="col">Ansvar</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{due}}</td><td{{#overdue}} class="advarsel"{{/overdue}}>{{when}}</td><td><a href="/sak/{{handle}}">{{alias}}</a></td><td>{{what}}</td><td>{{owner}}</td></tr>
    {{/rows}}</tbody></table>{{/hasRows}}
    """

    static let auditLog = """
    {{#hasErrors}}<div class="feilsammendrag" role="alert"><h2>Rett opp {{errorCount}} feil</h2><ul>
    {{#errors}}<li><a href="#{{id}}">{{label}}: {{error}}</a></li>{{/errors}}
    </ul></div>{{/hasErrors}}
    <p>Loggen viser hvem som gjorde hva med hvilken sak, og når; aldri innholdet.</p>
    <form method="post" autocomplete="off" action="/logg" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    {{{fieldsHTML}}}
    <button type="submit">Søk i loggen</button>
    </form>
    {{#searched}}<h2>{{count}} oppføringer (nyeste først, høyst 500)</h2>{{/searched}}
    {{#hasRows}}<table><thead><tr><th scope="col">Nr.</th><th scope="col">Tid</th><th scope="col">Hvem</th><th scope="col">Handling</th><th scope="col">Sak</th><th scope="col">Felt</th><th scope="col">Detaljer</th></tr></thead><tbody>
    {{#rows}}<tr><td>{{index}}</td><td>{{time}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{case}}</td><td>{{fields}}</td><td>{{detail}}</td></tr>
    {{/rows}}</tbody></table>{{/hasRows}}
    """

    static let message = """
    <p>{{text}}</p>
    {{#link}}<p><a href="{{link}}">{{linkText}}</a></p>{{/link}}
    """

    static let library: MustacheLibrary = {
        var lib = MustacheLibrary()
        for (name, text) in [("layout", layout), ("field", field), ("nightBoard", nightBoard), ("caseList", caseList),
                             ("caseView", caseView), ("fieldForm", fieldForm), ("handoverForm", handoverForm), ("requests", requests),
                             ("review", review), ("accessReport", accessReport), ("tasks", tasks), ("auditLog", auditLog), ("message", message),
                             ("answerList", answerList), ("answerMerge", answerMerge), ("auditVerify", auditVerify), ("roster", roster)] {
            try! lib.register(text, named: name)  // constants: a parse error is a programming error caught by any test
        }
        return lib
    }()
}
