"""Open Badges 3.0: the OpenBadgeCredential's shape (FORMAT_SPEC_NOTES §5), its VC-JWT signature
checked by an independent library (PyJWT) with the key the app publishes, and tampered copies refused."""

import base64
import json

import jwt
import pytest

from kamtrain.accounts.models import AuditEntry
from kamtrain.certification import badges
from kamtrain.core.db import db
from tests.certification.conftest import make_certificate
from tests.factories import create_user


@pytest.fixture
def cert(app):
    user = create_user(full_name="诸葛明", email="zhuge@example.com", track="marketing")
    return make_certificate(user, "marketing-3")


@pytest.fixture
def holder_client(app, cert, login_as):
    return login_as(cert.user)


def b64(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_the_credential_follows_open_badges_3(holder_client, cert):
    response = holder_client.get(f"/certificates/{cert.id}/badge.json")
    assert response.status_code == 200
    doc = json.loads(response.get_data(as_text=True))
    assert doc["@context"] == ["https://www.w3.org/ns/credentials/v2",
                               "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(doc["type"])
    assert doc["id"].endswith(f"/verify/{cert.code}") and doc["name"]
    assert doc["issuer"]["type"] == ["Profile"] and doc["issuer"]["id"].endswith("/badges/issuer")
    assert doc["validFrom"] == f"{cert.issued_on.isoformat()}T00:00:00Z" and doc["validUntil"].endswith("Z")
    subject = doc["credentialSubject"]
    assert "AchievementSubject" in subject["type"]
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$") and "zhuge@example.com" not in json.dumps(doc)
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    assert achievement["id"].endswith("/badges/achievements/marketing-3") and achievement["name"]


def test_the_signature_verifies_with_the_published_key_and_fails_when_tampered(holder_client, cert, client):
    token = holder_client.get(f"/certificates/{cert.id}/badge.jwt").get_data(as_text=True)
    header = b64(token.split(".")[0])
    assert header["alg"] == "EdDSA" and header["kid"]
    keys = client.get("/badges/jwks.json").get_json()["keys"]
    [jwk] = [k for k in keys if k["kid"] == header["kid"]]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    public_key = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, public_key, algorithms=["EdDSA"], options={"verify_exp": False})
    assert claims["jti"] == claims["id"] and claims["iss"] == claims["issuer"]["id"]
    assert claims["credentialSubject"]["name"] == "诸葛明"

    # a tampered copy: another name in the payload, same signature
    payload = b64(token.split(".")[1])
    payload["credentialSubject"]["name"] = "冒名者"
    forged_payload = base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False).encode()).rstrip(b"=").decode()
    forged = ".".join([token.split(".")[0], forged_payload, token.split(".")[2]])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, public_key, algorithms=["EdDSA"], options={"verify_exp": False})
    with pytest.raises(badges.BadgeRefused, match="bad_signature"):
        badges.verify(forged, keys)
    assert badges.verify(token, keys)["credentialSubject"]["name"] == "诸葛明"


def test_the_public_badge_check_page(client, holder_client, cert):
    token = holder_client.get(f"/certificates/{cert.id}/badge.jwt").get_data(as_text=True)
    ok = client.post("/verify/badge", data={"token": token})
    assert ok.status_code == 200 and 'id="badge-result"' in ok.get_data(as_text=True)
    assert cert.serial in ok.get_data(as_text=True)
    head, body, sig = token.split(".")
    bad_sig = sig[:-4] + ("AAAA" if not sig.endswith("AAAA") else "BBBB")
    for bad in (f"{head}.{body}.{bad_sig}", "not a token", f"{head}.{body}"):
        refused = client.post("/verify/badge", data={"token": bad})
        assert refused.status_code == 422, bad
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(event="badge_refused")) >= 3


def test_issuer_profile_and_achievements_are_published(client):
    profile = client.get("/badges/issuer").get_json()
    assert profile["type"] == ["Profile"] and profile["name"] and profile["id"].endswith("/badges/issuer")
    assert client.get("/badges/achievements/sales-4").get_json()["type"] == ["Achievement"]
    assert client.get("/badges/achievements/nope").status_code == 404


def test_the_key_is_made_once_and_kept(app):
    with app.app_context():
        first = badges.jwks()
        assert badges.key_path().exists() and oct(badges.key_path().stat().st_mode & 0o777) == "0o600"
        assert badges.jwks() == first


def test_others_cannot_download_someones_badge(app, cert, login_as):
    stranger = create_user()
    c = login_as(stranger)
    assert c.get(f"/certificates/{cert.id}/badge.jwt").status_code == 404
    assert c.get(f"/certificates/{cert.id}/pdf").status_code == 404
