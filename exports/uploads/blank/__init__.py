"""HR's own blank form, as it is: the places to write found in an unmarked .docx or .xlsx (word.py,
excel.py), each matched to a question of the form by its printed label (match.py), proposed to HR and,
once confirmed, written into the document as placeholders (proposal.py). The result is an ordinary
template: checked, previewed and activated like any upload."""
from .proposal import Proposal, apply, outline, propose

__all__ = ["Proposal", "apply", "outline", "propose"]
