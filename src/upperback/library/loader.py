"""Read the library's YAML files into validated models.

Every problem is reported as a :class:`~upperback.errors.LibraryDataError` naming the file,
the field (as a dotted path such as ``faults[2].cue``) and what is wrong with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from upperback.errors import LibraryDataError
from upperback.library.models import Anatomy, Faq, Guidance, Movement

DATA_DIR = Path(__file__).parent / "data"

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning read and syntax errors into a LibraryDataError.

    libyaml's safe loader is used where PyYAML was built with it (several times faster than
    the Python one); PyYAML loads when the library is first read, not when it is imported.
    """
    import yaml

    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LibraryDataError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    try:
        return yaml.load(text, Loader=safe_loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LibraryDataError(f"{path}: not valid YAML{where}: {problem}.") from exc


def validate_file(path: Path, model: type[ModelT], context: dict[str, Any] | None = None) -> ModelT:
    """Load ``path`` and validate it as ``model``; errors name file, field and problem."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise LibraryDataError(f"{path}: expected a mapping of fields at the top, found {type(data).__name__}.")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise LibraryDataError(_describe(path, exc)) from exc


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s):"]
    for error in exc.errors():
        field = _field_path(error["loc"]) or "(top level)"
        lines.append(f"  - field '{field}': {error['msg']}")
    return "\n".join(lines)


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def load_anatomy(data_dir: Path = DATA_DIR) -> Anatomy:
    return validate_file(data_dir / "anatomy.yaml", Anatomy)


def load_movements(anatomy: Anatomy, data_dir: Path = DATA_DIR) -> list[Movement]:
    """Load every ``movements/*.yaml``; the file name must equal the movement id."""
    context = {
        "muscles": {m.id for m in anatomy.muscles},
        "actions": {a.id for a in anatomy.actions},
    }
    files = sorted((data_dir / "movements").glob("*.yaml"))
    if not files:
        raise LibraryDataError(f"{data_dir / 'movements'}: no movement files (*.yaml) found.")
    movements = []
    for path in files:
        movement = validate_file(path, Movement, context)
        if movement.id != path.stem:
            raise LibraryDataError(
                f"{path}: field 'id' is '{movement.id}' but the file is named '{path.name}'; they must match."
            )
        movements.append(movement)
    return movements


def load_guidance(data_dir: Path = DATA_DIR) -> Guidance:
    return validate_file(data_dir / "guidance.yaml", Guidance)


def load_faq(data_dir: Path = DATA_DIR) -> Faq:
    return validate_file(data_dir / "faq.yaml", Faq)
