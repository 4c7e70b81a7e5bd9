"""The guide as structured records: parsing, curated annotations, and the saved knowledge base."""

from .errors import AnnotationError, KnowledgeBaseMissing, PolicybotError, SourceError
from .records import Audience, Contact, Record, Section

__all__ = [
    "AnnotationError",
    "Audience",
    "Contact",
    "KnowledgeBaseMissing",
    "PolicybotError",
    "Record",
    "Section",
    "SourceError",
]
