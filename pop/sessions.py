"""The session cookie, checked once per cookie and process rather than on every request.

Flask keeps the session in a signed cookie (itsdangerous: an HMAC of the content and the time it was
signed). Reading it on every request (the signature checked, the content decompressed and decoded
from its tagged JSON) took about a tenth of a kept plan page's time. A browser sends the same cookie
until the session changes, so the result of a check is kept, under the very cookie text and the keys
it was checked with: the same bytes under the same keys check out the same way every time.

What a check decides stays decided per request:

- the age: the time the cookie was signed is kept with it, and a kept cookie older than the app's
  PERMANENT_SESSION_LIFETIME (or signed in the future) is checked again in full, which refuses it as
  Flask does;
- another secret key (or fallback keys) is another entry, so a key taken out of use refuses its
  cookies at once;
- each request gets a session of its own (a copy): a view that changes it changes no other request's.
  Only sessions whose values are plain texts, numbers and booleans are kept; a session holding a list
  or another mutable value (a message waiting to be shown, flash()) is read in full every time, as a
  copy of its dict would share that list.

A bad signature is never kept; it gives an empty session, as Flask's own does. The cookie is sent
again only when the session changed, as Flask does for sessions that are not permanent (POP's are not:
they end with the browser; SESSION_REFRESH_EACH_REQUEST applies to permanent ones only)."""
from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT = 2048  # cookies per process; an entry is a few hundred bytes
PLAIN = (str, int, float, bool, type(None))


class CheckedOnce(SecureCookieSessionInterface):
    def __init__(self):
        self._checked: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()
        self._lock = Lock()

    def open_session(self, app, request):
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (cookie, app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._checked.get(key)
        if kept is not None and 0 <= int(time.time()) - kept[1] <= max_age:
            return self.session_class(kept[0])  # a copy; its values are immutable
        try:
            data, signed = self.get_signing_serializer(app).loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:  # also an expired one
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, PLAIN) for v in data.values()):
            with self._lock:
                self._checked[key] = (data, int(signed.timestamp()))
                while len(self._checked) > KEPT:
                    self._checked.popitem(last=False)
        return self.session_class(data)

    def save_session(self, app, session, response):
        # Unchanged (nearly every page; POP's sessions are not permanent, so not re-sent either): what
        # Flask's own does then, without first reading the cookie's seven settings it would not use.
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
