"""One named error for bad input: a subclass of the project's error that the edges turn into a 4xx or a polite
reply; a missing build is a 503, any other project error a bare 500."""

from __future__ import annotations

import pytest

from knowledge.errors import BuildUnavailable, InvalidInput, PolicybotError
from knowledge.vocab import load_facts
from policybot.profile import canonical_profile


@pytest.mark.parametrize("profile", [["企业"], {"no_such_fact": 1}, {"entity_type": "<b>火星</b>"},
                                     {"is_veteran": "maybe"}, {"owner_groups": "高校毕业生"}])
def test_a_bad_profile_is_invalid_input_that_does_not_repeat_it(profile):
    with pytest.raises(InvalidInput) as err:
        canonical_profile(profile, load_facts())
    assert isinstance(err.value, PolicybotError) and "<b>" not in str(err.value) and "火星" not in str(err.value)


def test_a_bad_search_mode_is_invalid_input(assistant):
    with pytest.raises(InvalidInput, match="mode must be one of"):
        assistant.read("高企有什么奖励", mode="psychic")


async def test_the_action_server_maps_each_kind_of_error_to_its_status():
    import json
    from types import SimpleNamespace

    from actions.server import make_app

    app = make_app(None, [])
    request = SimpleNamespace(method="GET", path="/api/ask")
    statuses = {}
    for name, exc in (("invalid", InvalidInput("q must be text")), ("build", BuildUnavailable("run make build")),
                      ("other", PolicybotError("something inside"))):
        handler = app.error_handler.lookup(exc, None)  # the handler Sanic would pick for this exception
        resp = await handler(request, exc)
        statuses[name] = (resp.status, json.loads(resp.body)["error"])
    assert statuses["invalid"] == (400, "q must be text")
    assert statuses["build"][0] == 503 and "make build" not in statuses["build"][1]
    assert statuses["other"] == (500, "internal error")
