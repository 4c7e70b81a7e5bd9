"""The Rasa SDK action server: thin adapters between Rasa's trackers and policybot's conversation logic."""
