"""Declarative journeys: each scheme is a definition, one engine runs them all."""
