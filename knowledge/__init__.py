"""The guide as structured records: parsing, curated annotations, and the saved knowledge base."""

from .errors import AnnotationError, BuildUnavailable, KnowledgeBaseMissing, PolicybotError, SourceError
from .records import Audience, Contact, Record, Section

__all__ = [
    "AnnotationError",
    "Audience",
    "BuildUnavailable",
    "Contact",
    "KnowledgeBaseMissing",
    "PolicybotError",
    "Record",
    "Section",
    "SourceError",
]
