"""A small OpenID Connect provider for the single sign-on tests, strict where a real one is strict:
discovery, an authorize endpoint that approves the configured user at once (or answers
error=access_denied), a token endpoint that checks the client's secret (HTTP Basic), the code (once),
the redirect URI and the PKCE verifier (S256), the key set, and ID tokens signed RS256 with joserfc
(what Authlib 1.6+ uses itself).

A test tells it how to behave through Provider.behaviour: whom to log in, claims to add or override
in the ID token (a wrong aud, an expired exp, another nonce), signing with a key it does not publish,
no ID token at all, being slow, another issuer in its discovery document."""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "pop-test"
CLIENT_SECRET = "geheim-van-de-client-1"


@dataclass
class Behaviour:
    user: dict = field(default_factory=dict)  # the claims of the person who logs in
    deny: bool = False  # answer error=access_denied instead of a code
    claims: dict = field(default_factory=dict)  # added to / overriding the ID token's claims
    foreign_key: bool = False  # sign with a key that is not in the published set, under its kid
    no_id_token: bool = False
    slow: float = 0.0  # seconds the token endpoint waits before answering
    discovery_issuer: str = ""  # another issuer in the discovery document than its own address


class Provider:
    def __init__(self, redirect_uri: str):
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "sleutel-1", "use": "sig"})
        self.behaviour = Behaviour()
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.base = ""
        self.app = self._make_app()

    def reset(self, **behaviour) -> None:
        self.behaviour = Behaviour(**behaviour)
        self.token_requests.clear()

    def _make_app(self) -> Flask:
        app = Flask("oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": self.behaviour.discovery_issuer or self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "jwks_uri": f"{self.base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "scopes_supported": ["openid", "email", "profile"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            args = request.args
            # A real provider shows an error page of its own for a request it cannot trust.
            if args.get("client_id") != CLIENT_ID or args.get("redirect_uri") != self.redirect_uri:
                abort(400, "onbekende client of redirect_uri")
            if (args.get("response_type") != "code" or "openid" not in args.get("scope", "").split()
                    or args.get("code_challenge_method") != "S256" or not args.get("code_challenge")
                    or not args.get("state") or not args.get("nonce")):
                abort(400, "onvolledig verzoek")
            back = {"state": args["state"]}
            if self.behaviour.deny:
                back.update(error="access_denied", error_description="De gebruiker weigerde.")
            else:
                code = secrets.token_urlsafe(24)
                self.codes[code] = {"challenge": args["code_challenge"], "nonce": args["nonce"],
                                    "redirect_uri": args["redirect_uri"], "user": dict(self.behaviour.user)}
                back["code"] = code
            return redirect(f"{self.redirect_uri}?{urlencode(back)}")

        @app.post("/token")
        def token():
            self.token_requests.append(dict(request.form))
            if self.behaviour.slow:
                time.sleep(self.behaviour.slow)
            auth = request.authorization
            if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            form = request.form
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
            if form.get("grant_type") != "authorization_code" or grant is None:
                return jsonify(error="invalid_grant"), 400
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant", error_description="redirect_uri"), 400
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if challenge.decode() != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            answer = {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300}
            if not self.behaviour.no_id_token:
                answer["id_token"] = self.id_token(grant)
            return jsonify(answer)

        return app

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.base, "sub": grant["user"].get("email", "iemand"), "aud": CLIENT_ID,
                  "iat": now, "exp": now + 300, "nonce": grant["nonce"], **grant["user"],
                  **self.behaviour.claims}
        key = self.other_key if self.behaviour.foreign_key else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def serve(provider: Provider):
    """Start the provider on a free loopback port in a thread; returns a function that stops it."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, provider.app, threaded=True)
    provider.base = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def stop():
        httpd.shutdown()
        httpd.server_close()
    return stop
