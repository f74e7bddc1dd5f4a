import pytest
from cariberita.config import Settings
from cariberita.errors import ConfigurationError


def test_defaults():
    s = Settings.from_env({"OPENSEARCH_ENDPOINT": "http://127.0.0.1:9200/"})
    assert s.opensearch_endpoint == "http://127.0.0.1:9200"
    assert s.articles_index == "articles"
    assert s.opensearch_auth == "none"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"OPENSEARCH_ENDPOINT": "localhost:9200"},
        {"OPENSEARCH_ENDPOINT": "http://x", "ARTICLES_INDEX": "Bad Name"},
        {"OPENSEARCH_ENDPOINT": "http://x", "OPENSEARCH_AUTH": "basic"},
    ],
)
def test_invalid_environment_is_one_clear_error(env):
    with pytest.raises(ConfigurationError, match="invalid configuration"):
        Settings.from_env(env)


def test_sigv4_client_signs_for_a_managed_domain(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    from cariberita.opensearch_client import build_client

    s = Settings.from_env(
        {
            "OPENSEARCH_ENDPOINT": "https://search-x.ap-southeast-3.es.amazonaws.com",
            "OPENSEARCH_AUTH": "sigv4",
            # Serverless is not offered; a leftover variable changes nothing.
            "OPENSEARCH_SERVICE": "aoss",
            "AWS_REGION": "ap-southeast-3",
        }
    )
    client = build_client(s)
    conn = client.transport.get_connection()
    assert conn.session.auth.service == "es"
