import pytest

from webhooks.forms import EndpointForm


@pytest.mark.django_db
def test_labels_have_no_trailing_colon_on_any_form():
    html = str(EndpointForm())
    assert "Receiver URL</label>" in html
    assert ":</label>" not in html
