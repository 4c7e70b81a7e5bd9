"""The website chat widget's plain-Python side: signed sender ids (`ids.py`) and the static files it serves
(`assets.py`, `static/`). No Rasa import: the channel (bot/channels/webchat.py) and the front (ops/front.py) use it."""
