"""The movement library: five movements, anatomy, guidance and FAQ as validated data."""

from upperback.library.catalog import Library, get_library, load_library, variant_fits
from upperback.library.models import Equipment, Fault, Level, Movement, Role, Variant, View

__all__ = [
    "Equipment",
    "Fault",
    "Level",
    "Library",
    "Movement",
    "Role",
    "Variant",
    "View",
    "get_library",
    "load_library",
    "variant_fits",
]
