"""WeChat official-account protocol, as plain Python: request checks and parsing (`protocol`), reply rendering and
byte-limit splitting (`render`), the retry de-duplication (`inflight`), the customer-service API (`customer_service`).
The Rasa channel `bot/channels/wechat.py` is a thin adapter over these."""
