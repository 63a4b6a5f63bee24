"""A small error hierarchy: each error has a stable code and a Japanese message for people."""

from __future__ import annotations


class MachikoeError(Exception):
    """Base error. `code` is stable for programs; `message` is shown to people."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(MachikoeError):
    code = "invalid"


class NotAllowed(MachikoeError):
    code = "forbidden"


class ImportFailed(MachikoeError):
    """A file could not be imported; nothing was written. Names file, row/key and column."""

    code = "import_failed"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        where = "、".join(
            part
            for part in (
                f"ファイル {file}" if file else "",
                f"{row} 行目" if isinstance(row, int) else (f"{row}" if row else ""),
                f"列「{column}」" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, field=column)
        self.file = file
        self.row = row
        self.column = column
        self.reason = message
