"""The project's Rasa input channels (credentials.yml): REST with input checks, and the channels built on it."""
