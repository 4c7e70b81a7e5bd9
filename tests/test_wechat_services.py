"""`make run` serves the WeChat channel only when WECHAT_TOKEN is set, and its secrets never reach a file."""

from __future__ import annotations

import yaml

from ops.services import WECHAT_CHANNEL, runtime_credentials


def test_the_channel_is_on_only_with_a_token():
    assert WECHAT_CHANNEL not in runtime_credentials({})
    assert "bot.channels.rest.CheckedRestInput" in runtime_credentials({})
    on = runtime_credentials({"WECHAT_TOKEN": "t0ken-secret", "WECHAT_APPSECRET": "app-secret-value"})
    assert on[WECHAT_CHANNEL]["reply_budget"] < 5 and on[WECHAT_CHANNEL]["menu"]
    written = yaml.safe_dump(on, allow_unicode=True)
    assert "t0ken-secret" not in written and "app-secret-value" not in written
