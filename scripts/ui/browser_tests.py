"""Browser tests of `casevault ui` (run by scripts/test-ui.sh).

A vault with a leader (lina), a contact person (kari), a night-shift member (nils) and a police
recipient is made with the CLI; then everything the staff do happens in headless Chromium:
the night intake and a note, a case updated, a handover requested, approved by the leader and
sealed, the access report, each role's view compared with the policy, the attacks refused, and
the browser profile searched for the case's canaries afterwards.
"""
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from webdriver import Browser  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CV = os.path.join(ROOT, ".build", "debug", "casevault")
SHOTS = os.path.join(ROOT, ".build", "ui-screenshots")
PASS = "riktig hest batteri stift"
ROOT_PASS = "fjell tau melk sykkel"
# Values that must never be left on disk by the browser, nor shown to a role that may not read them.
CANARY = {"alias": "Kanarifugl", "address": "Kanarivegen 77", "door": "KanariRolf Hansen", "note": "Kanarinotat ringte 0210",
          "instructions": "Kanari-instruks: ring politiet", "document": "Kanaridokument besoksforbud"}


def png_with_text(text):
    """A 1×1 PNG carrying `text` in a tEXt chunk: a document whose bytes are a canary."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + text.encode()) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))

work = tempfile.mkdtemp(prefix="cv-ui-test-")
env = dict(os.environ, CASEVAULT_TEST_INSECURE_KDF="1", CASEVAULT_PASSPHRASE=PASS, CASEVAULT_ROOT_PASSPHRASE=ROOT_PASS,
           CASEVAULT_NEW_PASSPHRASE=PASS, CASEVAULT_VAULT=os.path.join(work, "vault"), HOME=work)
env.pop("XDG_RUNTIME_DIR", None)
processes, browsers, results = [], [], []
screen_no = [0]


def cv(*args, who=None, check=True):
    e = dict(env)
    if who:
        e["CASEVAULT_IDENTITY"] = key(who)
        e["XDG_RUNTIME_DIR"] = runtime(who)
    r = subprocess.run([CV, *args], env=e, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"casevault {' '.join(args[:2])} failed: {r.stderr.strip()}")
    return r.stdout


def key(who):
    return os.path.join(work, f"{who}.cvkey")


def runtime(who):
    d = os.path.join(work, f"run-{who}")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_vault():
    cv("init", "--centre", "Krisesenteret i Nyby", "--leader-id", "lina", "--leader-name", "Lina Leder",
       "--key-out", key("lina"), "--root-key-out", os.path.join(work, "root.cvkey"), "--test-vault")
    root = json.loads(cv("vault", "info", "--json"))["root_fingerprint"]
    for who, name, role in [("kari", "Kari Kontakt", "contact-person"), ("nils", "Nils Natt", "night-shift"),
                            ("anne", "Anne Ombud", "auditor")]:
        cv("identity", "new", "--out", key(who), "--write-public")
        fp = cv("identity", "show", "--fingerprint", key(who)).strip()
        cv("member", "add", "--identity", key("lina"), "--root-key", os.path.join(work, "root.cvkey"), "--id", who, "--name", name,
           "--role", role, "--public-key", "@" + os.path.join(work, f"{who}.pub"), "--fingerprint", fp)
        cv("vault", "trust", "--identity", key(who), "--fingerprint", root)
    cv("identity", "new", "--out", key("politi"), "--write-public")
    fp = cv("identity", "show", "--fingerprint", key("politi")).strip()
    cv("recipient", "add", "--identity", key("lina"), "--root-key", os.path.join(work, "root.cvkey"), "--id", "politi-ost",
       "--name", "Øst politidistrikt", "--role", "police", "--public-key", "@" + os.path.join(work, "politi.pub"), "--fingerprint", fp)
    return root


class UI:
    """One member's `casevault ui` and their own browser profile."""

    def __init__(self, who, driver_url):
        e = dict(env, CASEVAULT_IDENTITY=key(who), XDG_RUNTIME_DIR=runtime(who))
        os.makedirs(os.path.join(work, "out"), exist_ok=True)
        self.proc = subprocess.Popen([CV, "ui", "--bundle-folder", os.path.join(work, "out")], env=e,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(self.proc)
        line = self.proc.stdout.readline()  # blocks until the server listens (or exits)
        m = re.search(r"(http://127\.0\.0\.1:(\d+)/start\?t=[0-9a-f]{64})", line)
        if not m:
            raise AssertionError(f"casevault ui printed no launch link: {line!r} {self.proc.stderr.read() if self.proc.poll() is not None else ''}")
        self.launch, self.port = m.group(1), int(m.group(2))
        self.base = f"http://127.0.0.1:{self.port}"
        self.profile = os.path.join(work, f"profile-{who}")
        self.b = Browser(driver_url, self.profile)
        browsers.append(self.b)
        self.b.get(self.launch)

    def go(self, path):
        self.b.get(self.base + path)

    def shot(self, name):
        screen_no[0] += 1
        self.b.screenshot(os.path.join(SHOTS, f"{screen_no[0]:02d}-{name}.png"))

    def submit(self, form_css="main form"):
        self.b.find(f"{form_css} button[type=submit]").click()

    def fill(self, values):
        for name, value in values.items():
            el = self.b.find(f'[name="{name}"]')
            if el.attr("tagName") == "SELECT":
                el.select(value)
            else:
                el.clear()
                el.type(value)

    def see(self, text):
        """Whether the page shows `text`, once the navigation a click started has ended."""
        for _ in range(200):
            if text in self.b.source:
                return True
            time.sleep(0.05)
        return False

    def cookie(self):
        return next(c for c in self.b.cookies() if c["name"] == f"casevault_{self.port}")

    def case_handle(self):
        m = re.search(r"/sak/([0-9a-f]{20})", self.b.url)
        assert m, f"not on a case page: {self.b.url}"
        return m.group(1)


def raw(ui, method, path, host=None, origin=None, cookie=None, body=None, fetch_site=None):
    """A request as another page or program would send it, outside the browser."""
    headers = {"Host": host or f"127.0.0.1:{ui.port}"}
    if origin:
        headers["Origin"] = origin
    if cookie:
        headers["Cookie"] = cookie
    if fetch_site:
        headers["Sec-Fetch-Site"] = fetch_site
    data = body.encode() if body is not None else None
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(ui.base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test(name):
    def wrap(fn):
        def run(*a):
            started = time.monotonic()
            try:
                fn(*a)
                results.append((name, None))
                print(f"ok   {name} ({time.monotonic() - started:.1f}s)", flush=True)
            except Exception as e:  # noqa: BLE001 - every failure is reported and fails the run
                results.append((name, e))
                print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
        return run
    return wrap


state = {}


@test("night intake and a note in at most three screens")
def night_intake(kari):
    kari.shot("nattoversikt-tom")                                  # screen 1: the night board
    assert kari.b.find("h1").text == "Nattoversikt"
    kari.b.find('a[href="/ny"]').click()                           # screen 2: the intake form
    kari.shot("nytt-inntak")
    kari.fill({"person.alias": CANARY["alias"], "safety.do_not_admit": CANARY["door"], "safety.alarm_active": "ja",
               "safety.night_instructions": CANARY["instructions"], "person.gender": "female",
               "person.address_protection": "strengt-fortrolig"})
    kari.submit()
    assert kari.see("Saken er opprettet")                   # screen 3: the case, with its note field
    state["case"] = kari.case_handle()
    kari.fill({"tekst": CANARY["note"]})
    kari.b.find("form.notat button").click()
    assert kari.see("Notatet er lagret"), "no confirmation"
    assert CANARY["note"] in kari.b.find('dd[data-path="notes[0].text"]').text, "the note is not shown on the case"
    assert kari.b.url.startswith(kari.base + "/sak/"), "still on the case screen"
    kari.shot("sak-med-notat")
    kari.go("/")
    assert CANARY["door"] in kari.b.source and "aktiv" in kari.b.source, "the night board lacks do-not-admit or the alarm"
    kari.shot("nattoversikt")


@test("a validation error is shown next to its field with the typed values kept")
def validation(kari):
    kari.go("/ny")
    kari.fill({"person.alias": "Tastet alias", "case.opened": "31.02.2026", "person.national_id": "12345678901",
               "safety.night_instructions": "Tastet instruks"})
    kari.submit()
    assert kari.see("feilsammendrag"), "no error summary"
    for field in ["f-case-opened", "f-person-national_id"]:
        box = kari.b.find(f"#{field}-feil")
        assert box.text, f"no error next to {field}"
        parent_ids = [el.attr("id") for el in kari.b.find_all(f".har-feil #{field}")]
        assert parent_ids == [field], f"{field} is not inside its error box"
        assert kari.b.find(f"#{field}").attribute("aria-invalid") == "true"
    assert len(kari.b.find_all(".feilsammendrag li")) == 2, "every error at once"
    assert kari.b.find("#f-person-alias").attr("value") == "Tastet alias"
    assert kari.b.find("#f-case-opened").attr("value") == "31.02.2026"
    assert kari.b.find("#f-safety-night_instructions").attr("value") == "Tastet instruks"
    kari.shot("valideringsfeil")
    cases = json.loads(cv("case", "list", "--json", who="kari"))
    assert len(cases) == 1, "nothing was created"


@test("a case updated through the screens")
def update(kari):
    kari.go(f"/sak/{state['case']}")
    kari.go(f"/sak/{state['case']}/endre/address")
    kari.fill({"address.current": CANARY["address"]})
    kari.submit()
    assert kari.see("Endringen er lagret")
    kari.go(f"/sak/{state['case']}/endre/case")
    kari.shot("endre-sak")
    kari.fill({"case.phase": "2"})
    kari.submit()
    assert kari.see("Endringen er lagret")
    kari.go(f"/sak/{state['case']}/legg-til/consents")
    kari.fill({"consents[].purpose": "Sikkerhetstiltak", "consents[].recipient_role": "police", "consents[].reference": "SAM-2026-014",
               "consents[].written": "ja"})
    kari.submit()
    assert kari.see("Endringen er lagret")
    renewal = (datetime.date.today() + datetime.timedelta(days=10)).strftime("%d.%m.%Y")
    kari.go(f"/sak/{state['case']}/legg-til/measures")
    kari.fill({"measures[].type": "mobile-violence-alarm", "measures[].decided_by": "Øst politidistrikt", "measures[].renewal_due": renewal})
    kari.submit()
    assert kari.see("Endringen er lagret")
    assert kari.b.find('dd[data-path="case.phase"]').text == "2"
    assert kari.b.find('dd[data-path="address.current"]').text == CANARY["address"]
    shown = json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"]
    assert shown["case.phase"] == 2 and shown["consents[0].reference"] == "SAM-2026-014"
    kari.shot("sak")
    kari.go("/oppgaver")
    assert renewal in kari.b.find("main").text and CANARY["alias"] in kari.b.find("main").text, "the alarm renewal is not on the task list"
    kari.shot("frister")


@test("a police handover requested, previewed, rejected once, approved by the leader and sealed")
def handover(kari, lina):
    # A first request is rejected by the leader, with a reason; nothing leaves.
    kari.go(f"/sak/{state['case']}/utlevering")
    kari.fill({"mottaker": "politi-ost", "grunnlag": "consent", "samtykke": "SAM-2026-014", "formaal": "For bredt"})
    kari.submit()
    assert kari.see("Forespørselen er sendt til godkjenning"), kari.b.find("main").text[:400]
    rejected = kari.b.url.split("/utlevering/")[1].split("?")[0]
    lina.go(f"/utlevering/{rejected}")
    lina.fill({"grunn": "Be om færre felt"})
    lina.b.find('form[action$="/avvis"] button').click()
    assert lina.see("Utleveringen er avvist") and lina.see("avslått"), lina.b.find("main").text[:300]
    kari.go(f"/utlevering/{rejected}")
    assert not kari.b.exists('form[action$="/send"]'), "a rejected request cannot be sent"
    kari.go(f"/sak/{state['case']}/utlevering")
    kari.shot("be-om-utlevering")
    kari.fill({"mottaker": "politi-ost", "grunnlag": "consent", "samtykke": "SAM-2026-014", "formaal": "Sikkerhetstiltak ved ny bolig"})
    kari.submit()
    assert kari.see("Forespørselen er sendt til godkjenning"), kari.b.find("main").text[:400]
    request = kari.b.url.split("/utlevering/")[1].split("?")[0]
    lina.go("/utleveringer")
    lina.shot("utleveringer-leder")
    lina.b.find(f'a[href="/utlevering/{request}"]').click()
    assert lina.see("venter på godkjenning")
    leaving = {el.attribute("data-path") for el in lina.b.find_all("td[data-path]")}
    review = json.loads(cv("handover", "review", request, "--json", who="lina"))
    assert leaving == set(review["fields"]), "the preview lists exactly what leaves"
    assert "address.current" not in leaving, "no address unless asked for"
    lina.shot("forhandsvisning-leder")
    lina.b.find('form[action$="/godkjenn"] button').click()
    assert lina.see("Utleveringen er godkjent"), lina.b.find("main").text[:300]
    kari.go(f"/utlevering/{request}")
    kari.b.find('form[action$="/send"] button').click()
    assert kari.see("Pakken er laget"), kari.b.find("main").text[:300]
    kari.shot("pakke-laget")
    bundle = [f for f in os.listdir(os.path.join(work, "out")) if f.endswith(".cvb")]
    assert len(bundle) == 1
    opened = json.loads(cv("handover", "open", os.path.join(work, "out", bundle[0]), "--identity", key("politi"),
                           "--trust", state["root"], "--json"))
    assert opened["approved_by"] == "lina" and set(opened["fields"]) == leaving


@test("the resident's access report, printable")
def report(kari):
    kari.go(f"/sak/{state['case']}/innsyn")
    text = kari.b.find("main").text
    assert "Innsynsrapport" in text and "Øst politidistrikt" in text and "godkjent av" in text, text[:600]
    assert CANARY["address"] not in kari.b.source and CANARY["note"] not in kari.b.source, "the report shows who and what, never content"
    kari.shot("innsynsrapport")


def policy_paths(role, all_paths):
    fields = json.loads(cv("policy", "show", "--json", who="kari"))["fields"]
    readers = {f["field"]: set(f["read"]) for f in fields}
    return {p for p in all_paths if role in readers.get(re.sub(r"\[\d+\]", "[]", p), set())}


@test("each role sees exactly its fields, as the policy says")
def roles(kari, lina, nils):
    full = json.loads(cv("case", "show", state["case"], "--json", who="kari"))
    all_paths = set(full["fields"]) | set(full["sealed_fields"])
    for who, ui, role in [("kari", kari, "contact-person"), ("lina", lina, "leader"), ("nils", nils, "night-shift")]:
        ui.go(f"/sak/{state['case']}")
        shown = {el.attribute("data-path") for el in ui.b.find_all("dd[data-path]")}
        expected = policy_paths(role, all_paths)
        assert shown == expected, f"{who} ({role}): shown but not readable {sorted(shown - expected)}, readable but not shown {sorted(expected - shown)}"
        page = ui.b.source
        for path, value in full["fields"].items():
            # Free text only: a choice's canonical word (consent, police) may also be a page's own word.
            if path not in expected and isinstance(value, str) and len(value) > 6 and not re.fullmatch(r"[a-z-]+", value):
                assert value not in page, f"{who} was sent {path}"
        ui.shot(f"sak-som-{who}")
    nils.go("/")
    assert CANARY["door"] in nils.b.source and CANARY["instructions"] in nils.b.source and "mobil voldsalarm" in nils.b.source
    assert CANARY["address"] not in nils.b.source and CANARY["note"] not in nils.b.source
    nils.shot("nattoversikt-vakt")
    nils.fill({"alias": "kanari"})
    nils.b.find("form.sok button").click()
    assert nils.see("1 treff"), nils.b.find("main").text[:300]
    assert nils.b.url == nils.base + "/sok", f"search is a POST, no alias in the URL: {nils.b.url}"
    nils.fill({f"tekst": "Vakt: rolig natt"})
    nils.b.find("form.notat button").click()
    assert nils.see("Notatet er lagret")
    assert "Vakt: rolig natt" not in nils.b.source, "the night shift writes a note it cannot read back"


@test("attacks are refused: wrong Host, missing CSRF token, cross-site Origin, replayed launch token")
def attacks(kari):
    cookie = kari.cookie()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    jar = f"{cookie['name']}={cookie['value']}"
    ours = kari.base
    status, headers, _ = raw(kari, "GET", "/", cookie=jar)
    assert status == 200 and headers["Cache-Control"] == "no-store" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    kari.go("/")
    csrf = kari.b.find('input[name="csrf"]').attr("value")
    before = len(json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"])
    note = f"csrf={csrf}&tekst=angrep"
    assert raw(kari, "GET", "/", host=f"evil.example:{kari.port}", cookie=jar)[0] == 421, "DNS rebinding"
    assert raw(kari, "GET", "/", host=f"127.0.0.1:{kari.port + 1}", cookie=jar)[0] == 421
    assert raw(kari, "POST", f"/sak/{state['case']}/notat", origin=ours, cookie=jar, body="tekst=angrep", fetch_site="same-origin")[0] == 403
    assert raw(kari, "POST", f"/sak/{state['case']}/notat", origin=ours, cookie=jar, body="csrf=" + "0" * 64 + "&tekst=angrep")[0] == 403
    assert raw(kari, "POST", f"/sak/{state['case']}/notat", origin="http://evil.example", cookie=jar, body=note)[0] == 403
    assert raw(kari, "POST", f"/sak/{state['case']}/notat", origin=ours, cookie=jar, body=note, fetch_site="cross-site")[0] == 403
    assert raw(kari, "POST", f"/sak/{state['case']}/notat", cookie=jar, body=note)[0] == 403, "no Origin"
    assert raw(kari, "GET", "/start?t=" + kari.launch.split("t=")[1])[0] == 403, "replayed launch token"
    assert raw(kari, "GET", "/", cookie=f"{cookie['name']}=" + "0" * 64)[0] == 401
    assert raw(kari, "GET", f"/sak/{state['case']}", cookie=jar, fetch_site="same-site")[0] == 403, "a read made by another local page"
    # A real cross-site form in the same browser: another local page posts to the interface.
    attacker = subprocess.Popen([sys.executable, "-m", "http.server", str(free_port()), "--bind", "127.0.0.1", "--directory", work],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    processes.append(attacker)
    with open(os.path.join(work, "angrep.html"), "w") as f:
        f.write(f'<form method="post" action="{ours}/sak/{state["case"]}/notat"><input name="csrf" value="{csrf}">'
                f'<input name="tekst" value="angrep"><button>send</button></form>')
    port = attacker.args[3]
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/angrep.html", timeout=2)
            break
        except OSError:
            time.sleep(0.05)
    kari.b.get(f"http://127.0.0.1:{port}/angrep.html")
    kari.b.find("button").click()
    assert kari.see("Avvist"), "the cross-site form was not refused: " + kari.b.find("body").text[:300]
    kari.shot("avvist-kryss-side")
    after = len(json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"])
    assert after == before, "an attack changed the case"


@test("the data protection officer searches the access log and sees no content")
def dpo(anne):
    anne.go("/logg")
    anne.fill({"handling": "case.read", "sak": state["case"]})
    anne.submit()
    assert anne.see("oppføringer"), anne.b.find("main").text[:300]
    rows = anne.b.find_all("tbody tr")
    expected = json.loads(cv("audit", "log", "--case", state["case"], "--action", "case.read", "--json", who="anne"))
    assert 0 < len(rows) <= len(expected), f"{len(rows)} rows, the CLI finds {len(expected)}"
    for value in CANARY.values():
        assert value not in anne.b.source, "the log screen shows case content"
    anne.shot("tilgangslogg")


@test("a police answer merged into the case: the changes shown, a stale confirmation refused, then written")
def merge_answer(kari):
    bundle = next(f for f in os.listdir(os.path.join(work, "out")) if f.endswith(".cvb"))
    with open(os.path.join(work, "vurdering.yaml"), "w") as f:
        f.write("kind: assessment\nassessment_tool: SARA:SV\nassessment_level: high\nassessment_date: 2026-11-30\n")
    answer = os.path.join(work, "svar.cva")
    cv("handover", "answer", "--bundle", os.path.join(work, "out", bundle), "--answer-file", os.path.join(work, "vurdering.yaml"),
       "--identity", key("politi"), "--trust", state["root"], "--out", answer)
    cv("handover", "import-answer", answer, who="kari")
    kari.go(f"/sak/{state['case']}")
    kari.b.find(f'a[href="/sak/{state["case"]}/svar"]').click()
    assert kari.see("Svar 1"), kari.b.find("main").text[:400]
    assert "politiets vurdering" in kari.b.find("main").text, kari.b.find("main").text[:400]
    kari.shot("svar-aa-flette-inn")
    kari.b.find(f'a[href="/sak/{state["case"]}/svar/1"]').click()
    assert kari.see("Skriv endringene inn i saken")
    shown = {el.attribute("data-path") for el in kari.b.find_all("tr[data-path]")}
    assert shown == {"threats[0].subject", "threats[0].police_assessment.tool", "threats[0].police_assessment.level",
                     "threats[0].police_assessment.date"}, f"the preview differs from the merge: {sorted(shown)}"
    level = kari.b.find('tr[data-path="threats[0].police_assessment.level"]').text
    assert "(tomt)" in level and "high" in level, f"old and new value: {level}"
    kari.shot("flett-inn-forslag")
    # Meanwhile the case moves (the threat mapping is started elsewhere): the shown changes are stale.
    with open(os.path.join(work, "trussel.yaml"), "w") as f:
        f.write("set:\n  threats[0].subject: adult\n")
    cv("case", "update", state["case"], os.path.join(work, "trussel.yaml"), who="kari")
    before = json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"]
    kari.b.find("form.beslutning button").click()
    assert kari.see("Saken er endret siden forslaget ble vist"), kari.b.find("main").text[:400]
    after = json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"]
    assert after == before and "threats[0].police_assessment.level" not in after, "a stale confirmation wrote to the case"
    shown = {el.attribute("data-path") for el in kari.b.find_all("tr[data-path]")}
    assert "threats[0].subject" not in shown and len(shown) == 3, f"the changes as they are now: {sorted(shown)}"
    kari.shot("flett-inn-avvist")
    kari.b.find("form.beslutning button").click()                 # the fresh preview, confirmed
    assert kari.see("Svaret er flettet inn i saken"), kari.b.find("main").text[:400]
    merged = json.loads(cv("case", "show", state["case"], "--json", who="kari"))["fields"]
    assert merged["threats[0].police_assessment.level"] == "high" and merged["threats[0].police_assessment.tool"] == "SARA:SV"
    kari.go(f"/sak/{state['case']}/svar")
    assert kari.see("Ingen svar å flette inn"), "a merged answer is not listed again"


@test("the data protection officer checks the log: passed, with its size and checkpoint")
def verify_log(anne):
    anne.go("/kontroll")
    anne.shot("kontroll-av-loggen")
    anne.b.find('form[action="/kontroll"] button').click()
    assert anne.see("Bestått"), anne.b.find("main").text[:400]
    entries, checkpoint = int(anne.b.find("#antall").text), int(anne.b.find("#sjekkpunkt").text)
    assert entries > 0 and 0 < checkpoint <= entries, (entries, checkpoint)
    for value in CANARY.values():
        assert value not in anne.b.source, "the log check shows case content"
    anne.shot("kontroll-bestatt")


@test("my cases: the open ones, the closed behind a link, a page at a time")
def my_cases(kari):
    kari.go("/saker")
    main = kari.b.find("main").text
    assert "Åpne saker du når: 1" in main and CANARY["alias"] in main, main[:400]
    kari.shot("mine-saker")
    kari.b.find('a[href="/saker?alle=1"]').click()
    assert kari.see("Alle saker du når: 1") and CANARY["alias"] in kari.b.find("main").text
    kari.go("/saker?side=7")
    assert CANARY["alias"] in kari.b.find("main").text, "a page past the end shows the last page"


@test("a case document opened in the browser, never as a download, and refused to a role that may not read it")
def documents(kari, nils):
    path = os.path.join(work, "besoksforbud.png")
    with open(path, "wb") as f:
        f.write(png_with_text(CANARY["document"]))
    cv("case", "document", "add", state["case"], path, "--title", "Besøksforbud", who="kari")
    os.remove(path)
    kari.go(f"/sak/{state['case']}")
    link = kari.b.find('dd[data-path="documents[0].content"] a')
    assert link.attr("href").endswith(f"/sak/{state['case']}/dokument/1"), link.attr("href")
    assert "Besøksforbud" in kari.b.find("main").text
    kari.shot("sak-med-dokument")
    status, headers, _ = raw(kari, "GET", f"/sak/{state['case']}/dokument/1", cookie=f"casevault_{kari.port}={kari.cookie()['value']}")
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 200 and headers["content-type"] == "image/png", (status, headers)
    assert headers["cache-control"] == "no-store" and headers["content-disposition"].startswith("inline;"), headers
    assert "Besøksforbud" not in headers["content-disposition"], "the file name says nothing"
    assert "script-src" not in headers["content-security-policy"] and "frame-ancestors 'none'" in headers["content-security-policy"]
    link.click()
    assert kari.b.exists("img"), "the browser shows the image"
    kari.shot("dokument")
    log = json.loads(cv("audit", "log", "--case", state["case"], "--actor", "kari", "--action", "case.read", "--json", who="anne"))
    assert "documents[0].content" in json.dumps(log[-1]), f"the opening is logged as a read of the document: {log[-1]}"
    nils.go(f"/sak/{state['case']}/dokument/1")
    assert CANARY["document"] not in nils.b.source and not nils.b.exists("img"), "the night shift gets no document"


@test("the leader sees the members and recipients, read-only")
def roster(lina, kari):
    lina.go("/medlemmer")
    text = lina.b.find("main").text
    for expected in ["kari", "kontaktperson", "nils", "vakt", "anne", "personvernombud", "politi-ost", "Øst politidistrikt", "aktiv"]:
        assert expected in text, f"{expected} missing: {text[:400]}"
    assert not lina.b.exists("main form"), "read-only"
    for command in ["casevault member add", "casevault member revoke", "casevault recipient add", "casevault recipient remove"]:
        assert command in text, f"the screen names the command: {command}"
    lina.shot("medlemmer-og-mottakere")
    kari.go("/medlemmer")
    assert kari.see("Ingen tilgang") and "politi-ost" not in kari.b.source, "only the leader"


@test("keyboard only: every input has a label and Tab reaches the forms")
def keyboard(kari):
    for path in ["/", "/ny", f"/sak/{state['case']}", f"/sak/{state['case']}/utlevering", f"/sak/{state['case']}/endre/person"]:
        kari.go(path)
        for el in kari.b.find_all("input:not([type=hidden]), select, textarea"):
            eid = el.attr("id")
            assert eid and kari.b.exists(f'label[for="{eid}"]'), f"{path}: input {el.attr('name')} has no label"
    kari.go("/ny")
    seen = []
    for _ in range(40):
        kari.b.tab()
        seen.append(kari.b.active().attr("name") or kari.b.active().attr("tagName"))
    assert "person.alias" in seen and "BUTTON" in seen, f"Tab order misses the form: {seen}"


@test("Lås nå locks the agent, ends the session and the browser keeps no canary")
def lock_and_profile(kari, lina, nils, anne):
    kari.go("/")
    kari.b.find("form.las button").click()
    assert kari.see("låst")
    kari.shot("laast")
    kari.go("/")
    assert kari.see("Ingen gyldig økt")
    assert "Locked" in cv("status", who="kari"), "the agent forgot the keys"
    for ui in (lina, nils, anne):
        ui.go("/")
        ui.b.find("form.las button").click()
    for b in browsers:
        b.quit()
    found, control = [], False
    for ui in (kari, lina, nils, anne):
        for dirpath, _, files in os.walk(ui.profile):
            for name in files:
                try:
                    with open(os.path.join(dirpath, name), "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                control = control or state["case"].encode() in data
                for what, value in CANARY.items():
                    for enc in ("utf-8", "utf-16-le"):
                        if value.encode(enc) in data:
                            found.append(f"{what} in {os.path.relpath(os.path.join(dirpath, name), work)}")
    assert control, "the search is blind: the profile does not even hold the visited case URL"
    assert not found, "canaries left in the browser profile: " + ", ".join(sorted(set(found)))


def main():
    shutil.rmtree(SHOTS, ignore_errors=True)
    os.makedirs(SHOTS)
    driver_port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={driver_port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(driver)
    driver_url = f"http://127.0.0.1:{driver_port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(driver_url + "/status", timeout=2)
            break
        except OSError:
            time.sleep(0.05)
    try:
        state["root"] = make_vault()
        kari = UI("kari", driver_url)
        night_intake(kari)
        validation(kari)
        update(kari)
        my_cases(kari)
        lina = UI("lina", driver_url)
        handover(kari, lina)
        report(kari)
        nils = UI("nils", driver_url)
        roles(kari, lina, nils)
        documents(kari, nils)
        attacks(kari)
        merge_answer(kari)
        anne = UI("anne", driver_url)
        dpo(anne)
        verify_log(anne)
        roster(lina, kari)
        keyboard(kari)
        lock_and_profile(kari, lina, nils, anne)
    except Exception as e:  # noqa: BLE001
        results.append(("setup", e))
        print(f"FAIL setup: {type(e).__name__}: {e}", flush=True)
    finally:
        for b in browsers:
            b.quit()
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for who in ("kari", "lina", "nils", "anne"):
            subprocess.run([CV, "lock"], env=dict(env, XDG_RUNTIME_DIR=runtime(who)), capture_output=True)
        if os.environ.get("CASEVAULT_UI_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    failed = [n for n, e in results if e]
    print(f"ui tests: {len(results) - len(failed)} passed, {len(failed)} failed; screenshots in {os.path.relpath(SHOTS, ROOT)}")
    sys.exit(1 if failed or not results else 0)


if __name__ == "__main__":
    main()
