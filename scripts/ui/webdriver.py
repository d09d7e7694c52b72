"""A small W3C WebDriver client on the standard library: enough to drive chromedriver."""
import base64
import json
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(Exception):
    pass


class Browser:
    def __init__(self, driver_url, profile_dir, downloads=None):
        self.base = driver_url
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1400",
                f"--user-data-dir={profile_dir}", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-sync", "--disable-component-update"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "args": args, "binary": "/usr/bin/chromium"}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                value = json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise WebDriverError(json.loads(e.read()).get("value", {}).get("message", str(e))) from None
        return value

    def _s(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url):
        self._s("POST", "/url", {"url": url})

    @property
    def url(self):
        return self._s("GET", "/url")

    @property
    def source(self):
        return self._s("GET", "/source")

    def find(self, css):
        return Element(self, self._s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        return [Element(self, e[ELEMENT]) for e in self._s("POST", "/elements", {"using": "css selector", "value": css})]

    def exists(self, css):
        return bool(self.find_all(css))

    def cookies(self):
        return self._s("GET", "/cookie")

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self._s("GET", "/screenshot")))

    def tab(self):
        """Presses Tab in the focused element (keyboard-only use)."""
        self._s("POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": [
            {"type": "keyDown", "value": "\ue004"}, {"type": "keyUp", "value": "\ue004"}]}]})

    def active(self):
        return Element(self, self._s("GET", "/element/active")[ELEMENT])

    def quit(self):
        try:
            self._s("DELETE", "")
        except Exception:
            pass


class Element:
    def __init__(self, browser, eid):
        self.b, self.id = browser, eid

    def _e(self, method, path, body=None):
        return self.b._s(method, f"/element/{self.id}{path}", body)

    def click(self):
        self._e("POST", "/click", {})

    def type(self, text):
        self._e("POST", "/value", {"text": text})

    def clear(self):
        self._e("POST", "/clear", {})

    def attr(self, name):
        return self._e("GET", f"/property/{name}")

    def attribute(self, name):
        return self._e("GET", f"/attribute/{name}")

    @property
    def text(self):
        return self._e("GET", "/text")

    def find(self, css):
        return Element(self.b, self._e("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        return [Element(self.b, e[ELEMENT]) for e in self._e("POST", "/elements", {"using": "css selector", "value": css})]

    def select(self, value):
        """Chooses an option of a <select> by its value, as a keyboard user would."""
        self.find(f'option[value="{value}"]').click()
